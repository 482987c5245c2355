import { describe, expect, it } from 'vitest';
import { dayInParis } from '../../src/clock.js';
import { frLongDate } from '../../src/shared/french.js';
import { pdfText } from '../helpers/pdf.js';
import { collectedOn, createCollection, deviceInput, intake } from '../helpers/factories.js';
import { at } from '../helpers/training.js';
import { move } from '../helpers/lifecycle.js';
import { checkPage, isFocused, textOf, useBrowserApp } from './browser.js';

const ctx = useBrowserApp();
/** The Paris day `n` days before the test's clock (negative: after). */
const daysAgo = (n: number) => dayInParis(new Date(ctx.clock.now().getTime() - n * 86_400_000));

describe('a shipment to the reconditioner', () => {
  it('when a collector scans 3 good codes, an unknown one and a duplicate, then each gets its answer, the shipment is dispatched once confirmed, shows its credits, and its manifest opens', async () => {
    await ctx.api('admin').put('/api/v1/exchange/terms').send({ creditsByKind: { laptop: 1.5 }, effectiveOn: '2025-06-01' }).expect(200);
    const devices = await intake(ctx, [deviceInput(), deviceInput(), deviceInput()]);
    const collector = await ctx.staff('collector', 'Léa Girard');
    const { page, context } = await ctx.signedIn(collector);
    await page.goto('/expeditions');
    await checkPage(page, 'expeditions');
    await page.getByRole('button', { name: 'Ouvrir l’expédition' }).click();
    await page.waitForURL(/\/expeditions\/[0-9a-z]+$/);
    await checkPage(page, 'expedition-ouverte');
    expect(await textOf(page.locator('h1'))).toContain('en préparation · 0 appareil · 0,0 kg');

    const scan = async (code: string) => {
      expect(await isFocused(page.getByLabel('Code', { exact: true }))).toBe(true);
      await page.keyboard.type(code);
      await page.keyboard.press('Enter');
      await page.waitForURL(/resultat=/);
      return textOf(page.locator('[data-outcome]'));
    };
    expect(await scan(devices[0].assetTag)).toBe(`${devices[0].assetTag} : ajouté.`);
    expect(await scan(`${ctx.config.publicUrl}/d/${devices[1].assetTag}`)).toBe(`${devices[1].assetTag} : ajouté.`);
    expect(await scan(devices[2].serialNumber!)).toBe(`${devices[2].assetTag} : ajouté.`);
    expect(await scan('OP-999999')).toContain('inconnu');
    await checkPage(page, 'expedition-inconnu');
    expect(await scan(devices[0].assetTag)).toBe(`${devices[0].assetTag} : déjà dans l’expédition.`);

    // Dispatch cannot be undone: the button only opens a confirmation step, reached and confirmed by keyboard.
    await page.locator('summary', { hasText: 'Expédier…' }).focus();
    await page.keyboard.press('Enter');
    expect(await textOf(page.locator('#dispatch-warning'))).toContain('L’expédition ne pourra plus changer. 3 appareils partent chez TRIRA (4,5 kg) ; les crédits sont acquis à la date d’expédition');
    expect((await ctx.api().get(`/api/v1/devices/${devices[0].id}`)).body.status).toBe('collected');
    // The date comes first, today by default; the confirmation is reached by keyboard past its day, month and year.
    await page.keyboard.press('Tab');
    expect(await isFocused(page.getByLabel('Date d’expédition'))).toBe(true);
    expect(await page.getByLabel('Date d’expédition').inputValue()).toBe(daysAgo(0));
    const confirm = page.getByRole('button', { name: 'Confirmer l’expédition' });
    for (let i = 0; i < 5 && !(await isFocused(confirm)); i++) await page.keyboard.press('Tab');
    expect(await isFocused(confirm)).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.body.innerText.includes('Crédits acquis'));
    expect(await textOf(page.locator('h1'))).toContain('expédiée · 3 appareils · 4,5 kg');
    expect(await textOf(page.locator('.facts'))).toContain('Crédits acquis 4,5');
    expect(await textOf(page.locator('tr', { hasText: devices[0].assetTag }))).toContain('1,5');
    await checkPage(page, 'expedition-expediee');
    const href = await page.getByRole('link', { name: 'Imprimer le bordereau' }).getAttribute('href');
    const manifest = await context.request.get(href!);
    expect(manifest.headers()['content-type']).toBe('application/pdf');
    const text = await pdfText(Buffer.from(await manifest.body()));
    for (const d of devices) expect(text).toContain(d.assetTag);
    for (const d of devices) expect((await ctx.api().get(`/api/v1/devices/${d.id}`)).body.status).toBe('shipped');
    await context.close();
  });

  it('when TRIRA receives a dispatched shipment, then they tick what did not arrive and confirm', async () => {
    const devices = await intake(ctx, [deviceInput(), deviceInput()]);
    const shipment = (await ctx.api('collector').post('/api/v1/shipments').send({})).body;
    await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/items`).send({ codes: devices.map((d) => d.assetTag) }).expect(200);
    const { dispatchedOn } = (await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/dispatch`).send({}).expect(200)).body;
    const trira = await ctx.staff('reconditioner', 'Atelier TRIRA');
    const { page, context } = await ctx.signedIn(trira);
    await page.goto(`/expeditions/${shipment.id}`);
    await checkPage(page, 'expedition-reception');
    await page.getByLabel(`${devices[1].assetTag} non reçu`).check();
    await page.getByLabel('Remarques (facultatif)').fill('Carton ouvert à l’arrivée');
    // A receipt dated before the dispatch is refused beside the date; the ticks and remarks stay.
    const dayBefore = new Date(Date.parse(`${dispatchedOn}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Date de réception').fill(dayBefore);
    await page.getByRole('button', { name: 'Confirmer la réception' }).click();
    expect(await textOf(page.locator('#receivedOn-error'))).toBe(`L’expédition n’est partie que le ${dispatchedOn.split('-').reverse().join('/')} : la date de réception ne peut pas être antérieure.`);
    await checkPage(page, 'expedition-reception-date-refusee');
    expect(await page.getByLabel(`${devices[1].assetTag} non reçu`).isChecked()).toBe(true);
    expect(await page.getByLabel('Remarques (facultatif)').inputValue()).toBe('Carton ouvert à l’arrivée');
    await page.getByLabel('Date de réception').fill(dispatchedOn);
    await page.getByRole('button', { name: 'Confirmer la réception' }).click();
    await page.waitForFunction(() => document.body.innerText.includes('Réception confirmée'));
    expect((await ctx.api().get(`/api/v1/shipments/${shipment.id}`)).body.receivedOn).toBe(dispatchedOn);
    expect(await textOf(page.locator('tr', { hasText: devices[1].assetTag }))).toContain('manquant à la réception');
    expect(await textOf(page.locator('.facts'))).toContain('Remarques de TRIRA Carton ouvert à l’arrivée');
    await checkPage(page, 'expedition-receptionnee');
    expect((await ctx.api().get(`/api/v1/devices/${devices[1].id}`)).body.missingSince).not.toBeNull();

    // The missing unit reads as missing wherever it shows, not as "expédié".
    await page.getByRole('link', { name: devices[1].assetTag }).click();
    expect(await textOf(page.locator('.status strong'))).toBe('manquant à la réception');
    expect(await textOf(page.locator('.history li').last())).toContain('Manquant à la réception par Atelier TRIRA');

    // The dashboard's latest activity says what happened, to which device, and who did it.
    await page.goto('/');
    const activity = await page.locator('#activity-title + ol li').allInnerTexts();
    expect(activity[0]).toContain(`Manquant à la réception : ${devices[1].assetTag} par Atelier TRIRA`);
    expect(activity.some((line) => line.includes(`Expédié à TRIRA : ${devices[0].assetTag}`))).toBe(true);
    expect(activity.some((line) => line.includes(`Collecté : ${devices[0].assetTag}`))).toBe(true);
    await checkPage(page, 'tableau-de-bord-activite');
    // Its stock counts the missing unit apart from what is still on its way.
    const summary = (await ctx.api().get('/api/v1/inventory/summary').expect(200)).body;
    const stockRows = await page.locator('#stock-title + table tbody tr').allInnerTexts();
    const count = (label: string) => stockRows.map((r) => r.split('\t')).find(([l]) => l.trim() === label)?.[1]?.trim();
    expect(count('manquant à la réception')).toBe('1');
    expect(count('expédié')).toBe(String(summary.byStatus.shipped.total - 1));
    await context.close();
  });
});

describe('a shipment dispatched days ago', () => {
  it('when the collector dates the dispatch twelve days ago, then TRIRA confirms a receipt dated five days ago; a dispatch dated tomorrow is refused beside the date and nothing leaves', async () => {
    const devices = await intake(ctx, [deviceInput(), deviceInput()], await collectedOn(ctx, daysAgo(20)));
    const shipment = (await ctx.api('collector').post('/api/v1/shipments').send({})).body;
    await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/items`).send({ codes: devices.map((d) => d.assetTag) }).expect(200);
    const collector = await ctx.staff('collector', 'Léa Girard');
    const { page, context } = await ctx.signedIn(collector);
    await page.goto(`/expeditions/${shipment.id}`);
    await page.locator('summary', { hasText: 'Expédier…' }).click();

    await page.getByLabel('Date d’expédition').fill(daysAgo(-1));
    await page.getByRole('button', { name: 'Confirmer l’expédition' }).click();
    expect(await textOf(page.locator('#dispatchedOn-error'))).toBe('Cette date est dans le futur.');
    expect(await isFocused(page.getByLabel('Date d’expédition'))).toBe(true);
    expect(await page.getByLabel('Date d’expédition').inputValue()).toBe(daysAgo(-1));
    await checkPage(page, 'expedition-date-future');
    expect((await ctx.api().get(`/api/v1/shipments/${shipment.id}`)).body.status).toBe('open');
    expect((await ctx.api().get(`/api/v1/devices/${devices[0].id}`)).body.status).toBe('collected');

    await page.getByLabel('Date d’expédition').fill(daysAgo(12));
    await page.getByRole('button', { name: 'Confirmer l’expédition' }).click();
    await page.waitForFunction(() => document.body.innerText.includes('Crédits acquis'));
    expect((await ctx.api().get(`/api/v1/shipments/${shipment.id}`)).body.dispatchedOn).toBe(daysAgo(12));
    expect(await textOf(page.locator('.facts'))).toMatch(new RegExp(`^Expédiée le ${frLongDate(daysAgo(12))} Expédition enregistrée le .* par Léa Girard `));
    await checkPage(page, 'expedition-expediee-antidatee');
    await context.close();

    const trira = await ctx.signedIn(await ctx.staff('reconditioner', 'Atelier TRIRA'));
    await trira.page.goto(`/expeditions/${shipment.id}`);
    await trira.page.getByLabel('Date de réception').fill(daysAgo(5));
    await trira.page.getByRole('button', { name: 'Confirmer la réception' }).click();
    await trira.page.waitForFunction(() => document.body.innerText.includes('Réception confirmée'));
    expect((await ctx.api().get(`/api/v1/shipments/${shipment.id}`)).body).toMatchObject({ status: 'acknowledged', dispatchedOn: daysAgo(12), receivedOn: daysAgo(5) });
    await trira.context.close();
  });
});

