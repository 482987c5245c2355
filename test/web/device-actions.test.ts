import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { deviceInput, intake } from '../helpers/factories.js';
import { move } from '../helpers/lifecycle.js';
import { checkPage, textOf, useBrowserApp } from './browser.js';

const ctx = useBrowserApp();

/** What the Actions section offers: its buttons, links and the forms' summaries, by name. */
async function offered(page: Page): Promise<string[]> {
  const section = page.locator('section.actions');
  if ((await section.count()) === 0) return [];
  return (await section.locator(':scope > a, :scope > details > summary').allInnerTexts()).map((t) => t.trim());
}

describe('the device page’s actions', () => {
  it('when a collector opens a laptop with no erasure, then reconditioning waits for one; a refused erasure record says why next to the field, a Purge unlocks reconditioning with its grade', async () => {
    const [device] = await intake(ctx, [deviceInput({ grade: null })]);
    const collector = await ctx.staff('collector', 'Sami Benali');
    const { page, context } = await ctx.signedIn(collector);
    await page.goto(`/appareils/${device.id}`);
    expect(await offered(page)).toEqual(['Ajouter à une expédition', 'Mettre au rebut', 'Enregistrer un effacement', 'Imprimer l’étiquette']);
    expect(await textOf(page.locator('#recondition-blocked'))).toContain('enregistrez d’abord un effacement Purge réussi');

    await page.getByText('Enregistrer un effacement').click();
    await page.getByLabel('Méthode (NIST SP 800-88)').selectOption('nist-800-88-purge');
    await page.getByLabel('Effectué le').fill('2099-01-01T10:00');
    await page.getByRole('button', { name: 'Enregistrer l’effacement' }).click();
    expect(await textOf(page.locator('#tool-error'))).toBe('Ce champ est obligatoire.');
    expect(await textOf(page.locator('#performedAt-error'))).toBe('Cette date est dans le futur.');
    expect(await page.getByLabel('Méthode (NIST SP 800-88)').inputValue()).toBe('nist-800-88-purge');
    await checkPage(page, 'appareil-effacement-erreur');

    await page.getByLabel('Outil').fill('Blancco Drive Eraser 7.14');
    await page.getByLabel('Effectué le').fill('2026-11-30T09:30');
    await page.getByRole('button', { name: 'Enregistrer l’effacement' }).click();
    await page.waitForURL(`**/appareils/${device.id}#erasure-title`);
    const erasures = (await ctx.api().get(`/api/v1/devices/${device.id}/erasures`)).body.items;
    expect(erasures).toMatchObject([{ method: 'nist-800-88-purge', tool: 'Blancco Drive Eraser 7.14', operator: 'Sami Benali', result: 'passed', recordedBy: 'Sami Benali' }]);
    // Typed on the depot's clock (Paris, UTC+1 in November).
    expect(erasures[0].performedAt).toBe('2026-11-30T08:30:00.000Z');
    expect(await textOf(page.locator('table.cards', { hasText: 'Blancco' }))).toContain('Purge (NIST Purge)');

    expect(await offered(page)).toEqual(['Ajouter à une expédition', 'Reconditionner (grade)', 'Mettre au rebut', 'Enregistrer un effacement', 'Imprimer l’étiquette']);
    await page.getByText('Reconditionner (grade)').click();
    await page.getByRole('button', { name: 'Confirmer le reconditionnement' }).click();
    expect(await textOf(page.locator('#grade-error'))).toBe('Choisissez une valeur de la liste.');
    await page.getByLabel('Grade attribué').selectOption('B');
    await page.getByLabel('Système installé (facultatif)').fill('Linux Mint 22');
    await page.getByRole('button', { name: 'Confirmer le reconditionnement' }).click();
    await page.waitForURL(`**/appareils/${device.id}`);
    expect(await textOf(page.locator('.status'))).toContain('prêt');
    expect((await ctx.api().get(`/api/v1/devices/${device.id}`)).body).toMatchObject({ status: 'ready', grade: 'B', specs: { os: 'Linux Mint 22' } });
    expect(await offered(page)).toEqual(['Mettre au rebut', 'Enregistrer un effacement', 'Imprimer l’étiquette']);
    await checkPage(page, 'appareil-pret');
    await context.close();
  });

  it('when a laptop with no qualifying erasure is scrapped, then the recycler’s certificate is asked for next to its field, and given it goes', async () => {
    const [device] = await intake(ctx, [deviceInput()]);
    const trira = await ctx.staff('reconditioner', 'Atelier TRIRA');
    const { page, context } = await ctx.signedIn(trira);
    await page.goto(`/appareils/${device.id}`);
    await page.getByText('Mettre au rebut').click();
    await page.getByLabel('Motif').fill('Carte mère hors service');
    await page.getByRole('button', { name: 'Confirmer la mise au rebut' }).click();
    expect(await textOf(page.locator('#destructionCertificate-error'))).toContain('certificat de destruction du recycleur');
    expect(await textOf(page.getByRole('alert').first())).toContain('Mise au rebut impossible');
    expect(await page.getByLabel('Motif').inputValue()).toBe('Carte mère hors service');
    await checkPage(page, 'appareil-rebut-erreur');
    expect((await ctx.api().get(`/api/v1/devices/${device.id}`)).body.status).toBe('collected');

    await page.getByLabel('Référence du certificat de destruction du recycleur').fill('ENVIE-2026-118');
    await page.getByRole('button', { name: 'Confirmer la mise au rebut' }).click();
    await page.waitForURL(`**/appareils/${device.id}`);
    expect((await ctx.api().get(`/api/v1/devices/${device.id}`)).body.status).toBe('scrapped');
    // Scrapped: nothing left to do but record an erasure or reprint its label.
    expect(await offered(page)).toEqual(['Enregistrer un effacement', 'Imprimer l’étiquette']);
    await context.close();
  });

  it('when a device is in each status, then a collector is offered exactly what the lifecycle allows from it, and an action it does not allow is refused without change', async () => {
    const collector = await ctx.staff('collector');
    const { page, context } = await ctx.signedIn(collector);
    // A monitor holds no data: no erasure rule hides an action here, only the status does.
    const monitor = () => deviceInput({ kind: 'monitor' });
    const expected: [string, string[], string[]][] = [
      ['collected', [], ['Ajouter à une expédition', 'Reconditionner (grade)', 'Mettre au rebut']],
      ['shipped', ['dispatch'], ['Enregistrer sa réception']],
      ['ready', ['recondition'], ['Mettre au rebut']],
      ['reserved', ['recondition', 'schedule'], []],
      ['installed', ['recondition', 'schedule', 'complete'], []],
      ['returned', ['recondition', 'schedule', 'complete', 'return'], ['Ajouter à une expédition', 'Reconditionner (grade)', 'Mettre au rebut']],
      ['scrapped', ['scrap'], []],
    ];
    for (const [status, path, actions] of expected) {
      const [device] = await intake(ctx, [monitor()]);
      await move(ctx, [device.id], ...(path as never[]));
      await page.goto(`/appareils/${device.id}`);
      expect((await ctx.api().get(`/api/v1/devices/${device.id}`)).body.status).toBe(status);
      const shown = (await offered(page)).filter((a) => !['Enregistrer un effacement', 'Imprimer l’étiquette'].includes(a));
      expect(shown, status).toEqual(actions);
    }

    // Installers plan installations from a ready device; nothing else of the lifecycle is theirs here.
    const [ready] = await intake(ctx, [monitor()]);
    await move(ctx, [ready.id], 'recondition');
    const installer = await ctx.signedIn(await ctx.staff('installer'));
    await installer.page.goto(`/appareils/${ready.id}`);
    expect(await offered(installer.page)).toEqual(['Planifier une installation', 'Imprimer l’étiquette']);
    await installer.context.close();

    // A forged scrap of an installed device: the service refuses it, the page says why, nothing moves.
    const [installed] = await intake(ctx, [monitor()]);
    await move(ctx, [installed.id], 'recondition', 'schedule', 'complete');
    await page.goto(`/appareils/${installed.id}`);
    const status = await page.evaluate(async (id) => {
      const body = new URLSearchParams({ _csrf: document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')!.content, reason: 'forged' });
      return (await fetch(`/appareils/${id}/rebut`, { method: 'POST', body })).status;
    }, installed.id);
    expect(status).toBe(409);
    expect((await ctx.api().get(`/api/v1/devices/${installed.id}`)).body.status).toBe('installed');
    await context.close();
  });

  it('when a collector reconditions a monitor, then no system is asked (the API refuses one on a monitor) and it becomes ready with its grade', async () => {
    const [monitor] = await intake(ctx, [deviceInput({ kind: 'monitor', grade: null })]);
    const { page, context } = await ctx.signedIn(await ctx.staff('collector'));
    await page.goto(`/appareils/${monitor.id}`);
    await page.getByText('Reconditionner').first().click();
    expect(await page.locator('#os').count()).toBe(0);
    await checkPage(page, 'appareil-ecran-reconditionner');
    await page.getByLabel('Grade attribué').selectOption('A');
    await page.getByRole('button', { name: 'Confirmer le reconditionnement' }).click();
    await page.waitForURL(`**/appareils/${monitor.id}**`);
    expect((await ctx.api().get(`/api/v1/devices/${monitor.id}`)).body).toMatchObject({ status: 'ready', grade: 'A' });
    await context.close();
  });

  it('when a device packed in an open shipment is scrapped, then the page names the shipment to take it out of first; an invisible certificate counts as none', async () => {
    const [packed, laptop] = await intake(ctx, [deviceInput({ kind: 'monitor' }), deviceInput()]);
    const shipment = (await ctx.api('collector').post('/api/v1/shipments').send({})).body;
    await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/items`).send({ codes: [packed.assetTag] }).expect(200);
    const { page, context } = await ctx.signedIn(await ctx.staff('collector', 'Sami Benali'));
    await page.goto(`/appareils/${packed.id}`);
    await page.getByText('Mettre au rebut').click();
    await page.getByLabel('Motif').fill('Dalle fêlée');
    await page.getByRole('button', { name: 'Confirmer la mise au rebut' }).click();
    const alert = await textOf(page.getByRole('alert').first());
    expect(alert).toContain(`dans l’expédition ${shipment.reference}`);
    expect(alert).toContain('Retirez-le d’abord');
    expect(await page.getByLabel('Motif').inputValue()).toBe('Dalle fêlée');
    await checkPage(page, 'appareil-rebut-expedition');
    expect((await ctx.api().get(`/api/v1/devices/${packed.id}`)).body.status).toBe('collected');

    // A zero-width space is no certificate reference: the laptop still needs the real one.
    await page.goto(`/appareils/${laptop.id}`);
    await page.getByText('Mettre au rebut').click();
    await page.getByLabel('Motif').fill('Carte mère hors service');
    await page.getByLabel('Référence du certificat de destruction du recycleur').fill('\u200b');
    await page.getByRole('button', { name: 'Confirmer la mise au rebut' }).click();
    expect(await textOf(page.locator('#destructionCertificate-error'))).toContain('certificat de destruction du recycleur');
    expect((await ctx.api().get(`/api/v1/devices/${laptop.id}`)).body.status).toBe('collected');
    await context.close();
  });

  it('when TRIRA opens a device of a shipment they have not confirmed, then they are led to report it missing; once missing, its return is offered as found', async () => {
    const [device] = await intake(ctx, [deviceInput({ kind: 'monitor' })]);
    const shipment = (await ctx.api('collector').post('/api/v1/shipments').send({})).body;
    await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/items`).send({ codes: [device.assetTag] }).expect(200);
    await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/dispatch`).send({}).expect(200);
    const trira = await ctx.staff('reconditioner');
    const { page, context } = await ctx.signedIn(trira);
    await page.goto(`/appareils/${device.id}`);
    expect(await offered(page)).toEqual(['Enregistrer sa réception', `Signaler non reçu (expédition ${shipment.reference})`, 'Enregistrer un effacement', 'Imprimer l’étiquette']);
    await page.getByRole('link', { name: /Signaler non reçu/ }).click();
    await page.getByLabel(`${device.assetTag} non reçu`).check();
    await page.getByRole('button', { name: 'Confirmer la réception' }).click();
    await page.waitForFunction(() => document.body.innerText.includes('Réception confirmée'));

    await page.goto(`/appareils/${device.id}`);
    expect(await offered(page)).toEqual(['Retrouvé : enregistrer sa réception', 'Enregistrer un effacement', 'Imprimer l’étiquette']);
    await page.getByRole('link', { name: 'Retrouvé : enregistrer sa réception' }).click();
    expect(await page.getByLabel('Codes des appareils').inputValue()).toBe(`${device.assetTag}\n`);
    await page.getByLabel('Numéro du bon de livraison').fill('BL-RETROUVE-1');
    await page.getByRole('button', { name: 'Enregistrer la réception' }).click();
    await page.waitForURL(/\/receptions\/[0-9a-z]+$/);
    expect((await ctx.api().get(`/api/v1/devices/${device.id}`)).body).toMatchObject({ status: 'ready', missingSince: null });
    await context.close();
  });
});
