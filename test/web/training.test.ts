import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfText } from '../helpers/pdf.js';
import { AFTER_CYCLE, createCycle, enrol, trainees, type EnrolmentBody, type SessionBody } from '../helpers/training.js';
import { checkPage, textOf, useBrowserApp } from './browser.js';

const ctx = useBrowserApp();
// What beneficiaryInput() holds besides names: a trainer must never see any of it.
const ADDRESS_AND_CONTACTS = ['Bon Pasteur', '06 12 34 56 78', 'aicha.benali@example.fr', 'CCAS'];

let trainer: { id: string; email: string; password: string };
let mine: { id: string; sessions: SessionBody[]; enrolments: EnrolmentBody[] };
let theirs: { id: string; sessions: SessionBody[] };

beforeAll(async () => {
  const sophie = await ctx.staff('trainer', 'Sophie Martin');
  const other = await ctx.staff('trainer', 'Marc Autre');
  trainer = sophie;
  const a = await createCycle(ctx, { sessions: 3, capacity: 4, trainerIds: [sophie.id], title: 'Premiers pas à la Médiathèque' });
  const b = await createCycle(ctx, { sessions: 1, trainerIds: [other.id], title: 'Cycle de BLÉ au Biollay' });
  const people = await trainees(ctx, 6);
  const enrolments = [];
  for (const person of people.slice(0, 5)) enrolments.push(await enrol(ctx, a.cycle.id, person));
  await enrol(ctx, b.cycle.id, people[5]);
  mine = { id: a.cycle.id, sessions: a.sessions, enrolments };
  theirs = { id: b.cycle.id, sessions: b.sessions };
});

const row = (page: Page, name: string) => page.locator('li[data-enrolment]', { hasText: name });
const stateOf = (page: Page, name: string) => row(page, name).locator('[data-state]').innerText();
const waitForState = (page: Page, name: string, state: string) =>
  page.waitForFunction(([n, s]) => [...document.querySelectorAll('li[data-enrolment]')].some((li) => li.textContent!.includes(n) && li.querySelector('[data-state]')!.textContent === s), [name, state] as const);

describe('a trainer of the Médiathèque, before the cycle has begun', () => {
  it('when they open the attendance of a session still to come, then no tap is offered and the page says why, in French', async () => {
    const { page, context } = await ctx.signedIn(trainer);
    await page.goto(`/formations/seances/${mine.sessions[0].id}/presences`);
    expect(await page.locator('[data-upcoming]').innerText()).toBe('Séance à venir : la présence se pointe le jour même.');
    expect(await page.getByRole('button', { name: 'Présent' }).count()).toBe(0);
    expect(await page.locator('main').innerText()).toContain('Aïcha Benali');
    await checkPage(page, 'presences-a-venir');
    await context.close();
  });
});

