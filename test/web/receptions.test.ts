import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createCollection, createDonor, deviceInput, intake } from '../helpers/factories.js';
import { move } from '../helpers/lifecycle.js';
import { ship } from '../exchange/helpers.js';
import { dayInParis } from '../../src/clock.js';
import { checkPage, textOf, useBrowserApp } from './browser.js';

const ctx = useBrowserApp();

/** TRIRA's attestation for every unit of the reception: a Purge by Karim, on 30 November 2026 at 10:00. */
async function fillAttestation(page: Page) {
  await page.getByLabel('Méthode').selectOption('nist-800-88-purge');
  await page.getByLabel('Outil').fill('Blancco Drive Eraser 7.14');
  await page.getByLabel('Effectué le').fill('2026-11-30T10:00');
  await page.getByLabel('Opérateur').fill('Karim, TRIRA');
}

describe('a delivery from TRIRA with new units', () => {
  it('when TRIRA brings a returning unit and two new ones, then a line missing its kind and a serial already known are named on their line, and once right every unit is ready with the attestation', async () => {
    const [back, known] = await intake(ctx, [deviceInput(), deviceInput()]);
    await move(ctx, [back.id], 'dispatch');
    const trira = await ctx.staff('reconditioner', 'Atelier TRIRA');
    const { page, context } = await ctx.signedIn(trira);
    await page.goto('/receptions/nouvelle');
    await page.getByLabel('Numéro du bon de livraison').fill('BL-TRIRA-0077');
    await page.getByLabel('Codes des appareils').fill(back.assetTag);
    await page.getByLabel('Grade donné par le reconditionneur (facultatif, pour tous ces appareils)').selectOption('A');
    await page.getByLabel('Marque, ligne 1').fill('Lenovo');
    await page.getByLabel('Modèle, ligne 1').fill('ThinkPad T470');
    await page.getByLabel('Numéro de série, ligne 1').fill('PF-NEW-0001');
    await page.getByLabel('Type, ligne 2').selectOption('laptop');
    await page.getByLabel('Numéro de série, ligne 2').fill(known.serialNumber!);
    await page.getByLabel('Grade, ligne 2').selectOption('B');
    await fillAttestation(page);
    await page.getByRole('button', { name: 'Enregistrer la réception' }).click();
    expect(await textOf(page.locator('#kind_0-error'))).toBe('Choisissez une valeur de la liste.');
    await checkPage(page, 'reception-nouveaux-erreur');

    await page.getByLabel('Type, ligne 1').selectOption('laptop');
    await page.getByRole('button', { name: 'Enregistrer la réception' }).click();
    expect(await textOf(page.locator('#serialNumber_1-error'))).toContain(`Ce numéro de série est déjà enregistré : ${known.assetTag}`);
    // Nothing typed is lost, and nothing was recorded.
    expect(await page.getByLabel('Modèle, ligne 1').inputValue()).toBe('ThinkPad T470');
    expect((await ctx.api().get(`/api/v1/devices/${back.id}`)).body.status).toBe('shipped');

    // More lines without losing any: the grid grows by three.
    await page.getByRole('button', { name: 'Plus de lignes pour les nouveaux appareils' }).click();
    expect(await page.getByLabel('Type, ligne 6').count()).toBe(1);
    expect(await page.getByLabel('Numéro de série, ligne 1').inputValue()).toBe('PF-NEW-0001');
    await page.getByLabel('Numéro de série, ligne 2').fill('PF-NEW-0002');
    await page.getByRole('button', { name: 'Enregistrer la réception' }).click();
    await page.waitForURL(/\/receptions\/[0-9a-z]+$/);
    await checkPage(page, 'reception-nouveaux');
    const rows = await page.locator('table.cards tbody tr').allInnerTexts();
    expect(rows).toHaveLength(3);
    expect(rows.filter((r) => r.includes('(nouveau)'))).toHaveLength(2);

    const delivery = (await ctx.api().get('/api/v1/deliveries')).body.items.find((d: { reference: string }) => d.reference === 'BL-TRIRA-0077');
    const full = (await ctx.api().get(`/api/v1/deliveries/${delivery.id}`)).body;
    expect(full).toMatchObject({ newUnits: 2, returnedUnits: 1 });
    for (const item of full.items) {
      expect(item.device.status).toBe('ready');
      const erasures = (await ctx.api().get(`/api/v1/devices/${item.device.id}/erasures`)).body.items;
      expect(erasures).toMatchObject([{ method: 'nist-800-88-purge', operator: 'Karim, TRIRA', deliveryId: delivery.id, performedAt: '2026-11-30T09:00:00.000Z' }]);
    }
    const byGrade = Object.fromEntries(full.items.map((i: { device: { serialNumber: string; grade: string; origin: string } }) => [i.device.serialNumber, [i.device.grade, i.device.origin]]));
    expect(byGrade).toMatchObject({ [back.serialNumber!]: ['A', 'donation'], 'PF-NEW-0001': [null, 'reconditioner'], 'PF-NEW-0002': ['B', 'reconditioner'] });
    await context.close();
  });
});

