import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { deviceInput } from '../helpers/factories.js';
import { createBeneficiary, readyDevices, scheduleKit, signaturePng } from '../helpers/installations.js';
import { dialect } from '../helpers/app.js';
import { dayInParis } from '../../src/clock.js';
import { frLongDate } from '../../src/shared/french.js';
import { pdfText } from '../helpers/pdf.js';
import { checkPage, isFocused, SCREENSHOTS, textOf, useBrowserApp } from './browser.js';

const ctx = useBrowserApp();

/** Image XObjects in a PDF as pdfkit writes them (object dictionaries are not compressed). */
const imageCount = (pdf: Buffer) => pdf.toString('latin1').match(/\/Subtype\s*\/Image\b/g)?.length ?? 0;

/** A signature drawn with the mouse: press, a wavy stroke across the pad, release. */
async function drawSignature(page: Page, name: string | RegExp) {
  const canvas = page.getByRole('img', { name });
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + 20, y);
  await page.mouse.down();
  for (let i = 1; i <= 24; i++) {
    await page.mouse.move(box.x + 20 + (i * (box.width - 40)) / 24, y + Math.sin(i / 2) * (box.height / 3), { steps: 3 });
  }
  await page.mouse.up();
}

async function pdfAt(page: Page, link: string): Promise<Buffer> {
  const href = await page.getByRole('link', { name: link }).getAttribute('href');
  const res = await page.context().request.get(href!);
  expect(res.headers()['content-type']).toBe('application/pdf');
  return Buffer.from(await res.body());
}

async function findPerson(page: Page, name: string) {
  await page.getByLabel('Chercher la personne').fill(name);
  await Promise.all([page.waitForURL(/\?q=/), page.getByLabel('Chercher la personne').press('Enter')]);
}