describe('a trainer of the Médiathèque', () => {
  // Attendance is recorded on a session's day or after: these taps happen once the cycle is over.
  let before: Date;
  beforeAll(() => {
    before = ctx.clock.now();
    ctx.clock.set(AFTER_CYCLE);
  });
  afterAll(() => ctx.clock.set(before.toISOString()));

  it('when they sign in, then they see only their cycle, its people by name and waiting list, and no address anywhere', async () => {
    const { page, context } = await ctx.signedIn(trainer);
    expect(new URL(page.url()).pathname).toBe('/formations');
    await checkPage(page, 'formations-formateur');
    const list = await page.locator('main').innerText();
    expect(list).toContain('Premiers pas à la Médiathèque');
    expect(list).not.toContain('Cycle de BLÉ au Biollay');

    await page.getByRole('link', { name: 'Premiers pas à la Médiathèque' }).click();
    await page.waitForURL(`**/formations/${mine.id}`);
    await checkPage(page, 'formation-formateur');
    const cycle = await page.locator('main').innerText();
    expect(cycle).toContain('Aïcha Benali');
    expect(await textOf(page.locator('section', { hasText: 'Liste d’attente' }).locator('li'))).toBe('Élodie Lefèvre');
    for (const value of ADDRESS_AND_CONTACTS) expect(cycle, value).not.toContain(value);

    expect((await page.goto(`/formations/${theirs.id}`))!.status()).toBe(404);
    expect((await page.goto(`/formations/seances/${theirs.sessions[0].id}/presences`))!.status()).toBe(404);
    expect((await page.goto('/appareils'))!.status()).toBe(403);
    await context.close();
  });

  it('when they tap attendance, one tap while offline, then each is saved once the network allows, and the API shows the states', async () => {
    const { page, context } = await ctx.signedIn(trainer);
    const session = mine.sessions[0];
    await page.goto(`/formations/${mine.id}`);
    await page.getByRole('link', { name: /Pointer les présences du mardi 2 mars 2027/ }).click();
    await page.waitForURL(`**/formations/seances/${session.id}/presences`);
    await checkPage(page, 'presences');
    const text = await page.locator('main').innerText();
    for (const value of ADDRESS_AND_CONTACTS) expect(text, value).not.toContain(value);

    // Every answer to a tap that reached the server, by the people it carried.
    const sent: string[][] = [];
    page.on('response', (response) => {
      const request = response.request();
      if (request.method() === 'POST' && request.url().endsWith('/presences') && response.ok()) {
        sent.push((JSON.parse(request.postData()!) as { records: { enrolmentId: string }[] }).records.map((r) => r.enrolmentId));
      }
    });

    await row(page, 'Aïcha Benali').getByRole('button', { name: 'Présent' }).click();
    await waitForState(page, 'Aïcha Benali', 'enregistré');
    await row(page, 'Bernard Durand').getByRole('button', { name: 'Absent' }).click();
    await waitForState(page, 'Bernard Durand', 'enregistré');
    expect(await row(page, 'Bernard Durand').getByRole('button', { name: 'Absent' }).getAttribute('aria-pressed')).toBe('true');

    await context.setOffline(true);
    await row(page, 'Chloé Martinez').getByRole('button', { name: 'Excusé' }).click();
    expect(await stateOf(page, 'Chloé Martinez')).toBe('en attente d’envoi');
    await page.waitForFunction(() => document.querySelector('[data-connection]')!.textContent!.includes('Pas de connexion : 1 pointage en attente'));
    await checkPage(page, 'presences-hors-connexion');
    const chloe = mine.enrolments[2].id;
    expect((await ctx.api('installer').get(`/api/v1/training/sessions/${session.id}/attendance`)).body.items.find((i: { enrolmentId: string }) => i.enrolmentId === chloe).status).toBeNull();

    await context.setOffline(false);
    await waitForState(page, 'Chloé Martinez', 'enregistré');
    await checkPage(page, 'presences-envoyees');
    expect(sent.filter((ids) => ids.includes(chloe))).toHaveLength(1);
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('ordipratique:presences:')))).toEqual([]);
    expect(await textOf(page.locator('[data-tally]'))).toContain('1 présent 1 absent 1 excusé 1 à pointer');

    const attendance = (await ctx.api('installer').get(`/api/v1/training/sessions/${session.id}/attendance`)).body;
    const byName = Object.fromEntries(attendance.items.map((i: { lastName: string; status: string | null }) => [i.lastName, i.status]));
    expect(byName).toEqual({ Benali: 'present', Durand: 'absent', Martinez: 'excused', Haddad: null });
    expect(attendance.session.attendance).toEqual({ present: 1, absent: 1, excused: 1, unrecorded: 1 });

    const href = await page.getByRole('link', { name: 'Feuille d’émargement (PDF)' }).getAttribute('href');
    const sheet = await context.request.get(href!);
    expect(sheet.headers()['content-type']).toBe('application/pdf');
    const sheetText = await pdfText(Buffer.from(await sheet.body()));
    for (const name of ['BENALI', 'DURAND', 'MARTINEZ', 'HADDAD']) expect(sheetText.toUpperCase()).toContain(name);
    await context.close();
  });

  it('when a tap queued by another user is on the tablet, then it is not sent under the next user’s name, and signing out forgets the queue', async () => {
    const installer = await ctx.staff('installer', 'Nora Benhamou');
    const { page, context } = await ctx.signedIn(installer);
    const session = mine.sessions[2];
    await page.goto(`/formations/seances/${session.id}/presences`);
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/presences')) posts.push(request.postData() ?? '');
    });
    const aicha = mine.enrolments[0].id;
    // Sophie's tap, left queued on the tablet (fresh, a minute old), under her own key.
    await page.evaluate(([sessionId, id]) => localStorage.setItem(`ordipratique:presences:trainer-sophie:${sessionId}`, JSON.stringify({ [id]: { status: 'absent', at: Date.now() - 60_000 } })), [session.id, aicha] as const);
    await page.reload();
    expect(await stateOf(page, 'Aïcha Benali')).toBe('');
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('ordipratique:presences:')))).toEqual([]);
    expect(posts).toEqual([]);
    const attendance = (await ctx.api('installer').get(`/api/v1/training/sessions/${session.id}/attendance`)).body;
    expect(attendance.items.find((i: { enrolmentId: string }) => i.enrolmentId === aicha).status).toBeNull();

    // A tap of the signed-in user's own, hours old: dropped too, never replayed over later corrections.
    const me = await page.locator('[data-attendance]').getAttribute('data-user');
    await page.evaluate(([user, sessionId, id]) => localStorage.setItem(`ordipratique:presences:${user}:${sessionId}`, JSON.stringify({ [id]: { status: 'absent', at: Date.now() - 3 * 3600_000 } })), [me!, session.id, aicha] as const);
    await page.reload();
    expect(await stateOf(page, 'Aïcha Benali')).toBe('');
    expect(posts).toEqual([]);

    await page.evaluate(([user, sessionId]) => localStorage.setItem(`ordipratique:presences:${user}:${sessionId}`, '{}'), [me!, session.id] as const);
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL((url) => !url.pathname.includes('/presences'));
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('ordipratique:presences:')))).toEqual([]);
    await context.close();
  });

  it('when the phone runs no JavaScript, then a tap is a plain form that records the status and comes back to the list', async () => {
    const { context } = await ctx.signedIn(trainer);
    const page = await context.browser()!.newContext({ baseURL: ctx.baseUrl, javaScriptEnabled: false, locale: 'fr-FR', storageState: await context.storageState() }).then((c) => c.newPage());
    const session = mine.sessions[1];
    await page.goto(`/formations/seances/${session.id}/presences`);
    await row(page, 'Djamel Haddad').getByRole('button', { name: 'Présent' }).click();
    await page.waitForURL(`**/formations/seances/${session.id}/presences#p-*`);
    expect(await row(page, 'Djamel Haddad').getByRole('button', { name: 'Présent' }).getAttribute('aria-pressed')).toBe('true');
    expect(await stateOf(page, 'Djamel Haddad')).toBe('enregistré');
    const attendance = (await ctx.api('installer').get(`/api/v1/training/sessions/${session.id}/attendance`)).body;
    expect(attendance.items.find((i: { lastName: string }) => i.lastName === 'Haddad').status).toBe('present');
    await page.context().close();
    await context.close();
  });
});