describe('refused deliveries and the list of receptions', () => {
  it('when TRIRA’s attestation is dated before the unit left for TRIRA, then the refusal says so next to the date and nothing is recorded', async () => {
    const [back] = await intake(ctx, [deviceInput()]);
    await ship(ctx, [back], '2026-12-01');
    const trira = await ctx.staff('reconditioner', 'Atelier TRIRA');
    const { page, context } = await ctx.signedIn(trira);
    await page.goto('/receptions/nouvelle');
    await page.getByLabel('Numéro du bon de livraison').fill('BL-TRIRA-0100');
    await page.getByLabel('Codes des appareils').fill(back.assetTag);
    await fillAttestation(page);
    await page.getByRole('button', { name: 'Enregistrer la réception' }).click();
    expect(await textOf(page.locator('#performedAt-error'))).toBe('L’effacement est daté d’avant le départ de l’appareil chez le reconditionneur : vérifiez la date de l’attestation.');
    expect((await ctx.api().get(`/api/v1/devices/${back.id}`)).body.status).toBe('shipped');
    await context.close();
  });

  it('when TRIRA’s attestation for a new unit is dated after the delivery was received, then the refusal says so next to the date and nothing is recorded', async () => {
    const trira = await ctx.staff('reconditioner', 'Atelier TRIRA');
    const { page, context } = await ctx.signedIn(trira);
    await page.goto('/receptions/nouvelle');
    await page.getByLabel('Numéro du bon de livraison').fill('BL-TRIRA-0101');
    await page.getByLabel('Reçu le').fill('2026-11-29');
    await page.getByLabel('Type, ligne 1').selectOption('laptop');
    await page.getByLabel('Numéro de série, ligne 1').fill('PF-LATE-0001');
    await fillAttestation(page);
    await page.getByRole('button', { name: 'Enregistrer la réception' }).click();
    expect(await textOf(page.locator('#performedAt-error'))).toBe('L’effacement est daté d’après la réception, or le reconditionneur efface avant de livrer : vérifiez la date de l’attestation et la date de réception.');
    expect(await page.getByLabel('Numéro de série, ligne 1').inputValue()).toBe('PF-LATE-0001');
    expect((await ctx.api().get('/api/v1/scan/PF-LATE-0001')).status).toBe(404);
    await context.close();
  });

  it('when a scanned label URL and a new unit both lack an attestation, then the refusal names the asset tag and the new unit’s line; once recorded, the delivery is listed from the menu with its counts and opens', async () => {
    const [back] = await intake(ctx, [deviceInput()]);
    await move(ctx, [back.id], 'dispatch');
    const trira = await ctx.staff('reconditioner', 'Atelier TRIRA');
    const { page, context } = await ctx.signedIn(trira);
    await page.goto('/receptions/nouvelle');
    await page.getByLabel('Numéro du bon de livraison').fill('BL-TRIRA-0099');
    await page.getByLabel('Codes des appareils').fill(`${ctx.config.publicUrl}/d/${back.assetTag}`);
    await page.getByLabel('Type, ligne 2').selectOption('laptop');
    await page.getByLabel('Numéro de série, ligne 2').fill('PF-NEW-0099');
    await page.getByRole('button', { name: 'Enregistrer la réception' }).click();
    const method = await textOf(page.locator('#method-error'));
    expect(method).toContain(`(${back.assetTag}, nouvel appareil de la ligne 2)`);
    expect(method).not.toContain('/d/');
    const summary = await page.locator('.error-summary li a').evaluateAll((links) => links.map((a) => [a.getAttribute('href'), (a as HTMLElement).innerText]));
    expect(summary).toContainEqual(['#kind_1', expect.stringContaining('Ligne 2')]);
    expect(summary.map(([href]) => href)).toContain('#method');
    await checkPage(page, 'reception-refus-attestation');

    await fillAttestation(page);
    await page.getByRole('button', { name: 'Enregistrer la réception' }).click();
    await page.waitForURL(/\/receptions\/[0-9a-z]+$/);
    const deliveryUrl = page.url();

    await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Réceptions' }).click();
    await page.waitForURL('**/receptions');
    await checkPage(page, 'receptions');
    const row = page.locator('tr', { hasText: 'BL-TRIRA-0099' });
    expect(await row.locator('td').allInnerTexts()).toEqual(['BL-TRIRA-0099', expect.stringMatching(/^\d\d\/\d\d\/\d{4}$/), '2', '1', '1', 'Atelier TRIRA']);
    await row.getByRole('link', { name: 'BL-TRIRA-0099' }).click();
    await page.waitForURL(deliveryUrl);
    await page.getByRole('link', { name: 'Toutes les réceptions' }).click();
    await page.waitForURL('**/receptions');
    await context.close();
  });
});