describe('installation day in the web app', () => {
  it('when an installer schedules a kit by scanning and has the contract signed on the screen with the mouse, then the signed PDF carries both signatures', async () => {
    const [computer, monitor] = await readyDevices(ctx, [deviceInput(), deviceInput({ kind: 'monitor', brand: 'Dell', model: 'P2219H', specs: null })]);
    await createBeneficiary(ctx, { firstName: 'Aïcha', lastName: 'Benali-Lefèvre' });
    const installer = await ctx.staff('installer', 'Julien Morel');
    const { page, context } = await ctx.signedIn(installer);

    await page.goto('/installations');
    await checkPage(page, 'installations');
    await page.getByRole('link', { name: 'Planifier une installation' }).click();
    await page.waitForURL('**/installations/nouvelle');
    await findPerson(page, 'benali');
    const person = page.getByRole('radio', { name: /Aïcha Benali-Lefèvre/ });
    expect(await person.isChecked()).toBe(true);
    expect(await textOf(page.locator('fieldset', { hasText: 'Personne équipée' }))).toContain('formation terminée le 30/10/2026');

    // A USB scanner: the code then Enter, in the computer's field and then the kit's other devices.
    const code = page.getByLabel('Ordinateur', { exact: true });
    expect(await isFocused(code)).toBe(true);
    await page.keyboard.type(computer.assetTag);
    await page.keyboard.press('Enter');
    expect(await isFocused(page.getByLabel('Autres appareils du kit (facultatif)'))).toBe(true);
    await page.keyboard.type(monitor.serialNumber!);
    await page.keyboard.press('Enter');
    await page.getByRole('checkbox', { name: 'chargeur' }).check();
    await page.getByRole('checkbox', { name: 'souris' }).check();
    await checkPage(page, 'installation-nouvelle');
    await page.getByRole('button', { name: 'Planifier l’installation' }).click();
    await page.waitForURL(/\/installations\/[0-9a-z]+\?planifiee=1$/);
    await checkPage(page, 'installation-prevue');
    expect(await textOf(page.locator('table.cards'))).toContain(monitor.assetTag);
    for (const d of [computer, monitor]) expect((await ctx.api().get(`/api/v1/devices/${d.id}`)).body.status).toBe('reserved');

    const draft = await pdfAt(page, 'Imprimer le contrat (brouillon)');
    expect(await pdfText(draft)).toContain('PROJET');

    await page.getByRole('link', { name: 'Faire signer le contrat' }).click();
    await page.locator('form[data-ready]').waitFor();
    await checkPage(page, 'installation-signature');
    // Sent with an empty pad: stopped in the page, with the reason next to the pad.
    await page.getByRole('button', { name: 'Valider l’installation' }).click();
    expect(await textOf(page.locator('#borrowerSignature-error'))).toBe('Le cadre est vide : l’emprunteur doit signer avant la validation.');
    expect(await isFocused(page.locator('#borrowerSignature'))).toBe(true);
    await checkPage(page, 'installation-signature-vide');
    await drawSignature(page, 'Signature de l’emprunteur : cadre de signature');
    expect(await page.locator('#borrowerSignature-error').isHidden()).toBe(true);
    await drawSignature(page, /^Signature pour .* : cadre de signature$/);
    // The lender's name keeps its capitals in the button's name.
    const lenderPad = await page.locator('#staffSignature legend').innerText();
    expect(lenderPad).toMatch(/^Signature pour [A-ZÉ]/);
    expect(await page.getByRole('button', { name: `Effacer la s${lenderPad.slice(1)}`, exact: true }).count()).toBe(1);
    // "Effacer" is a real button a keyboard reaches; it empties the pad.
    await page.getByRole('button', { name: 'Effacer la signature de l’emprunteur' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Valider l’installation' }).click();
    expect(await textOf(page.locator('#borrowerSignature-error'))).toContain('Le cadre est vide');
    await drawSignature(page, 'Signature de l’emprunteur : cadre de signature');
    await checkPage(page, 'installation-signee');
    await page.getByRole('button', { name: 'Valider l’installation' }).click();
    await page.waitForURL(/\?validee=1$/);
    await checkPage(page, 'installation-validee');
    const installationId = new URL(page.url()).pathname.split('/')[2];
    const installation = (await ctx.api('installer').get(`/api/v1/installations/${installationId}`)).body;
    expect(installation).toMatchObject({ status: 'completed', hasSignature: true, signedBy: 'Aïcha Benali-Lefèvre', staffSignedBy: 'Julien Morel', accessories: ['chargeur', 'souris'] });

    const signed = await pdfAt(page, 'Ouvrir le contrat signé (PDF)');
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    fs.writeFileSync(path.join(SCREENSHOTS, `${dialect}-contrat-signe.pdf`), signed);
    expect(imageCount(signed)).toBe(imageCount(draft) + 2);
    const signedText = await pdfText(signed);
    expect(signedText).toContain(installation.contractNumber);
    expect(signedText).not.toContain('PROJET');
    await context.close();
  }, 300_000);

  it('when a lent kit comes back without its mouse, then the installer scans it, ticks what came back, and the return slip says the mouse is still out', async () => {
    const { installation, main: computer, extras: [monitor] } = await scheduleKit(ctx, { beneficiary: await createBeneficiary(ctx, { firstName: 'Inès', lastName: 'Roux' }), extras: 1 });
    await ctx.api('installer').post(`/api/v1/installations/${installation.id}/complete`).send({ installedOn: installation.scheduledOn, installedBy: 'Julien Morel' }).expect(200);
    const installer = await ctx.staff('installer', 'Julien Morel');
    const { page, context } = await ctx.signedIn(installer);
    await page.goto('/installations');
    await page.getByRole('link', { name: 'Enregistrer une restitution' }).click();
    await page.waitForURL('**/installations/restitution');
    await checkPage(page, 'restitution-scan');
    await page.keyboard.type('OP-999999');
    await page.keyboard.press('Enter');
    expect(await textOf(page.locator('#code-error'))).toBe('OP-999999 : aucun appareil ne porte ce code.');
    await page.getByLabel('Code de l’appareil rendu').fill(computer.assetTag);
    await page.getByLabel('Code de l’appareil rendu').press('Enter');
    await page.waitForURL(/\/restitution\?appareil=/);
    await checkPage(page, 'restitution');
    await page.getByRole('checkbox', { name: 'chargeur' }).check();
    await page.getByLabel('État constaté').fill('bon état, rayure sur le capot');
    await page.getByRole('button', { name: 'Enregistrer la restitution' }).click();
    await page.waitForURL(/\?restituee=1$/);
    await checkPage(page, 'installation-restituee');
    expect(await textOf(page.locator('.notice.error'))).toBe('Accessoires non restitués : souris. Le prêt reste ouvert tant qu’ils ne sont pas rendus ou passés en perte.');
    const notice = await textOf(page.locator('.notice.success'));
    expect(notice).toContain('Reste à restituer au titre du contrat : 1 accessoire (souris). Le prêt n’est pas clos.');
    expect(notice).not.toContain('le prêt est clos');
    expect(await textOf(page.locator('h1 small'))).toContain('prêt non clos');
    const slip = await pdfText(await pdfAt(page, 'Imprimer le bon de restitution'));
    expect(slip).toContain('Reste à restituer au titre du contrat : 1 accessoire (souris). Le prêt n’est pas clos.');
    expect(slip).toContain('bon état, rayure sur le capot');
    for (const d of [computer, monitor]) expect((await ctx.api().get(`/api/v1/devices/${d.id}`)).body.status).toBe('returned');
    expect((await ctx.api('installer').get(`/api/v1/installations/${installation.id}`)).body).toMatchObject({ status: 'completed', accessoriesOutstanding: ['souris'] });

    // The mouse is lost: the installer writes it off with the reason, and the loan closes.
    await page.getByRole('link', { name: 'Accessoires rendus ou perdus' }).click();
    await page.waitForURL(/\/accessoires$/);
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    expect(await textOf(page.locator('#outcome-0-error'))).toBe('Indiquez au moins un accessoire rendu ou passé en perte.');
    await page.getByLabel('Ce qu’il est devenu').selectOption('writtenOff');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    expect(await textOf(page.locator('#reason-0-error'))).toBe('Indiquez pourquoi cet accessoire est passé en perte.');
    await checkPage(page, 'accessoires-erreur');
    await page.getByLabel('Motif de la perte').fill('perdue lors du déménagement');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.waitForURL(/\?accessoires=1$/);
    await checkPage(page, 'installation-accessoires');
    expect(await textOf(page.locator('h1 small'))).toContain('restituée, prêt clos');
    expect(await textOf(page.locator('.notice.success'))).toContain('sauf 1 accessoire passé en perte (souris : perdue lors du déménagement) : le prêt est clos.');
    const closedSlip = await pdfText(await pdfAt(page, 'Imprimer le bon de restitution'));
    expect(closedSlip).toContain('souris Non restitué, passé en perte le');
    expect(closedSlip).not.toContain('n’est pas clos');
    expect((await ctx.api('installer').get(`/api/v1/installations/${installation.id}`)).body).toMatchObject({ status: 'closed', accessoriesOutstanding: [] });
    await context.close();
  }, 180_000);

  it('when the person has not completed a cycle, then scheduling is refused next to the person, and an admin may override with a reason', async () => {
    const [computer] = await readyDevices(ctx, [deviceInput()]);
    await createBeneficiary(ctx, { firstName: 'Marc', lastName: 'Duchêne', trainingCompletedOn: undefined });
    const installer = await ctx.staff('installer');
    const { page, context } = await ctx.signedIn(installer);
    await page.goto('/installations/nouvelle');
    await findPerson(page, 'Duchêne');
    expect(await textOf(page.locator('label', { hasText: 'Marc Duchêne' }))).toContain('formation non terminée');
    await page.getByLabel('Ordinateur', { exact: true }).fill(computer.assetTag);
    await page.getByRole('button', { name: 'Planifier l’installation' }).click();
    expect(await textOf(page.locator('#beneficiaryId-error'))).toBe('Cette personne n’a terminé aucun cycle de formation : l’installation ne peut pas être planifiée.');
    await checkPage(page, 'installation-refusee');
    expect(await page.getByLabel(/Motif de dérogation/).count()).toBe(0);
    expect((await ctx.api().get(`/api/v1/devices/${computer.id}`)).body.status).toBe('ready');
    await context.close();

    const admin = await ctx.staff('admin', 'Claire Admin');
    const adminBrowser = await ctx.signedIn(admin);
    const adminPage = adminBrowser.page;
    await adminPage.goto('/installations/nouvelle');
    await findPerson(adminPage, 'Duchêne');
    await adminPage.getByLabel('Ordinateur', { exact: true }).fill(computer.assetTag);
    await adminPage.getByRole('button', { name: 'Planifier l’installation' }).click();
    expect(await textOf(adminPage.locator('#beneficiaryId-error'))).toContain('vous pouvez passer outre');
    await adminPage.getByLabel(/Motif de dérogation/).fill('Formation suivie dans une autre structure');
    await adminPage.getByRole('button', { name: 'Planifier l’installation' }).click();
    await adminPage.waitForURL(/\?planifiee=1$/);
    expect(await textOf(adminPage.locator('main'))).toContain('Planifiée par dérogation (Claire Admin) : Formation suivie dans une autre structure');
    await adminBrowser.context.close();
  });

  it('when an installer calls off a scheduled installation, then the page asks to confirm with a reason, in French next to the field, and the kit is ready again', async () => {
    const { installation, main: computer } = await scheduleKit(ctx, { beneficiary: await createBeneficiary(ctx, { firstName: 'Yves', lastName: 'Carrel' }) });
    const installer = await ctx.staff('installer', 'Julien Morel');
    const { page, context } = await ctx.signedIn(installer);
    await page.goto(`/installations/${installation.id}`);
    await page.getByRole('link', { name: 'Annuler l’installation' }).click();
    await page.waitForURL(`**/installations/${installation.id}/annulation`);
    expect(await textOf(page.locator('main'))).toContain('L’annulation libère le matériel réservé');
    // Only spaces: the browser's "required" is satisfied, the server says what is missing, next to the field.
    await page.getByLabel('Motif de l’annulation').fill('   ');
    await page.getByRole('button', { name: 'Confirmer l’annulation' }).click();
    expect(await textOf(page.locator('#reason-error'))).toBe('Indiquez le motif de l’annulation.');
    expect(await page.getByLabel('Motif de l’annulation').getAttribute('aria-invalid')).toBe('true');
    expect(await isFocused(page.getByLabel('Motif de l’annulation'))).toBe(true);
    await checkPage(page, 'installation-annulation-erreur');
    expect((await ctx.api().get(`/api/v1/devices/${computer.id}`)).body.status).toBe('reserved');

    await page.keyboard.type('La personne a déménagé à Lyon');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\?annulee=1$/);
    await checkPage(page, 'installation-annulee');
    expect(await textOf(page.locator('.notice.success'))).toBe('Installation annulée : le matériel est de nouveau prêt.');
    expect(await textOf(page.locator('main'))).toContain(': La personne a déménagé à Lyon');
    expect(await page.getByRole('link', { name: 'Annuler l’installation' }).count()).toBe(0);
    expect((await ctx.api().get(`/api/v1/devices/${computer.id}`)).body.status).toBe('ready');
    expect((await ctx.api('installer').get(`/api/v1/installations/${installation.id}`)).body).toMatchObject({ status: 'cancelled', cancelReason: 'La personne a déménagé à Lyon' });

    // A second confirmation (another tab, a reload) cancels nothing more and says why.
    const again = await page.evaluate(async (id) => {
      const body = new URLSearchParams({ _csrf: document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')!.content, reason: 'encore' });
      const res = await fetch(`/installations/${id}/annulation`, { method: 'POST', body });
      return { status: res.status, text: await res.text() };
    }, installation.id);
    expect(again.status).toBe(409);
    expect(again.text).toContain('Cette installation n’est plus prévue');
    await context.close();
  });

  describe('when the form of the signing page is refused', () => {
    const BORROWER_PAD = 'Signature de l’emprunteur : cadre de signature';
    const STAFF_PAD = /^Signature pour .* : cadre de signature$/;
    const kept = (page: Page) => page.locator('img[data-pad-kept]:visible');

    /** Every link of the error summary leads to something on the page a person can see. */
    async function summaryTargetsVisible(page: Page) {
      const hrefs = await page.locator('.error-summary a').evaluateAll((links) => links.map((a) => a.getAttribute('href')!));
      expect(hrefs.length).toBeGreaterThan(0);
      for (const href of hrefs) expect(await page.locator(href).isVisible(), href).toBe(true);
    }

    it('when a required name is left blank, then the page says so next to it, both signatures stay in their frames, and a second submit completes without signing again', async () => {
      const { installation } = await scheduleKit(ctx, { beneficiary: await createBeneficiary(ctx, { firstName: 'Léa', lastName: 'Garnier' }) });
      const today = dayInParis(ctx.clock.now());
      const { page, context } = await ctx.signedIn(await ctx.staff('installer', 'Julien Morel'));
      await page.goto(`/installations/${installation.id}/signature`);
      await page.locator('form[data-ready]').waitFor();
      // Signed on the screen means signed today: the day is stated, not asked.
      expect(await page.locator('input[type="date"]').count()).toBe(0);
      expect(await textOf(page.locator('#installedOn'))).toBe(`Installation et signature le ${frLongDate(today)}`);

      await page.getByLabel('Nom de l’emprunteur').fill('');
      await drawSignature(page, BORROWER_PAD);
      await drawSignature(page, STAFF_PAD);
      await page.getByRole('button', { name: 'Valider l’installation' }).click();
      await page.locator('.error-summary').waitFor();
      expect(await textOf(page.locator('#borrowerName-error'))).toBe('Ce champ est obligatoire.');
      expect(await textOf(page.locator('.error-summary'))).not.toContain('Valeur invalide');
      await summaryTargetsVisible(page);
      // Both drawings come back, shown in their frames, and are sent again as they are.
      expect(await kept(page).count()).toBe(2);
      expect(await page.getByRole('img', { name: 'Signature de l’emprunteur (déjà signée)' }).isVisible()).toBe(true);
      for (const field of ['borrowerSignature', 'staffSignature']) expect(await page.locator(`input[name="${field}"]`).inputValue()).toMatch(/^data:image\/png;base64,/);
      expect(await page.getByRole('img', { name: BORROWER_PAD }).isVisible()).toBe(false);
      await checkPage(page, 'installation-signature-refusee');

      // A keyboard reaches the name, then the button that clears the kept signature.
      await page.getByLabel('Nom de l’emprunteur').focus();
      await page.keyboard.type('Léa Garnier');
      await page.keyboard.press('Tab');
      expect(await isFocused(page.getByRole('button', { name: 'Effacer la signature de l’emprunteur' }))).toBe(true);
      await page.getByRole('button', { name: 'Valider l’installation' }).click();
      await page.waitForURL(/\?validee=1$/);
      const done = (await ctx.api('installer').get(`/api/v1/installations/${installation.id}`)).body;
      expect(done).toMatchObject({ status: 'completed', installedOn: today, hasSignature: true, signedBy: 'Léa Garnier', staffSignedBy: 'Julien Morel' });
      expect(dayInParis(new Date(done.signedAt))).toBe(today);
      expect(imageCount(await pdfAt(page, 'Ouvrir le contrat signé (PDF)'))).toBeGreaterThanOrEqual(2);
      await context.close();
    });

    it('when an early installation is sent without its reason, then both signatures are kept, one can be cleared and signed again, and the installation completes', async () => {
      const tomorrow = dayInParis(new Date(ctx.clock.now().getTime() + 36 * 3600_000));
      const { installation } = await scheduleKit(ctx, { beneficiary: await createBeneficiary(ctx, { firstName: 'Paul', lastName: 'Rivière' }), scheduledOn: tomorrow });
      const { page, context } = await ctx.signedIn(await ctx.staff('installer', 'Julien Morel'));
      await page.goto(`/installations/${installation.id}/signature`);
      await page.locator('form[data-ready]').waitFor();
      await drawSignature(page, BORROWER_PAD);
      await drawSignature(page, STAFF_PAD);
      await page.getByRole('button', { name: 'Valider l’installation' }).click();
      await page.locator('.error-summary').waitFor();
      expect(await textOf(page.locator('#earlyReason-error'))).toContain('indiquez le motif de l’installation anticipée.');
      await summaryTargetsVisible(page);
      expect(await kept(page).count()).toBe(2);
      await page.locator('form[data-ready]').waitFor();

      // The borrower wants to sign again: "Effacer" gives back an empty frame to draw in.
      await page.getByRole('button', { name: 'Effacer la signature de l’emprunteur' }).click();
      expect(await kept(page).count()).toBe(1);
      expect(await page.getByRole('img', { name: BORROWER_PAD }).isVisible()).toBe(true);
      await page.getByLabel(/^Motif si l’installation a lieu avant le/).fill('La personne part en voyage demain');
      await page.getByRole('button', { name: 'Valider l’installation' }).click();
      expect(await textOf(page.locator('#borrowerSignature-error'))).toBe('Le cadre est vide : l’emprunteur doit signer avant la validation.');
      await drawSignature(page, BORROWER_PAD);
      await checkPage(page, 'installation-signature-resignee');
      await page.getByRole('button', { name: 'Valider l’installation' }).click();
      await page.waitForURL(/\?validee=1$/);
      expect((await ctx.api('installer').get(`/api/v1/installations/${installation.id}`)).body).toMatchObject({ status: 'completed', hasSignature: true, staffSignedBy: 'Julien Morel' });
      await context.close();
    });

    it('when the page was opened on an earlier day, then nothing is signed on a day it did not show: the new day is stated and the signatures are kept', async () => {
      const { installation } = await scheduleKit(ctx, { beneficiary: await createBeneficiary(ctx, { firstName: 'Rose', lastName: 'Blanc' }) });
      const today = dayInParis(ctx.clock.now());
      const { page, context } = await ctx.signedIn(await ctx.staff('installer', 'Julien Morel'));
      await page.goto(`/installations/${installation.id}/signature`);
      const png = `data:image/png;base64,${signaturePng().toString('base64')}`;
      const shownOn = dayInParis(new Date(ctx.clock.now().getTime() - 36 * 3600_000));
      const answer = await page.evaluate(async ({ id, png, shownOn }) => {
        const body = new URLSearchParams({
          _csrf: document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')!.content,
          installedOn: shownOn, installedBy: 'Julien Morel', borrowerName: 'Rose Blanc', borrowerSignature: png, staffSignature: png,
        });
        const res = await fetch(`/installations/${id}/signature`, { method: 'POST', body });
        return { status: res.status, text: await res.text() };
      }, { id: installation.id, png, shownOn });
      expect(answer.status).toBe(422);
      await page.setContent(answer.text);
      expect(await textOf(page.locator('#installedOn-error'))).toContain(`le contrat sera daté du ${frLongDate(today)}`);
      expect(await page.locator('.error-summary').innerText()).not.toContain('Valeur invalide');
      expect(await page.locator('img[data-pad-kept]').count()).toBe(2);
      expect((await ctx.api('installer').get(`/api/v1/installations/${installation.id}`)).body.status).toBe('scheduled');
      await context.close();
    });

    it('when something that is not a PNG is posted as a signature, then it is not shown back as a kept signature', async () => {
      const { installation } = await scheduleKit(ctx, { beneficiary: await createBeneficiary(ctx, { firstName: 'Rose', lastName: 'Blanc' }) });
      const { page, context } = await ctx.signedIn(await ctx.staff('installer', 'Julien Morel'));
      await page.goto(`/installations/${installation.id}/signature`);
      const svg = `data:image/png;base64,${Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>').toString('base64')}`;
      const png = `data:image/png;base64,${signaturePng().toString('base64')}`;
      const answer = await page.evaluate(async ({ id, svg, png }) => {
        const body = new URLSearchParams({
          _csrf: document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')!.content,
          installedBy: '', borrowerName: 'Rose Blanc', borrowerSignature: svg, staffSignature: png,
        });
        const res = await fetch(`/installations/${id}/signature`, { method: 'POST', body });
        return { status: res.status, text: await res.text() };
      }, { id: installation.id, svg, png });
      expect(answer.status).toBe(422);
      expect(answer.text).not.toContain(svg.slice(22, 60));
      await page.setContent(answer.text);
      expect(await page.locator('img[data-pad-kept]').count()).toBe(1);
      await context.close();
    });
  });
});

