import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { createCycle, enrol, trainees, type EnrolmentBody } from '../helpers/training.js';

const ctx = useTestApp();

const status = async (id: string) => (await ctx.api('installer').get(`/api/v1/training/enrolments/${id}`)).body;

describe('withdrawing once the cycle is over (it ran 2027-03-01 to 2027-05-31)', () => {
  it('when a person with a place withdraws after the cycle ended, then nobody on the waiting list is given the place', async () => {
    const { cycle } = await createCycle(ctx, { capacity: 2 });
    const enrolments: EnrolmentBody[] = [];
    for (const person of await trainees(ctx, 3)) enrolments.push(await enrol(ctx, cycle.id, person));
    expect(enrolments.map((e) => e.status)).toEqual(['enrolled', 'enrolled', 'waiting']);

    const res = await ctx.api('installer').post(`/api/v1/training/enrolments/${enrolments[0].id}/withdraw`).send({ withdrawnOn: '2027-06-02', reason: 'a déménagé' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.enrolment).toMatchObject({ status: 'withdrawn', withdrawnOn: '2027-06-02' });
    expect(res.body.promoted).toBeNull();
    expect(await status(enrolments[2].id)).toMatchObject({ status: 'waiting', waitingPosition: 1 });
  });

  it('when the withdrawal carries no date and today is after the cycle, then the waiting list stays as it was', async () => {
    const { cycle } = await createCycle(ctx, { capacity: 1 });
    const [first, second] = await trainees(ctx, 2);
    const placed = await enrol(ctx, cycle.id, first);
    const waiting = await enrol(ctx, cycle.id, second);
    const before = ctx.clock.now();
    ctx.clock.set('2027-07-01');
    try {
      const res = await ctx.api('installer').post(`/api/v1/training/enrolments/${placed.id}/withdraw`).send({ reason: 'a trouvé un emploi' });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.enrolment.withdrawnOn).toBe('2027-07-01');
      expect(res.body.promoted).toBeNull();
      expect(await status(waiting.id)).toMatchObject({ status: 'waiting' });
    } finally {
      ctx.clock.set(before.toISOString());
    }
  });
});