describe('a donor’s page', () => {
  it('when a collector opens a donor, then its contact shows; an edit made meanwhile is named without losing what was typed, a bad SIRET is refused next to its field, and a good edit is saved', async () => {
    const donor = await createDonor(ctx, { name: 'Savoie Solaire', contactName: 'Inès Martin', contactEmail: 'ines.martin@savoie-solaire.example.fr', contactPhone: '04 79 11 22 33' });
    const collector = await ctx.staff('collector', 'Léo Blanc');
    const { page, context } = await ctx.signedIn(collector);
    await page.goto(`/donateurs/${donor.id}`);
    const facts = await textOf(page.locator('#identity-title + dl'));
    expect(facts).toContain('Contact Inès Martin');
    expect(facts).toContain('ines.martin@savoie-solaire.example.fr');
    expect(facts).toContain('04 79 11 22 33');
    await checkPage(page, 'donateur');

    await page.locator('summary', { hasText: 'Modifier le donateur' }).click();
    await page.getByLabel('Contact', { exact: true }).fill('Paul Girard');
    // Meanwhile someone else changes the donor through the API.
    await ctx.api('collector').patch(`/api/v1/donors/${donor.id}`).send({ city: 'Chambéry' }).expect(200);
    await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    expect(await textOf(page.locator('.notice.error'))).toContain('modifié entre-temps');
    expect(await page.getByLabel('Contact', { exact: true }).inputValue()).toBe('Paul Girard');
    // The record above the form is the one now stored: the other person's change shows.
    expect(await textOf(page.locator('#identity-title + dl'))).toContain('Chambéry');
    expect((await ctx.api().get(`/api/v1/donors/${donor.id}`)).body.contactName).toBe('Inès Martin');
    await page.getByLabel('Ville').fill('Chambéry');

    await page.getByLabel('SIRET (facultatif)').fill('12345678901234');
    expect(await textOf(page.locator('#siret-live'))).toContain('n’est pas valide');
    await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    expect(await textOf(page.locator('#siret-error'))).toBe('Ce SIRET n’est pas valide : vérifiez les chiffres.');
    expect(await page.getByLabel('Contact', { exact: true }).inputValue()).toBe('Paul Girard');
    await checkPage(page, 'donateur-modifier-erreur');

    await page.getByLabel('SIRET (facultatif)').fill('');
    await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await page.waitForURL(/modifie=1/);
    expect(await textOf(page.locator('#identity-title + dl'))).toContain('Contact Paul Girard');
    expect((await ctx.api().get(`/api/v1/donors/${donor.id}`)).body).toMatchObject({ contactName: 'Paul Girard', city: 'Chambéry', contactEmail: 'ines.martin@savoie-solaire.example.fr' });

    // The API's PATCH takes the same ETag: a stale one changes nothing.
    const read = await ctx.api().get(`/api/v1/donors/${donor.id}`).expect(200);
    await ctx.api('collector').patch(`/api/v1/donors/${donor.id}`).send({ notes: 'Appeler avant' }).expect(200);
    await ctx.api('collector').patch(`/api/v1/donors/${donor.id}`).set('If-Match', read.headers.etag).send({ notes: 'Trop tard' }).expect(412);
    await context.close();
  });
});