describe('who may do what', () => {
  it('when a viewer opens a device page, then no action button is shown, and a forged action is refused', async () => {
    const [device] = await intake(ctx, [deviceInput()]);
    const viewer = await ctx.staff('viewer', 'Nour Haddad');
    const { page, context } = await ctx.signedIn(viewer);
    await page.goto(`/appareils/${device.id}`);
    await checkPage(page, 'appareil-consultation');
    expect(await page.getByRole('button', { name: /rebut|reconditionn|Modifier|effacement/i }).count()).toBe(0);
    // No Actions section at all: no form, no link to an action, no label to print.
    expect(await page.locator('section.actions, details, form[method="post"]:not([action="/deconnexion"])').count()).toBe(0);
    // A forged form built in the page itself (same origin, valid token): the role still says no.
    const status = await page.evaluate(async (id) => {
      const body = new URLSearchParams({ _csrf: document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')!.content, reason: 'forged' });
      return (await fetch(`/appareils/${id}/rebut`, { method: 'POST', body })).status;
    }, device.id);
    expect(status).toBe(403);
    expect((await ctx.api().get(`/api/v1/devices/${device.id}`)).body.status).toBe('collected');
    await context.close();
  });

  it('when another site posts a form to the app in a signed-in browser, then it is refused and nothing changes', async () => {
    const [device] = await intake(ctx, [deviceInput({ brand: 'HP' })]);
    const collector = await ctx.staff('collector');
    const { page, context } = await ctx.signedIn(collector);
    // The same app on another origin (localhost vs 127.0.0.1) stands in for a hostile site.
    const evil = ctx.baseUrl.replace('127.0.0.1', 'localhost');
    await context.route(`${evil}/evil`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<form method="post" action="${ctx.baseUrl}/appareils/${device.id}/rebut"><input name="reason" value="pwned"></form>`,
      }),
    );
    await page.goto(`${evil}/evil`);
    await Promise.all([page.waitForNavigation(), page.evaluate(() => document.forms[0].submit())]);
    expect(await textOf(page.locator('h1'))).toBe('Requête refusée');
    expect((await ctx.api().get(`/api/v1/devices/${device.id}`)).body.status).toBe('collected');
    await context.close();
  });

  it('when an admin deactivates a user, then that user’s next page asks them to sign in', async () => {
    const admin = await ctx.staff('admin', 'Admin Régie');
    const target = await ctx.staff('collector', 'Personne Partie');
    const adminBrowser = await ctx.signedIn(admin);
    const targetBrowser = await ctx.signedIn(target);
    await targetBrowser.page.goto('/scanner');

    await adminBrowser.page.goto('/administration/utilisateurs');
    await checkPage(adminBrowser.page, 'administration-utilisateurs');
    await adminBrowser.page.getByRole('button', { name: 'Désactiver Personne Partie' }).click();
    await adminBrowser.page.waitForURL('**/administration/utilisateurs');
    expect(await textOf(adminBrowser.page.locator('tr', { hasText: 'Personne Partie' }))).toContain('Désactivé');

    await targetBrowser.page.goto('/');
    await targetBrowser.page.waitForURL('**/connexion?suite=%2F');
    expect(await textOf(targetBrowser.page.locator('h1'))).toBe('Connexion');
    await adminBrowser.context.close();
    await targetBrowser.context.close();
  });

  it('when an admin invites a person, then the link lets them choose a password and land on the dashboard', async () => {
    const admin = await ctx.staff('admin');
    const { page, context } = await ctx.signedIn(admin);
    await page.goto('/administration/utilisateurs');
    await page.getByLabel('Nom').fill('Inès Morel');
    await page.getByLabel('Adresse e-mail').fill('ines.morel@example.fr');
    await page.getByLabel('Rôle').selectOption('reconditioner');
    await page.getByRole('button', { name: 'Créer et obtenir le lien' }).click();
    const link = await page.getByLabel('Lien d’invitation').inputValue();
    await checkPage(page, 'administration-invitation');
    const path = new URL(link).pathname;

    const fresh = await ctx.browser.newContext({ baseURL: ctx.baseUrl, locale: 'fr-FR' });
    fresh.setDefaultTimeout(10_000);
    const invited = await fresh.newPage();
    await invited.goto(path);
    await checkPage(invited, 'invitation');
    await invited.getByLabel('Nouveau mot de passe').fill('password1234');
    await invited.getByLabel('Confirmer le mot de passe').fill('password1234');
    await invited.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
    expect(await textOf(invited.locator('.field-error'))).toMatch(/courant|12 caractères/);
    await invited.getByLabel('Nouveau mot de passe').fill('Le train de 7 h 42 pour Chambéry');
    await invited.getByLabel('Confirmer le mot de passe').fill('Le train de 7 h 42 pour Chambéry');
    await invited.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
    await invited.waitForURL(`${ctx.baseUrl}/`);
    expect(await textOf(invited.locator('h1'))).toBe('Tableau de bord');
    await checkPage(invited, 'tableau-de-bord');
    expect(await textOf(invited.locator('.who'))).toContain('Inès Morel');
    await fresh.close();
    await context.close();
  });

  it('when an admin creates an API key and sets exchange terms, then the secret shows once and the terms are listed with their author', async () => {
    const admin = await ctx.staff('admin', 'Claire Admin');
    const { page, context } = await ctx.signedIn(admin);
    await page.goto('/administration/cles');
    await checkPage(page, 'administration-cles');
    await page.getByLabel('Nom (qui ou quoi l’utilise)').fill('Tableur TRIRA');
    await page.getByLabel('Rôle').selectOption('reconditioner');
    await page.getByRole('button', { name: 'Créer la clé' }).click();
    const secret = await page.getByLabel('Secret de la clé').inputValue();
    expect((await ctx.anonymous().get('/api/v1/shipments').set('Authorization', `Bearer ${secret}`)).status).toBe(200);

    await page.getByRole('link', { name: 'Conditions d’échange' }).click();
    await page.waitForURL('**/administration/echange');
    await page.getByLabel('Crédits : Ordinateur portable').fill('1,5');
    await page.getByLabel('Crédits : Écran').fill('abc');
    await page.getByRole('button', { name: 'Enregistrer les conditions' }).click();
    await page.locator('.error-summary').waitFor();
    await checkPage(page, 'administration-echange-erreur');
    await page.getByLabel('Crédits : Écran').fill('0,25');
    // Dated ahead: credits already earned today (by the other tests' dispatches) fix today's terms.
    await page.getByLabel('Date d’effet (aujourd’hui si vide)').fill('2099-01-01');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Enregistrer les conditions' }).click()]);
    expect(await page.locator('.error-summary').count()).toBe(0);
    expect(await textOf(page.locator('table.cards'))).toContain('01/01/2099 Ordinateur portable : 1,5');
    expect(await textOf(page.locator('table.cards'))).toContain('Claire Admin');
    await context.close();
  });

  it('when TRIRA’s units come back, then scanning them with an attestation makes them ready, and an unknown code is named next to the field', async () => {
    const devices = await intake(ctx, [deviceInput(), deviceInput()]);
    await move(ctx, devices.map((d) => d.id), 'dispatch');
    const collector = await ctx.staff('collector', 'Yanis Roux');
    const { page, context } = await ctx.signedIn(collector);
    await page.goto('/receptions/nouvelle');
    await checkPage(page, 'reception');
    await page.getByLabel('Numéro du bon de livraison').fill('BL-TRIRA-0042');
    await page.getByLabel('Codes des appareils').fill(`${devices[0].assetTag}\nOP-424242`);
    await page.getByLabel('Méthode').selectOption('nist-800-88-purge');
    await page.getByLabel('Outil').fill('Blancco Drive Eraser 7');
    await page.getByLabel('Effectué le').fill('2026-11-30T10:00');
    await page.getByLabel('Opérateur').fill('Atelier TRIRA');
    await page.getByRole('button', { name: 'Enregistrer la réception' }).click();
    expect(await textOf(page.locator('.field-error'))).toBe('Codes refusés, rien n’a été enregistré : ligne 2 (OP-424242) : inconnu.');
    await checkPage(page, 'reception-erreur');
    expect((await ctx.api().get(`/api/v1/devices/${devices[0].id}`)).body.status).toBe('shipped');

    await page.getByLabel('Codes des appareils').fill(`${devices[0].assetTag}\n${devices[1].serialNumber}`);
    await page.getByRole('button', { name: 'Enregistrer la réception' }).click();
    await page.waitForURL(/\/receptions\/[0-9a-z]+$/);
    await checkPage(page, 'reception-enregistree');
    for (const d of devices) expect((await ctx.api().get(`/api/v1/devices/${d.id}`)).body.status).toBe('ready');
    const erasures = (await ctx.api().get(`/api/v1/devices/${devices[0].id}/erasures`)).body;
    expect(JSON.stringify(erasures)).toContain('nist-800-88-purge');
    await context.close();
  });
});

describe('a shipment dispatched before its devices were collected', () => {
  it('when the collector confirms the dispatch on a day before a device’s collection, then the page says which device was collected when and nothing leaves', async () => {
    const [late] = await intake(ctx, [deviceInput()], (await createCollection(ctx, { collectedOn: '2026-11-30' })).id);
    const shipment = (await ctx.api('collector').post('/api/v1/shipments').send({})).body;
    await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/items`).send({ codes: [late.assetTag] }).expect(200);
    // The page's date is the day it is used by default: here, 20 November, ten days before the collection.
    await at(ctx, '2026-11-20T10:00:00Z', async () => {
      const collector = await ctx.staff('collector', 'Léa Girard');
      const { page, context } = await ctx.signedIn(collector);
      await page.goto(`/expeditions/${shipment.id}?confirmer=1`);
      await page.getByRole('button', { name: 'Confirmer l’expédition' }).click();
      expect(await textOf(page.locator('#dispatchedOn-error'))).toBe(`${late.assetTag} n’est entré dans le programme que le 30/11/2026 : la date ne peut pas être antérieure.`);
      expect(await page.getByLabel('Date d’expédition').inputValue()).toBe('2026-11-20');
      await checkPage(page, 'expedition-avant-collecte');
      await context.close();
    });
    expect((await ctx.api().get(`/api/v1/devices/${late.id}`)).body.status).toBe('collected');
    expect((await ctx.api().get(`/api/v1/shipments/${shipment.id}`)).body.status).toBe('open');
  });
});
