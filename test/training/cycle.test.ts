import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { createBeneficiary, readyDevices } from '../helpers/installations.js';
import { AFTER_CYCLE, at, BEFORE_CYCLE, createCycle, enrol, mark, trainees, type EnrolmentBody, type SessionBody } from '../helpers/training.js';

const ctx = useTestApp();

const schedule = async (beneficiaryId: string, extra: Record<string, unknown> = {}) => {
  const [device] = await readyDevices(ctx);
  return ctx.api(extra.override ? 'admin' : 'installer').post('/api/v1/installations').send({ code: device.assetTag, beneficiaryId, scheduledOn: '2027-06-01', ...extra });
};
const beneficiary = async (id: string) => (await ctx.api('installer').get(`/api/v1/beneficiaries/${id}`)).body;
const enrolment = async (id: string) => (await ctx.api('installer').get(`/api/v1/training/enrolments/${id}`)).body;

describe('a cycle of 10 workshops and 12 applicants', () => {
  let sessions: SessionBody[];
  let cycleId: string;
  let enrolments: EnrolmentBody[];

  it('when 12 people apply to a cycle of 10 places, then 10 get a place and 2 wait in order of application', async () => {
    const made = await createCycle(ctx, { sessions: 10 });
    cycleId = made.cycle.id;
    sessions = made.sessions;
    expect(made.cycle).toMatchObject({ capacity: 10, completionRule: { kind: 'sessions', minSessions: 8 } });
    const people = await trainees(ctx, 12);
    enrolments = [];
    for (const person of people) enrolments.push(await enrol(ctx, cycleId, person));
    expect(enrolments.map((e) => e.status)).toEqual([...Array(10).fill('enrolled'), 'waiting', 'waiting']);
    expect(enrolments.slice(10).map((e) => e.waitingPosition)).toEqual([1, 2]);

    const cycle = await ctx.api('viewer').get(`/api/v1/training/cycles/${cycleId}`);
    expect(cycle.body).toMatchObject({ sessionCount: 10, plannedHours: 25, enrolledCount: 10, waitingCount: 2, withdrawnCount: 0, completedCount: 0 });
    const again = await ctx.api('installer').post(`/api/v1/training/cycles/${cycleId}/enrolments`).send({ beneficiaryId: people[0].id });
    expect(again.status).toBe(409);
  });

  it('when a person with a place withdraws, then the first on the waiting list gets it and the second moves up', async () => {
    const res = await ctx.api('installer').post(`/api/v1/training/enrolments/${enrolments[3].id}/withdraw`).send({ withdrawnOn: '2027-03-05', reason: 'a trouvé un emploi' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.enrolment).toMatchObject({ status: 'withdrawn', withdrawnOn: '2027-03-05', withdrawalReason: 'a trouvé un emploi' });
    expect(res.body.promoted).toMatchObject({ id: enrolments[10].id, status: 'enrolled', waitingPosition: null });
    expect(await enrolment(enrolments[11].id)).toMatchObject({ status: 'waiting', waitingPosition: 1 });
    const list = await ctx.api('installer').get(`/api/v1/training/cycles/${cycleId}/enrolments?status=enrolled`);
    expect(list.body.items.map((e: EnrolmentBody) => e.id)).toEqual([...enrolments.slice(0, 3), ...enrolments.slice(4, 11)].map((e) => e.id));
    expect((await ctx.api('installer').post(`/api/v1/training/enrolments/${enrolments[3].id}/withdraw`).send({ reason: 'encore' })).status).toBe(409);
    const waiting = await ctx.api('installer').put(`/api/v1/training/sessions/${sessions[0].id}/attendance`).send({ records: [{ enrolmentId: enrolments[11].id, status: 'present' }] });
    expect(waiting.status).toBe(422);
    expect(waiting.body.errors).toEqual([{ path: 'records.0.enrolmentId', message: 'on the waiting list, without a place' }]);
  });

  it('when attendance is recorded, then those present at 8 of 10 complete on the day of their 8th session and the others do not', async () => {
    const [a, b, c] = enrolments;
    // a: present at all 10; b: present at 7, absent at 3; c: present at 7, excused at 1, absent at 2 (excused is not attended)
    for (const [i, session] of sessions.entries()) {
      await mark(ctx, session.id, [
        { enrolmentId: a.id, status: 'present' },
        { enrolmentId: b.id, status: i < 7 ? 'present' : 'absent' },
        { enrolmentId: c.id, status: i < 7 ? 'present' : i === 7 ? 'excused' : 'absent' },
      ]);
    }
    expect(await enrolment(a.id)).toMatchObject({ sessionsAttended: 10, minutesAttended: 1500, completedOn: sessions[7].date, completionSource: 'attendance' });
    expect(await enrolment(b.id)).toMatchObject({ sessionsAttended: 7, completedOn: null });
    expect(await enrolment(c.id)).toMatchObject({ sessionsAttended: 7, completedOn: null });
    expect((await beneficiary(a.beneficiaryId)).trainingCompletedOn).toBe('2027-04-20');
    expect((await beneficiary(b.beneficiaryId)).trainingCompletedOn).toBeNull();

    const session = await ctx.api('viewer').get(`/api/v1/training/sessions/${sessions[7].id}`);
    expect(session.body.attendance).toEqual({ present: 1, absent: 1, excused: 1, unrecorded: 7 });
    // Sending the same taps again (a queue replayed after a lost answer) changes nothing.
    await mark(ctx, sessions[9].id, [{ enrolmentId: a.id, status: 'present' }]);
    expect(await enrolment(a.id)).toMatchObject({ sessionsAttended: 10, completedOn: sessions[7].date });
  });

  it('when the person below the rule is scheduled for an installation, then 409 names the training; the one who completed is scheduled', async () => {
    const [a, b] = enrolments;
    const refused = await schedule(b.beneficiaryId);
    expect(refused.status).toBe(409);
    expect(refused.body.rules).toEqual(['training_not_completed']);
    expect((await schedule(a.beneficiaryId)).status).toBe(201);
  });

  it('when attendance records are undone, then completion is worked out again, down to none', async () => {
    const a = enrolments[0];
    await mark(ctx, sessions[2].id, [{ enrolmentId: a.id, status: null }]);
    expect(await enrolment(a.id)).toMatchObject({ sessionsAttended: 9, completedOn: sessions[8].date });
    expect((await beneficiary(a.beneficiaryId)).trainingCompletedOn).toBe(sessions[8].date);
    await mark(ctx, sessions[3].id, [{ enrolmentId: a.id, status: 'absent' }]);
    await mark(ctx, sessions[4].id, [{ enrolmentId: a.id, status: 'excused' }]);
    expect(await enrolment(a.id)).toMatchObject({ sessionsAttended: 7, completedOn: null, completionSource: null });
    expect((await beneficiary(a.beneficiaryId)).trainingCompletedOn).toBeNull();
    await mark(ctx, sessions[2].id, [{ enrolmentId: a.id, status: 'present' }]);
    expect((await beneficiary(a.beneficiaryId)).trainingCompletedOn).toBe(sessions[9].date);
  });

  it('when an admin overrides a completion with a reason, then it counts and is recorded; removing it follows attendance again', async () => {
    const b = enrolments[1];
    expect((await ctx.api('installer').put(`/api/v1/training/enrolments/${b.id}/completion`).send({ completedOn: '2027-05-04', reason: 'x' })).status).toBe(403);
    const ahead = await at(ctx, BEFORE_CYCLE, () => ctx.api('admin').put(`/api/v1/training/enrolments/${b.id}/completion`).send({ completedOn: '2027-05-04', reason: 'a rattrapé deux ateliers au centre social' }));
    expect(ahead.status, JSON.stringify(ahead.body)).toBe(422);
    expect(ahead.body.errors).toEqual([{ path: 'completedOn', message: 'after today' }]);
    expect((await enrolment(b.id)).completionSource).toBeNull();
    const res = await at(ctx, AFTER_CYCLE, () => ctx.api('admin').put(`/api/v1/training/enrolments/${b.id}/completion`).send({ completedOn: '2027-05-04', reason: 'a rattrapé deux ateliers au centre social' }));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ completedOn: '2027-05-04', completionSource: 'override', overrideReason: 'a rattrapé deux ateliers au centre social' });
    expect((await beneficiary(b.beneficiaryId)).trainingCompletedOn).toBe('2027-05-04');
    expect((await ctx.api('viewer').get(`/api/v1/training/enrolments/${b.id}`)).body.overrideReason).toBeNull();
    const removed = await ctx.api('admin').delete(`/api/v1/training/enrolments/${b.id}/completion`);
    expect(removed.body).toMatchObject({ completedOn: null, completionSource: null });
    expect((await beneficiary(b.beneficiaryId)).trainingCompletedOn).toBeNull();
  });

  it('when a date was typed by hand and attendance gives none, then the typed date stays', async () => {
    const person = await createBeneficiary(ctx, { trainingCompletedOn: '2026-06-30' });
    const { cycle, sessions: mine } = await createCycle(ctx, { sessions: 2, rule: { kind: 'sessions', minSessions: 2 } });
    const e = await enrol(ctx, cycle.id, person);
    await mark(ctx, mine[0].id, [{ enrolmentId: e.id, status: 'present' }]);
    await mark(ctx, mine[0].id, [{ enrolmentId: e.id, status: null }]);
    expect((await beneficiary(person.id)).trainingCompletedOn).toBe('2026-06-30');
  });
});