describe('the collections list', () => {
  it('when a collector opens Collectes from the menu, then collections are listed newest first and filtered by donor, dates and the status of their devices, each linking to its page', async () => {
    const alpes = await createDonor(ctx, { name: 'Alpes Conseil' });
    const lac = await createDonor(ctx, { name: 'Lac Bourget Industries' });
    const older = await createCollection(ctx, { donorId: alpes.id, collectedOn: '2026-10-05' });
    const newer = await createCollection(ctx, { donorId: alpes.id, collectedOn: '2026-11-20' });
    const other = await createCollection(ctx, { donorId: lac.id, collectedOn: '2026-11-10' });
    const [shipped] = await intake(ctx, [deviceInput()], older.id);
    await intake(ctx, [deviceInput(), deviceInput()], newer.id);
    await move(ctx, [shipped.id], 'dispatch');

    const collector = await ctx.staff('collector');
    const { page, context } = await ctx.signedIn(collector);
    await page.goto('/');
    await page.getByRole('link', { name: 'Collectes', exact: true }).click();
    await page.waitForURL('**/collectes');
    await checkPage(page, 'collectes');
    const dates = async () => (await page.locator('table.cards tbody tr td:first-child').allInnerTexts()).map((t) => t.trim());
    const all = await dates();
    expect(all.indexOf('Collecte du 20/11/2026')).toBeLessThan(all.indexOf('Collecte du 10/11/2026'));
    expect(all.indexOf('Collecte du 10/11/2026')).toBeLessThan(all.indexOf('Collecte du 05/10/2026'));

    await page.getByLabel('Donateur').fill('alpes');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL(/q=alpes/);
    expect(await dates()).toEqual(['Collecte du 20/11/2026', 'Collecte du 05/10/2026']);
    expect(await textOf(page.locator('tr', { hasText: '20/11/2026' }))).toContain('2');

    await page.getByLabel('Appareils au statut').selectOption('shipped');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL(/deviceStatus=shipped/);
    expect(await dates()).toEqual(['Collecte du 05/10/2026']);

    await page.goto('/collectes?from=2026-11-01&to=2026-11-15');
    expect(await dates()).toContain('Collecte du 10/11/2026');
    expect(await dates()).not.toContain('Collecte du 20/11/2026');
    await page.getByRole('link', { name: 'Collecte du 10/11/2026' }).click();
    await page.waitForURL(`**/collectes/${other.id}`);
    expect(await textOf(page.locator('h1'))).toContain('Lac Bourget Industries');

    await page.goto('/collectes?from=2026-13-45');
    expect(await textOf(page.locator('#from-error'))).toBeTruthy();
    await checkPage(page, 'collectes-erreur');
    await context.close();
  });
});

describe('dates after today on the staff pages', () => {
  const tomorrow = () => dayInParis(new Date(ctx.clock.now().getTime() + 86_400_000));

  it('when a reception is dated tomorrow, then the refusal says so next to « Reçu le », what was typed stays and nothing is recorded', async () => {
    const [back] = await intake(ctx, [deviceInput()]);
    await ship(ctx, [back], '2026-11-10');
    const trira = await ctx.staff('reconditioner', 'Atelier TRIRA');
    const { page, context } = await ctx.signedIn(trira);
    await page.goto('/receptions/nouvelle');
    await page.getByLabel('Numéro du bon de livraison').fill('BL-TRIRA-0200');
    await page.getByLabel('Reçu le').fill(tomorrow());
    await page.getByLabel('Codes des appareils').fill(back.assetTag);
    await fillAttestation(page);
    await page.getByRole('button', { name: 'Enregistrer la réception' }).click();
    expect(await textOf(page.locator('#receivedOn-error'))).toBe('Cette date est dans le futur.');
    expect(await page.getByLabel('Numéro du bon de livraison').inputValue()).toBe('BL-TRIRA-0200');
    await checkPage(page, 'reception-date-future');
    expect((await ctx.api().get(`/api/v1/devices/${back.id}`)).body.status).toBe('shipped');
    await context.close();
  });

  it('when a collection is dated tomorrow on the donor’s page, then the refusal says so next to its date and none is created', async () => {
    const donor = await createDonor(ctx, { name: 'Chambéry Demain' });
    const collector = await ctx.staff('collector', 'Léo Blanc');
    const { page, context } = await ctx.signedIn(collector);
    await page.goto(`/donateurs/${donor.id}`);
    await page.getByLabel('Date de la collecte').fill(tomorrow());
    await page.getByRole('button', { name: 'Créer et saisir les appareils' }).click();
    expect(await textOf(page.locator('#collectedOn-error'))).toBe('Cette date est dans le futur.');
    await checkPage(page, 'collecte-date-future');
    expect((await ctx.api().get(`/api/v1/collections?donorId=${donor.id}`)).body.items).toEqual([]);
    await context.close();
  });
});
