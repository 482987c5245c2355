import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { pdfText } from '../helpers/pdf.js';
import { AFTER_CYCLE, BEFORE_CYCLE, createCycle, enrol, trainees, useClockAt, type EnrolmentBody, type SessionBody } from '../helpers/training.js';
import { checkPage, isFocused, textOf, useBrowserApp } from './browser.js';

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
  useClockAt(ctx, BEFORE_CYCLE);
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
  useClockAt(ctx, AFTER_CYCLE);

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

    // The counts agree with their numbers as taps come in, as the server writes them on reload.
    await row(page, 'Djamel Haddad').getByRole('button', { name: 'Présent' }).click();
    await waitForState(page, 'Djamel Haddad', 'enregistré');
    expect(await textOf(page.locator('[data-tally]'))).toContain('2 présents 1 absent 1 excusé 0 à pointer');
    // Times hold together on a narrow screen: no-break spaces inside "14 h 00".
    expect(await page.locator('h1 small').textContent()).toMatch(/\d{2}\u00a0h\u00a0\d{2} – \d{2}\u00a0h\u00a0\d{2}/);
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

  it('when an installer searches for someone not yet registered, then they register the person (French errors kept next to each field) and enrol her; a viewer and a forged post are refused', async () => {
    const { cycle } = await createCycle(ctx, { sessions: 1, title: 'Ateliers des nouveaux venus' });
    const installer = await ctx.signedIn(await ctx.staff('installer', 'Camille Roux'));
    const { page } = installer;
    await page.goto(`/formations/${cycle.id}`);
    await page.getByLabel('Nom ou référence').fill('Yasmine Kaddour');
    await page.getByLabel('Nom ou référence').press('Enter');
    await page.getByRole('link', { name: 'Enregistrer une nouvelle personne' }).click();
    await page.waitForURL('**/personnes/nouvelle?**');
    expect(await page.getByLabel('Prénom').inputValue()).toBe('Yasmine');
    expect(await page.getByLabel('Nom', { exact: true }).inputValue()).toBe('Kaddour');
    expect(await isFocused(page.getByLabel('Prénom'))).toBe(true);
    await checkPage(page, 'personne-nouvelle');

    // Keyboard only: type, Tab to the next field, Enter to send.
    await page.getByLabel('Adresse', { exact: true }).fill('3 place du Forum');
    await page.getByLabel('Code postal').fill('7300');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Chambéry');
    await page.getByLabel('Téléphone').fill('04 79 96');
    await page.getByLabel('Structure qui oriente la personne').fill('Centre social du Biollay');
    await page.getByLabel('Structure qui oriente la personne').press('Enter');
    await page.waitForFunction(() => document.querySelector('.error-summary') !== null);
    expect(await textOf(page.locator('#postcode-error'))).toBe('Code postal français attendu (5 chiffres).');
    expect(await textOf(page.locator('#phone-error'))).toBe('Numéro de téléphone français attendu, par exemple 04 79 96 86 00.');
    expect(await textOf(page.locator('.error-summary'))).toContain('Code postal : code postal français attendu');
    expect(await page.getByLabel('Prénom').inputValue()).toBe('Yasmine');
    expect(await page.getByLabel('Commune').inputValue()).toBe('Chambéry');
    expect(await page.getByLabel('Structure qui oriente la personne').inputValue()).toBe('Centre social du Biollay');
    await checkPage(page, 'personne-nouvelle-erreurs');

    await page.getByLabel('Code postal').fill('73000');
    await page.getByLabel('Téléphone').fill('04 79 96 86 01');
    await page.getByRole('button', { name: 'Enregistrer la personne' }).press('Enter');
    await page.waitForURL(`**/formations/${cycle.id}?**#inscrire`);
    expect(await textOf(page.locator('.notice.success'))).toContain('Personne enregistrée : Yasmine Kaddour');
    await checkPage(page, 'formation-personne-enregistree');
    await page.getByRole('button', { name: 'Inscrire Yasmine Kaddour' }).click();
    await page.waitForURL(/#inscrits$/);
    expect(await textOf(page.locator('#inscrits'))).toContain('Yasmine Kaddour');

    const found = (await ctx.api('installer').get('/api/v1/beneficiaries?q=Kaddour')).body.items;
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ firstName: 'Yasmine', lastName: 'Kaddour', postcode: '73000', city: 'Chambéry', phone: '04 79 96 86 01', prescriber: 'Centre social du Biollay', email: null });
    const enrolled = (await ctx.api('installer').get(`/api/v1/training/cycles/${cycle.id}/enrolments`)).body.items;
    expect(enrolled.map((e: { beneficiaryId: string; status: string }) => [e.beneficiaryId, e.status])).toEqual([[found[0].id, 'enrolled']]);

    const forged = await page.evaluate(async () => (await fetch('/personnes/nouvelle', { method: 'POST', body: new URLSearchParams({ firstName: 'Faux', lastName: 'Forgé', addressLine: '1 rue X', postcode: '73000', city: 'Chambéry' }) })).status);
    expect(forged).toBe(403);
    expect((await ctx.api('installer').get('/api/v1/beneficiaries?q=Forg')).body.items).toEqual([]);
    await installer.context.close();

    const viewer = await ctx.signedIn(await ctx.staff('viewer', 'Nour Haddad'));
    await viewer.page.goto(`/formations/${cycle.id}?q=Personne`);
    expect(await viewer.page.getByRole('link', { name: 'Enregistrer une nouvelle personne' }).count()).toBe(0);
    expect((await viewer.page.goto('/personnes/nouvelle'))!.status()).toBe(403);
    await viewer.context.close();
  });
});

