import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, setUserActive } from '../../src/modules/users/service.js';
import { useTestApp } from '../helpers/app.js';
import { scheduleKit } from '../helpers/installations.js';
import { createCycle, enrol, mark, trainees, type EnrolmentBody, type SessionBody } from '../helpers/training.js';

const ctx = useTestApp();
// Everything of beneficiaryInput() a trainer must never see, whatever the route.
const ADDRESS_AND_CONTACTS = ['Bon Pasteur', '06 12 34 56 78', 'aicha.benali@example.fr', 'Préfère', 'CCAS'];

let mine: { id: string; sessions: SessionBody[]; enrolments: EnrolmentBody[] };
let theirs: { id: string; sessions: SessionBody[]; enrolments: EnrolmentBody[] };
let trainer: ReturnType<typeof ctx.api>;
let installationId: string;

beforeAll(async () => {
  // Trainer identities are API keys of role trainer; `ctx.api('trainer')` is the one assigned to `mine`.
  const keys = (await ctx.api().get('/api/v1/api-keys')).body.items as { id: string; name: string }[];
  const trainerKey = keys.find((k) => k.name === 'test trainer')!;
  const other = await ctx.api().post('/api/v1/api-keys').send({ name: 'Médiathèque, autre formateur', role: 'trainer' });
  trainer = ctx.api('trainer');
  const a = await createCycle(ctx, { sessions: 2, trainerIds: [trainerKey.id], title: 'Cycle de la Médiathèque' });
  const b = await createCycle(ctx, { sessions: 2, trainerIds: [other.body.id], title: 'Cycle de BLÉ' });
  const people = await trainees(ctx, 4);
  mine = { id: a.cycle.id, sessions: a.sessions, enrolments: [await enrol(ctx, a.cycle.id, people[0]), await enrol(ctx, a.cycle.id, people[1])] };
  theirs = { id: b.cycle.id, sessions: b.sessions, enrolments: [await enrol(ctx, b.cycle.id, people[2]), await enrol(ctx, b.cycle.id, people[3])] };
  installationId = (await scheduleKit(ctx)).installation.id;
});

