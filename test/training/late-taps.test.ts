import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { AFTER_CYCLE, createCycle, enrol, trainees } from '../helpers/training.js';

const ctx = useTestApp();

// AFTER_CYCLE is 10:00 UTC on a day after every session: taps are stamped minutes before it.
const at = (time: string) => `${AFTER_CYCLE.slice(0, 10)}T${time}:00.000Z`;

describe('attendance taps sent late (a phone that was offline)', () => {
  it('when a queued tap arrives after a newer one made on another device, then the newer mark is kept and the late one is reported as superseded', async () => {
    const { cycle, sessions } = await createCycle(ctx, { sessions: 1, rule: { kind: 'sessions', minSessions: 1 } });
    const [first, second] = await trainees(ctx, 2);
    const [a, b] = [await enrol(ctx, cycle.id, first), await enrol(ctx, cycle.id, second)];
    const url = `/api/v1/training/sessions/${sessions[0].id}/attendance`;
    const before = ctx.clock.now();
    ctx.clock.set(AFTER_CYCLE);
    try {
      const put = (records: { enrolmentId: string; status: string | null; tappedAt?: string }[]) => ctx.api('installer').put(url).send({ records });
      const item = (body: { items: { enrolmentId: string; status: string | null }[] }, id: string) => body.items.find((p) => p.enrolmentId === id);

      // Phone B (online) marks A absent at 09:50; phone A's queue (A present at 09:40, B present at 09:45) arrives at 10:00.
      expect((await put([{ enrolmentId: a.id, status: 'absent', tappedAt: at('09:50') }])).status).toBe(200);
      const late = await put([
        { enrolmentId: a.id, status: 'present', tappedAt: at('09:40') },
        { enrolmentId: b.id, status: 'present', tappedAt: at('09:45') },
      ]);
      expect(late.status, JSON.stringify(late.body)).toBe(200);
      expect(late.body.superseded).toEqual([a.id]);
      expect(item(late.body, a.id)).toMatchObject({ status: 'absent', recordedAt: at('09:50') });
      expect(item(late.body, b.id)).toMatchObject({ status: 'present', recordedAt: at('09:45') });
      // Nobody completed on the late presence that was not kept.
      expect((await ctx.api('installer').get(`/api/v1/training/enrolments/${a.id}`)).body.completedOn).toBeNull();

      // A late undo older than the kept mark does not erase it either; a newer late tap wins.
      const undo = await put([{ enrolmentId: b.id, status: null, tappedAt: at('09:44') }]);
      expect([undo.body.superseded, item(undo.body, b.id)?.status]).toEqual([[b.id], 'present']);
      const newer = await put([{ enrolmentId: a.id, status: 'excused', tappedAt: at('09:55') }]);
      expect([newer.body.superseded, item(newer.body, a.id)]).toEqual([[], expect.objectContaining({ status: 'excused', recordedAt: at('09:55') })]);
      // A tap without its time is stamped on arrival (10:00): a queued tap from 09:58 is older.
      await put([{ enrolmentId: a.id, status: 'present' }]);
      const older = await put([{ enrolmentId: a.id, status: 'absent', tappedAt: at('09:58') }]);
      expect([older.body.superseded, item(older.body, a.id)?.status]).toEqual([[a.id], 'present']);
    } finally {
      ctx.clock.set(before.toISOString());
    }
  });

  it('when a tap claims a time ahead of the server or older than the queue keeps taps, then 422 naming its tappedAt, and nothing changes', async () => {
    const { cycle, sessions } = await createCycle(ctx, { sessions: 1, rule: { kind: 'sessions', minSessions: 1 } });
    const [person] = await trainees(ctx, 1);
    const enrolment = await enrol(ctx, cycle.id, person);
    const url = `/api/v1/training/sessions/${sessions[0].id}/attendance`;
    const before = ctx.clock.now();
    ctx.clock.set(AFTER_CYCLE);
    try {
      for (const [tappedAt, message] of [[at('10:06'), /ahead/], [at('07:59'), /2 hours/]] as const) {
        const res = await ctx.api('installer').put(url).send({ records: [{ enrolmentId: enrolment.id, status: 'present', tappedAt }] });
        expect(res.status, tappedAt).toBe(422);
        expect(res.body.errors).toEqual([{ path: 'records.0.tappedAt', message: expect.stringMatching(message) }]);
      }
      // Within the bounds (a phone's clock 4 minutes ahead; a tap 1 h 59 old): kept.
      for (const tappedAt of [at('10:04'), at('08:01')]) {
        expect((await ctx.api('installer').put(url).send({ records: [{ enrolmentId: enrolment.id, status: 'absent', tappedAt }] })).status).toBe(200);
      }
      const bad = await ctx.api('installer').put(url).send({ records: [{ enrolmentId: enrolment.id, status: 'present', tappedAt: 'hier soir' }] });
      expect([bad.status, bad.body.errors?.[0]?.path]).toEqual([400, 'records.0.tappedAt']);
      const stored = (await ctx.api('installer').get(url)).body.items[0];
      expect(stored).toMatchObject({ status: 'absent', recordedAt: at('10:04') });
    } finally {
      ctx.clock.set(before.toISOString());
    }
  });
});