describe('withdrawal, self-assessments and the admin’s override, in the pages', () => {
  let cycleId: string;
  let people: EnrolmentBody[];
  const first = ['Anne', 'Paul', 'Rose', 'Marc', 'Lina', 'Hugo'];
  const last = ['Vidal', 'Roche', 'Brun', 'Colin', 'Faure', 'Roy'];
  const levels = (values: number[]) => Object.fromEntries(['mouseKeyboard', 'browsing', 'email', 'onlineProcedures', 'onlineSafety'].map((s, i) => [s, values[i]]));
  const evaluate = async (enrolmentId: string, moment: 'start' | 'end', values: number[]) =>
    ctx.api('installer').put(`/api/v1/training/enrolments/${enrolmentId}/evaluations/${moment}`).send(levels(values)).expect(200);

  // Before the cycle starts, whatever TEST_CLOCK says: a withdrawal then frees a place for the waiting list.
  useClockAt(ctx, BEFORE_CYCLE);

  beforeAll(async () => {
    const { cycle } = await createCycle(ctx, { sessions: 2, capacity: 5, trainerIds: [trainer.id], title: 'Ateliers de Bissy' });
    cycleId = cycle.id;
    people = [];
    for (const person of await trainees(ctx, 6, (i) => ({ firstName: first[i], lastName: last[i] }))) people.push(await enrol(ctx, cycleId, person));
  });

  it('when an installer withdraws a person, then the reason is asked for next to the field, and the first on the waiting list gets the place', async () => {
    const { page, context } = await ctx.signedIn(await ctx.staff('installer', 'Camille Roux'));
    await page.goto(`/formations/${cycleId}`);
    expect(await textOf(page.locator('[data-waiting]'))).toBe('Hugo Roy');
    await page.getByRole('link', { name: 'Désister Anne Vidal' }).click();
    await page.waitForURL(`**/formations/inscriptions/${people[0].id}/desistement`);
    await checkPage(page, 'desistement');
    await page.getByLabel('Motif du désistement').fill('  ');
    await page.getByRole('button', { name: 'Confirmer le désistement' }).click();
    expect(await textOf(page.locator('#reason-error'))).toBe('Indiquez le motif du désistement.');
    expect(await isFocused(page.getByLabel('Motif du désistement'))).toBe(true);
    await page.keyboard.type('horaires incompatibles avec son travail');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\?desiste=/);
    const notice = await textOf(page.locator('.notice.success'));
    expect(notice).toContain('Désistement enregistré pour Anne Vidal.');
    expect(notice).toContain('Hugo Roy obtient la place libérée : c’était la première personne de la liste d’attente.');
    await checkPage(page, 'formation-desistement');
    expect(await textOf(page.locator('#inscrits tbody'))).toContain('Hugo Roy');
    expect(await textOf(page.locator('section', { hasText: 'Liste d’attente' }))).toContain('Personne n’attend une place.');
    expect(await textOf(page.locator('section', { hasText: 'Désistements' }))).toContain('Anne Vidal, le');
    const hugo = (await ctx.api('installer').get(`/api/v1/training/enrolments/${people[5].id}`)).body;
    expect(hugo).toMatchObject({ status: 'enrolled', waitingPosition: null });
    expect((await ctx.api('installer').get(`/api/v1/training/enrolments/${people[0].id}`)).body).toMatchObject({ status: 'withdrawn', withdrawalReason: 'horaires incompatibles avec son travail' });
    await context.close();
  });

  it('when an installer records a self-assessment with the keyboard, then the review shows progress per skill; individual answers for them only, the averages for the trainer', async () => {
    // Paul, Rose, Marc and Lina answered through the API; Hugo (who got Anne's place) answers in the page.
    for (const [i, start, end] of [[1, 1, 3], [2, 2, 3], [3, 2, 4], [4, 1, 3]] as const) {
      await evaluate(people[i].id, 'start', Array(5).fill(start));
      await evaluate(people[i].id, 'end', Array(5).fill(end));
    }
    const { page, context } = await ctx.signedIn(await ctx.staff('installer', 'Camille Roux'));
    await page.goto(`/formations/${cycleId}`);
    await page.getByRole('link', { name: 'Auto-évaluation de début d’Hugo Roy' }).click();
    await page.waitForURL(`**/formations/inscriptions/${people[5].id}/evaluation/debut`);
    await checkPage(page, 'auto-evaluation');
    const groups = page.locator('fieldset.levels');
    expect(await groups.count()).toBe(5);
    // Keyboard only: Space picks level 1 in a group, each arrow moves one level up. The last group is left out.
    for (const [i, level] of [1, 2, 1, 2].entries()) {
      await groups.nth(i).getByRole('radio').first().focus();
      await page.keyboard.press('Space');
      for (let n = 1; n < level; n++) await page.keyboard.press('ArrowRight');
    }
    await page.getByRole('button', { name: 'Enregistrer l’auto-évaluation' }).focus();
    await page.keyboard.press('Enter');
    expect(await textOf(page.locator('#onlineSafety-error'))).toBe('Choisissez un niveau pour « Se protéger en ligne ».');
    expect(await page.locator('.error-summary a').getAttribute('href')).toBe('#onlineSafety-1');
    expect(await groups.nth(1).getByRole('radio', { name: '2 — Un peu, avec de l’aide' }).isChecked()).toBe(true);
    await checkPage(page, 'auto-evaluation-erreur');
    await page.locator('#onlineSafety-1').focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowRight');
    await page.getByRole('button', { name: 'Enregistrer l’auto-évaluation' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/bilan\?enregistre=/);
    expect(await textOf(page.locator('.notice.success'))).toBe('Auto-évaluation de début de cycle enregistrée pour Hugo Roy.');
    await evaluate(people[5].id, 'end', Array(5).fill(3));

    await page.reload();
    await checkPage(page, 'bilan-installateur');
    // Souris et clavier: starts 1, 2, 2, 1, 1 (mean 1,4), ends 3, 3, 4, 3, 3 (mean 3,2): +1,8, all five improved.
    expect(await textOf(page.locator('tr', { hasText: 'Utiliser la souris et le clavier' }).first())).toBe('Utiliser la souris et le clavier 1,4 3,2 +1,8 5 sur 5');
    expect(await textOf(page.locator('tr', { hasText: 'Hugo Roy' }))).toBe('Hugo Roy 1 → 3 2 → 3 1 → 3 2 → 3 2 → 3');
    // Anne withdrew before answering: no row of dashes for her, only the five people still enrolled.
    const answers = page.locator('section[aria-labelledby="answers-title"]');
    expect(await textOf(answers)).not.toContain('Anne Vidal');
    expect(await answers.locator('tbody tr').count()).toBe(5);
    await context.close();

    const sophie = await ctx.signedIn(trainer);
    await sophie.page.goto(`/formations/${cycleId}`);
    expect(await sophie.page.getByRole('link', { name: /Désister|Auto-évaluation|dérogation/ }).count()).toBe(0);
    await sophie.page.getByRole('link', { name: 'Bilan du cycle (auto-évaluations)' }).click();
    await sophie.page.waitForURL(`**/formations/${cycleId}/bilan`);
    await checkPage(sophie.page, 'bilan-formateur');
    const text = await textOf(sophie.page.locator('main'));
    expect(text).toContain('Utiliser la souris et le clavier 1,4 3,2 +1,8 5 sur 5');
    expect(text).not.toContain('Réponses individuelles');
    for (const name of ['Hugo', 'Roy', 'Paul', people[5].beneficiaryReference]) expect(text).not.toContain(name);
    expect((await sophie.page.goto(`/formations/inscriptions/${people[5].id}/evaluation/fin`))!.status()).toBe(403);
    await sophie.context.close();
  }, 180_000);

  it('when an admin validates a cycle by override with a reason, then it is recorded; an installer sees no such button and a forged post is refused', async () => {
    const admin = await ctx.signedIn(await ctx.staff('admin', 'Claire Admin'));
    await admin.page.goto(`/formations/${cycleId}`);
    await admin.page.getByRole('link', { name: 'Valider par dérogation pour Paul Roche' }).click();
    await admin.page.waitForURL(`**/formations/inscriptions/${people[1].id}/validation`);
    await checkPage(admin.page, 'validation-derogation');
    await admin.page.getByLabel('Motif de la dérogation').fill(' ');
    await admin.page.getByRole('button', { name: 'Valider le cycle' }).click();
    expect(await textOf(admin.page.locator('#reason-error'))).toBe('Indiquez le motif de la dérogation.');
    await admin.page.getByLabel('Motif de la dérogation').fill('a suivi le même cycle à la Maison des associations');
    await admin.page.getByLabel('Motif de la dérogation').press('Enter');
    await admin.page.waitForURL(/\?validee=/);
    expect(await textOf(admin.page.locator('.notice.success'))).toContain('Cycle validé par dérogation pour Paul Roche');
    expect(await textOf(admin.page.locator('tr', { hasText: 'Paul Roche' }))).toContain('(dérogation : a suivi le même cycle à la Maison des associations)');
    await checkPage(admin.page, 'formation-derogation');
    await admin.context.close();
    const paul = (await ctx.api('installer').get(`/api/v1/training/enrolments/${people[1].id}`)).body;
    expect(paul).toMatchObject({ completionSource: 'override', overrideReason: 'a suivi le même cycle à la Maison des associations' });
    expect((await ctx.api('installer').get(`/api/v1/beneficiaries/${paul.beneficiaryId}`)).body.trainingCompletedOn).toBe(paul.completedOn);

    const installer = await ctx.signedIn(await ctx.staff('installer', 'Camille Roux'));
    await installer.page.goto(`/formations/${cycleId}`);
    expect(await installer.page.getByRole('link', { name: /dérogation/ }).count()).toBe(0);
    const forged = await installer.page.evaluate(async (id) => {
      const body = new URLSearchParams({ _csrf: document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')!.content, completedOn: '2026-11-30', reason: 'forged' });
      return (await fetch(`/formations/inscriptions/${id}/validation`, { method: 'POST', body })).status;
    }, people[2].id);
    expect(forged).toBe(403);
    expect((await ctx.api('installer').get(`/api/v1/training/enrolments/${people[2].id}`)).body.completionSource).toBeNull();
    expect((await installer.page.goto(`/formations/inscriptions/${people[2].id}/validation`))!.status()).toBe(403);
    await installer.context.close();
  });
});