describe('what a trainer sees', () => {
  it('when a trainer lists cycles, then only the cycles they are assigned to, without the trainer list', async () => {
    const res = await trainer.get('/api/v1/training/cycles');
    expect(res.status).toBe(200);
    expect(res.body.items.map((c: { id: string }) => c.id)).toEqual([mine.id]);
    expect(res.body.items[0].trainerIds).toEqual([]);
    for (const url of [`/api/v1/training/cycles/${theirs.id}`, `/api/v1/training/cycles/${theirs.id}/enrolments`, `/api/v1/training/cycles/${theirs.id}/sessions`,
      `/api/v1/training/sessions/${theirs.sessions[0].id}`, `/api/v1/training/sessions/${theirs.sessions[0].id}/attendance`, `/api/v1/training/sessions/${theirs.sessions[0].id}/attendance-sheet.pdf`,
      `/api/v1/training/enrolments/${theirs.enrolments[0].id}`, `/api/v1/training/cycles/${theirs.id}/review`]) {
      const res = await trainer.get(url);
      expect(res.status, url).toBe(404);
      // The detail names what was asked for, never the id of the cycle behind a session or an enrolment.
      if (!url.includes('/cycles/')) expect(res.body.detail, url).not.toContain(theirs.id);
    }
    expect((await trainer.get(`/api/v1/training/sessions/${theirs.sessions[0].id}`)).body.detail).toBe(`Training session ${theirs.sessions[0].id} not found`);
    expect((await trainer.get(`/api/v1/training/enrolments/${theirs.enrolments[0].id}`)).body.detail).toBe(`Training enrolment ${theirs.enrolments[0].id} not found`);
  });

  it('when a trainer records attendance, then in their own cycle only', async () => {
    const ok = await mark(ctx, mine.sessions[0].id, [{ enrolmentId: mine.enrolments[0].id, status: 'present' }, { enrolmentId: mine.enrolments[1].id, status: 'excused' }], 'trainer');
    expect(ok.items.map((i: { status: string }) => i.status).sort()).toEqual(['excused', 'present']);
    const refused = await trainer.put(`/api/v1/training/sessions/${theirs.sessions[0].id}/attendance`).send({ records: [{ enrolmentId: theirs.enrolments[0].id, status: 'present' }] });
    expect(refused.status).toBe(404);
    // Someone of another cycle, named in my session: refused, nothing written.
    const foreign = await trainer.put(`/api/v1/training/sessions/${mine.sessions[1].id}/attendance`).send({ records: [{ enrolmentId: theirs.enrolments[0].id, status: 'present' }] });
    expect(foreign.status).toBe(422);
    expect((await ctx.api('installer').get(`/api/v1/training/sessions/${theirs.sessions[0].id}`)).body.attendance.present).toBe(0);
    for (const [method, url, body] of [
      ['post', `/api/v1/training/cycles/${mine.id}/enrolments`, { beneficiaryId: theirs.enrolments[0].beneficiaryId }],
      ['post', `/api/v1/training/cycles/${mine.id}/sessions`, { date: '2027-03-20', startTime: '10:00', endTime: '11:00', theme: 'x' }],
      ['patch', `/api/v1/training/cycles/${mine.id}`, { capacity: 12 }],
      ['post', `/api/v1/training/enrolments/${mine.enrolments[0].id}/withdraw`, { reason: 'x' }],
    ] as const) {
      expect((await trainer[method](url).send(body)).status, url).toBe(403);
    }
  });

  it('when a trainer reads everything they may, then names appear, but no address, phone, e-mail or installation anywhere', async () => {
    const seen: string[] = [];
    const look = async (url: string, status = 200) => {
      const res = await trainer.get(url);
      expect(res.status, url).toBe(status);
      seen.push(res.text ?? '');
      return res;
    };
    const list = await look(`/api/v1/training/cycles/${mine.id}/enrolments`);
    expect(list.body.items.map((e: { lastName: string }) => e.lastName)).toEqual(['Benali', 'Durand']);
    expect(list.body.items[0]).toMatchObject({ firstName: 'Aïcha', prescriber: null, withdrawalReason: null });
    await look(`/api/v1/training/cycles/${mine.id}`);
    await look(`/api/v1/training/cycles/${mine.id}/sessions`);
    await look(`/api/v1/training/sessions/${mine.sessions[0].id}/attendance`);
    await look(`/api/v1/training/enrolments/${mine.enrolments[0].id}`);
    const review = await look(`/api/v1/training/cycles/${mine.id}/review`);
    expect(review.body.answers).toBeNull();
    await look('/api/v1/training/partners');
    for (const url of ['/api/v1/beneficiaries', `/api/v1/beneficiaries/${mine.enrolments[0].beneficiaryId}`, '/api/v1/installations', `/api/v1/installations/${installationId}`,
      `/api/v1/installations/${installationId}/contract.pdf`, '/api/v1/devices', '/api/v1/donors', '/api/v1/collections', '/api/v1/events', '/api/v1/reports/summary', '/api/v1/inventory/summary', '/api/v1/api-keys']) {
      const res = await look(url, 403);
      expect(res.body.detail).toContain('role trainer may not');
    }
    const all = seen.join('\n');
    for (const value of ADDRESS_AND_CONTACTS) expect(all, value).not.toContain(value);
  });
});

describe('what other roles see', () => {
  it('when a viewer reads a cycle, then references and counts, no names, no sheet, no recording', async () => {
    const viewer = ctx.api('viewer');
    const list = await viewer.get(`/api/v1/training/cycles/${mine.id}/enrolments`);
    expect(list.status).toBe(200);
    expect(list.body.items[0]).toMatchObject({ beneficiaryReference: expect.stringMatching(/^B-\d{4}-\d{4}$/), firstName: null, lastName: null, prescriber: null });
    const attendance = await viewer.get(`/api/v1/training/sessions/${mine.sessions[0].id}/attendance`);
    expect(attendance.body.items.every((i: { firstName: null }) => i.firstName === null)).toBe(true);
    expect((await viewer.get(`/api/v1/training/sessions/${mine.sessions[0].id}/attendance-sheet.pdf`)).status).toBe(403);
    expect((await viewer.put(`/api/v1/training/sessions/${mine.sessions[0].id}/attendance`).send({ records: [{ enrolmentId: mine.enrolments[0].id, status: 'absent' }] })).status).toBe(403);
    expect((await viewer.get('/api/v1/training/cycles')).body.items).toHaveLength(2);
    const text = [list.text, attendance.text].join('\n');
    for (const value of ['Aïcha', 'Benali', ...ADDRESS_AND_CONTACTS]) expect(text, value).not.toContain(value);
  });

  it('when an installer reads, then names, prescriber and the trainer list', async () => {
    const list = await ctx.api('installer').get(`/api/v1/training/cycles/${mine.id}/enrolments`);
    expect(list.body.items[0]).toMatchObject({ firstName: 'Aïcha', lastName: 'Benali', prescriber: 'CCAS de Chambéry' });
    expect((await ctx.api('installer').get(`/api/v1/training/cycles/${mine.id}`)).body.trainerIds).toHaveLength(1);
  });
});

