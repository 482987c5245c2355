import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { AFTER_CYCLE, at, BEFORE_CYCLE, createCycle, enrol, mark, trainees, useClockAt } from '../helpers/training.js';

const ctx = useTestApp();

describe('attendance for a session still to come (the clock is set before the cycle; the sessions are in 2027)', () => {
  useClockAt(ctx, BEFORE_CYCLE);

  it('when a presence is recorded before the session’s day, then it is refused naming the date and nobody completes', async () => {
    const { cycle, sessions } = await createCycle(ctx, { sessions: 1, rule: { kind: 'sessions', minSessions: 1 } });
    const [person] = await trainees(ctx, 1);
    const enrolment = await enrol(ctx, cycle.id, person);

    const res = await ctx.api('installer').put(`/api/v1/training/sessions/${sessions[0].id}/attendance`).send({ records: [{ enrolmentId: enrolment.id, status: 'present' }] });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toContain('2027-03-02');
    expect(res.body.errors).toEqual([{ path: 'sessionId', message: 'session on 2027-03-02, after today' }]);

    const after = (await ctx.api('installer').get(`/api/v1/training/enrolments/${enrolment.id}`)).body;
    expect(after.completedOn).toBeNull();
    expect((await ctx.api('installer').get(`/api/v1/training/sessions/${sessions[0].id}`)).body.attendance.present).toBe(0);
  });

  it('when the session’s day has come, then the presence is recorded and completion is dated that day, not later', async () => {
    const { cycle, sessions } = await createCycle(ctx, { sessions: 1, rule: { kind: 'sessions', minSessions: 1 } });
    const [person] = await trainees(ctx, 1);
    const enrolment = await enrol(ctx, cycle.id, person);
    await at(ctx, '2027-03-02T15:00:00.000Z', async () => {
      const res = await ctx.api('installer').put(`/api/v1/training/sessions/${sessions[0].id}/attendance`).send({ records: [{ enrolmentId: enrolment.id, status: 'present' }] });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect((await ctx.api('installer').get(`/api/v1/training/enrolments/${enrolment.id}`)).body.completedOn).toBe('2027-03-02');
    });
    expect(AFTER_CYCLE > '2027-05-31').toBe(true);
  });

  it('when a record is cleared for a session still to come, then it is allowed (nothing is dated ahead)', async () => {
    const { cycle, sessions } = await createCycle(ctx, { sessions: 1 });
    const [person] = await trainees(ctx, 1);
    const enrolment = await enrol(ctx, cycle.id, person);
    const cleared = await mark(ctx, sessions[0].id, [{ enrolmentId: enrolment.id, status: null }]);
    expect(cleared.items[0].status).toBeNull();
  });

  it('when a session that already has attendance is moved to a date after today, then it is refused naming the date, and it stays where it was', async () => {
    const { cycle, sessions } = await createCycle(ctx, { sessions: 2, rule: { kind: 'sessions', minSessions: 1 } });
    const [person] = await trainees(ctx, 1);
    const enrolment = await enrol(ctx, cycle.id, person);
    await at(ctx, '2027-03-03T10:00:00.000Z', async () => {
      await ctx.api('installer').put(`/api/v1/training/sessions/${sessions[0].id}/attendance`).send({ records: [{ enrolmentId: enrolment.id, status: 'present' }] }).expect(200);
      const moved = await ctx.api('installer').patch(`/api/v1/training/sessions/${sessions[0].id}`).send({ date: '2027-03-04' });
      expect(moved.status, JSON.stringify(moved.body)).toBe(422);
      expect(moved.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(moved.body.errors).toEqual([{ path: 'date', message: 'after today, and attendance is recorded for this session' }]);
      const session = (await ctx.api('installer').get(`/api/v1/training/sessions/${sessions[0].id}`)).body;
      expect(session.date).toBe('2027-03-02');
      expect((await ctx.api('installer').get(`/api/v1/training/enrolments/${enrolment.id}`)).body.completedOn).toBe('2027-03-02');

      // Moving it to another past day, or moving a session without attendance ahead, stays allowed.
      await ctx.api('installer').patch(`/api/v1/training/sessions/${sessions[0].id}`).send({ date: '2027-03-01' }).expect(200);
      await ctx.api('installer').patch(`/api/v1/training/sessions/${sessions[1].id}`).send({ date: '2027-04-20' }).expect(200);
    });
  });
});
