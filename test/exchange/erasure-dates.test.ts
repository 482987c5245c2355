import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { createCollection, deviceInput, intake } from '../helpers/factories.js';
import { scheduleKit } from '../helpers/installations.js';
import { erasureInput } from './helpers.js';

const ctx = useTestApp();

/** Today in Paris by the test's clock. */
const todayInParis = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(ctx.clock.now());

describe('an erasure is dated while the media are in our hands', () => {
  it('when performedAt comes before the device was collected, then 422 names performedAt and nothing is written; the Paris day of the collection is taken', async () => {
    const collection = await createCollection(ctx, { collectedOn: todayInParis() });
    const [laptop] = await intake(ctx, [deviceInput()], collection.id);
    const res = await ctx.api('reconditioner').post(`/api/v1/devices/${laptop.id}/erasure`).send(erasureInput({ performedAt: '2001-01-01T10:00:00Z' }));
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors).toEqual([{ path: 'performedAt', message: `before it came into the programme on ${todayInParis()} (as a day in Paris)` }]);
    expect((await ctx.api().get(`/api/v1/devices/${laptop.id}/erasures`)).body.items).toEqual([]);
    const recondition = await ctx.api('reconditioner').post(`/api/v1/devices/${laptop.id}/recondition`).send({ grade: 'A' });
    expect(recondition.status).toBe(409);
    const ok = await ctx.api('reconditioner').post(`/api/v1/devices/${laptop.id}/erasure`).send(erasureInput());
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
  });

  it('when performedAt comes before the device came back from a home, then 422 names performedAt, and a record from before the return never clears it', async () => {
    const { installation, main } = await scheduleKit(ctx);
    await ctx.api('installer').post(`/api/v1/installations/${installation.id}/complete`).send({ installedOn: '2026-11-25', installedBy: 'Julien Morel' }).expect(200);
    await ctx.api('installer').post(`/api/v1/devices/${main.id}/return`).send({ returnedOn: '2026-11-28', reason: 'fin du prêt', condition: 'bon état' }).expect(200);
    const before = await ctx.api('reconditioner').post(`/api/v1/devices/${main.id}/erasure`).send(erasureInput({ performedAt: '2026-11-27T10:00:00Z' }));
    expect(before.status).toBe(422);
    expect(before.body.errors).toEqual([{ path: 'performedAt', message: 'before it last came back from a home on 2026-11-28 (as a day in Paris)' }]);
    expect((await ctx.api('reconditioner').post(`/api/v1/devices/${main.id}/recondition`).send({ grade: 'A' })).status).toBe(409);
    // 23:30 UTC on the 27th is 00:30 on the 28th in Paris: the day it came back.
    const sameDay = await ctx.api('reconditioner').post(`/api/v1/devices/${main.id}/erasure`).send(erasureInput({ performedAt: '2026-11-27T23:30:00Z' }));
    expect(sameDay.status, JSON.stringify(sameDay.body)).toBe(201);
    const res = await ctx.api('reconditioner').post(`/api/v1/devices/${main.id}/recondition`).send({ grade: 'A' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status).toBe('ready');
  });
});