describe('trainers who sign in to the web app', () => {
  it('when a cycle names a staff user of role trainer, then it is accepted; another role, an unknown or a deactivated user is refused naming the field', async () => {
    const staff = async (role: 'trainer' | 'collector', name: string) => (await createUser(ctx.db, { email: `${name.toLowerCase().replace(/\W+/g, '.')}@example.fr`, name, role }, 'test')).user;
    const sophie = await staff('trainer', 'Sophie Martin');
    const lea = await staff('collector', 'Léa Girard');
    const gone = await staff('trainer', 'Paul Ancien');
    await setUserActive(ctx.db, gone.id, false);
    const { cycle } = await createCycle(ctx, { trainerIds: [sophie.id], title: 'Cycle de Sophie' });
    expect((await ctx.api('installer').get(`/api/v1/training/cycles/${cycle.id}`)).body.trainerIds).toEqual([sophie.id]);
    const refused = await ctx.api('installer').patch(`/api/v1/training/cycles/${cycle.id}`).send({ trainerIds: [sophie.id, lea.id, gone.id, 'nosuchuser'] });
    expect(refused.status).toBe(422);
    expect(refused.body.errors.map((e: { path: string }) => e.path)).toEqual(['trainerIds.1', 'trainerIds.2', 'trainerIds.3']);
    expect((await ctx.api('installer').get(`/api/v1/training/cycles/${cycle.id}`)).body.trainerIds).toEqual([sophie.id]);
    // An API key of role trainer keeps its place beside staff users.
    const key = await ctx.api().post('/api/v1/api-keys').send({ name: 'Médiathèque, tablette', role: 'trainer' });
    const both = await ctx.api('installer').patch(`/api/v1/training/cycles/${cycle.id}`).send({ trainerIds: [sophie.id, key.body.id] });
    expect(both.body.trainerIds).toEqual([sophie.id, key.body.id].sort());
  });
});

describe('self-assessments and the review', () => {
  it('when the start and end self-assessments are recorded, then the review shows progress per skill; answers to installer and admin only', async () => {
    const [e1, e2] = mine.enrolments;
    const put = (id: string, moment: string, values: number[]) =>
      ctx.api('installer').put(`/api/v1/training/enrolments/${id}/evaluations/${moment}`).send({ mouseKeyboard: values[0], browsing: values[1], email: values[2], onlineProcedures: values[3], onlineSafety: values[4] });
    expect((await put(e1.id, 'start', [1, 1, 1, 1, 2])).status).toBe(200);
    expect((await put(e2.id, 'start', [2, 1, 1, 1, 1])).status).toBe(200);
    expect((await put(e1.id, 'end', [3, 2, 2, 1, 2])).status).toBe(200);
    expect((await put(e2.id, 'end', [4, 3, 1, 2, 3])).status).toBe(200);
    expect((await put(e2.id, 'end', [5, 3, 1, 2, 3])).status).toBe(400);
    expect((await put(e2.id, 'middle', [1, 1, 1, 1, 1])).status).toBe(400);
    expect((await ctx.api('trainer').put(`/api/v1/training/enrolments/${e1.id}/evaluations/end`).send({ mouseKeyboard: 1, browsing: 1, email: 1, onlineProcedures: 1, onlineSafety: 1 })).status).toBe(403);
    const review = await ctx.api('installer').get(`/api/v1/training/cycles/${mine.id}/review`);
    expect(review.body).toMatchObject({ enrolled: 2, startAnswers: 2, endAnswers: 2 });
    const bySkill = Object.fromEntries(review.body.skills.map((s: { skill: string }) => [s.skill, s]));
    expect(bySkill.mouseKeyboard).toMatchObject({ startAverage: 1.5, endAverage: 3.5, pairs: 2, averageProgress: 2, improved: 2 });
    expect(bySkill.email).toMatchObject({ startAverage: 1, endAverage: 1.5, averageProgress: 0.5, improved: 1 });
    expect(bySkill.onlineSafety).toMatchObject({ startAverage: 1.5, endAverage: 2.5, averageProgress: 1, improved: 1 });
    expect(review.body.answers).toHaveLength(2);
    expect(review.body.answers[0]).toMatchObject({ enrolmentId: e1.id, start: { mouseKeyboard: 1 }, end: { mouseKeyboard: 3 } });
    // Two people answered: an average of two would give each one's answers away to anyone who
    // knows the other's, so every role but installer and admin gets the counts only.
    for (const role of ['viewer', 'trainer'] as const) {
      const other = await ctx.api(role).get(`/api/v1/training/cycles/${mine.id}/review`);
      expect(other.body.answers, role).toBeNull();
      expect(other.body).toMatchObject({ startAnswers: 2, endAnswers: 2 });
      for (const skill of other.body.skills) expect(skill).toMatchObject({ startAverage: null, endAverage: null, pairs: 2, averageProgress: null, improved: null });
    }
  });
});