describe('a cycle completed on a share of hours', () => {
  it('when the rule is 75 % of the hours, then long sessions weigh more than short ones, and a rule change applies at once', async () => {
    // 3 h + 1 h + 1 h + 3 h = 8 h planned; 75 % = 6 h.
    const { cycle, sessions } = await createCycle(ctx, { sessions: 4, rule: { kind: 'hours', minPercent: 75 }, times: [['09:00', '12:00'], ['14:00', '15:00'], ['14:00', '15:00'], ['09:00', '12:00']] });
    const [p, q] = await trainees(ctx, 2);
    const ep = await enrol(ctx, cycle.id, p);
    const eq = await enrol(ctx, cycle.id, q);
    for (const i of [0, 3]) await mark(ctx, sessions[i].id, [{ enrolmentId: ep.id, status: 'present' }]); // 6 h
    for (const i of [0, 1, 2]) await mark(ctx, sessions[i].id, [{ enrolmentId: eq.id, status: 'present' }]); // 5 h
    expect(await enrolment(ep.id)).toMatchObject({ minutesAttended: 360, completedOn: sessions[3].date });
    expect(await enrolment(eq.id)).toMatchObject({ minutesAttended: 300, completedOn: null });
    const patched = await ctx.api('installer').patch(`/api/v1/training/cycles/${cycle.id}`).send({ completionRule: { kind: 'hours', minPercent: 60 } });
    expect(patched.status).toBe(200);
    expect(patched.body.completedCount).toBe(2);
    expect(await enrolment(eq.id)).toMatchObject({ completedOn: sessions[2].date });
    // A new session raises the planned hours: 5 h of 9 h is under 60 %.
    const added = await ctx.api('installer').post(`/api/v1/training/cycles/${cycle.id}/sessions`).send({ date: '2027-04-06', startTime: '10:00', endTime: '11:00', theme: 'Bilan' });
    expect(added.status).toBe(201);
    expect(await enrolment(eq.id)).toMatchObject({ completedOn: null });
    expect(await enrolment(ep.id)).toMatchObject({ completedOn: sessions[3].date });
  });

  it('when a capacity is raised, then the waiting list is promoted; lowered under the places taken, then 409', async () => {
    const { cycle } = await createCycle(ctx, { capacity: 1 });
    const people = await trainees(ctx, 3);
    const es = [];
    for (const p of people) es.push(await enrol(ctx, cycle.id, p));
    expect(es.map((e) => e.status)).toEqual(['enrolled', 'waiting', 'waiting']);
    const raised = await ctx.api('installer').patch(`/api/v1/training/cycles/${cycle.id}`).send({ capacity: 2 });
    expect(raised.body).toMatchObject({ enrolledCount: 2, waitingCount: 1 });
    expect((await enrolment(es[1].id)).status).toBe('enrolled');
    expect((await ctx.api('installer').patch(`/api/v1/training/cycles/${cycle.id}`).send({ capacity: 1 })).status).toBe(409);
  });

  it('when six applicants race for the last place, then exactly one gets it and the others wait in a gapless order', async () => {
    const { cycle } = await createCycle(ctx, { capacity: 1 });
    const people = await trainees(ctx, 6);
    const results = await Promise.all(people.map((p) => ctx.api('installer').post(`/api/v1/training/cycles/${cycle.id}/enrolments`).send({ beneficiaryId: p.id })));
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(201));
    expect(results.filter((r) => r.body.status === 'enrolled')).toHaveLength(1);
    const waiting = await ctx.api('installer').get(`/api/v1/training/cycles/${cycle.id}/enrolments?status=waiting`);
    expect(waiting.body.items.map((e: EnrolmentBody) => e.waitingPosition)).toEqual([1, 2, 3, 4, 5]);
  });

  it('when bad values are sent, then 400 names the fields', async () => {
    const { cycle } = await createCycle(ctx);
    const res = await ctx.api('installer').post(`/api/v1/training/cycles/${cycle.id}/sessions`).send({ date: '2027-02-30', startTime: '25:00', endTime: '10:00', theme: '' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['date', 'startTime', 'theme']);
    const outside = await ctx.api('installer').post(`/api/v1/training/cycles/${cycle.id}/sessions`).send({ date: '2027-07-01', startTime: '10:00', endTime: '11:00', theme: 'x' });
    expect(outside.status).toBe(400);
    expect(outside.body.errors).toEqual([{ path: 'date', message: 'outside the cycle’s dates' }]);
    const reversed = await ctx.api('installer').post(`/api/v1/training/cycles/${cycle.id}/sessions`).send({ date: '2027-03-03', startTime: '11:00', endTime: '10:00', theme: 'x' });
    expect(reversed.body.errors).toEqual([{ path: 'endTime', message: 'must be after startTime' }]);
    const trainers = await ctx.api('installer').patch(`/api/v1/training/cycles/${cycle.id}`).send({ trainerIds: ['nosuchkey'] });
    expect(trainers.status).toBe(422);
    expect(trainers.body.errors).toEqual([{ path: 'trainerIds.0', message: 'neither an active staff user nor an active API key of role trainer' }]);
  });
});