describe('the training pages for BLÉ', () => {
  it('when an installer adds an organisation, a cycle with its trainer, a session and a person, then the trainer is assigned and the person enrolled', async () => {
    const installer = await ctx.staff('installer', 'Camille Roux');
    const { page, context } = await ctx.signedIn(installer);
    await page.goto('/formations');
    await page.getByLabel('Nouvel organisme').fill('BLÉ Chambéry');
    await page.getByRole('button', { name: 'Ajouter l’organisme' }).click();
    await page.waitForURL('**/formations#nouveau-cycle');
    await page.getByRole('button', { name: 'Créer le cycle' }).click();
    await page.waitForFunction(() => document.querySelector('.error-summary') !== null);
    await checkPage(page, 'formations-nouveau-cycle-erreurs');
    await page.getByLabel('Intitulé').fill('Ateliers du Biollay — automne');
    await page.getByLabel('Organisé par').selectOption({ label: 'BLÉ Chambéry' });
    await page.getByLabel('Lieu', { exact: true }).fill('Maison de quartier du Biollay');
    await page.getByLabel('Début').fill('2027-09-01');
    await page.getByLabel('Fin', { exact: true }).fill('2027-11-30');
    await page.getByLabel('Sophie Martin').check();
    await page.getByRole('button', { name: 'Créer le cycle' }).click();
    await page.waitForURL(/\/formations\/[0-9a-z]+$/);
    const cycleId = new URL(page.url()).pathname.split('/').pop()!;
    expect(await textOf(page.locator('.facts'))).toContain('Sophie Martin');

    await page.getByText('Ajouter une séance').click();
    await page.getByLabel('Date').fill('2027-09-07');
    await page.getByLabel('Thème').fill('Souris et clavier');
    await page.getByRole('button', { name: 'Ajouter la séance' }).click();
    await page.waitForURL(/#seances$/);
    expect(await textOf(page.locator('#seances tbody'))).toContain('mardi 7 septembre 2027');

    await page.getByLabel('Nom ou référence').fill('Fatou');
    await page.getByRole('button', { name: 'Chercher' }).click();
    await page.getByRole('button', { name: 'Inscrire Fatou Diallo' }).click();
    await page.waitForURL(/#inscrits$/);
    expect(await textOf(page.locator('#inscrits'))).toContain('Fatou Diallo');
    await checkPage(page, 'formation-installateur');

    const cycle = (await ctx.api('installer').get(`/api/v1/training/cycles/${cycleId}`)).body;
    expect(cycle).toMatchObject({ title: 'Ateliers du Biollay — automne', capacity: 10, completionRule: { kind: 'sessions', minSessions: 8 }, trainerIds: [trainer.id], sessionCount: 1, enrolledCount: 1 });
    await context.close();
  });


  it('when a viewer opens the cycle, then references and counts, no names, and no attendance page', async () => {
    const viewer = await ctx.staff('viewer', 'Nour Haddad');
    const { page, context } = await ctx.signedIn(viewer);
    await page.goto(`/formations/${mine.id}`);
    await checkPage(page, 'formation-lecteur');
    const text = await page.locator('main').innerText();
    expect(text).not.toContain('Benali');
    expect(text).toContain(mine.enrolments[0].beneficiaryReference);
    expect(await page.getByRole('link', { name: /Pointer/ }).count()).toBe(0);
    expect((await page.goto(`/formations/seances/${mine.sessions[0].id}/presences`))!.status()).toBe(403);
    await context.close();
  });
});
