import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { deviceInput, intake } from '../helpers/factories.js';
import { erasureInput } from './helpers.js';

const ctx = useTestApp();

describe('data erasure records', () => {
  it('when a failed pass is followed by a passing one, then both are kept, the passing one counts, and both are in the history', async () => {
    const [device] = await intake(ctx);
    const failed = await ctx.api('reconditioner').post(`/api/v1/devices/${device.id}/erasure`).send(erasureInput({ result: 'failed', performedAt: '2026-11-20T09:00:00Z' }));
    expect(failed.status).toBe(201);
    expect(failed.body).toMatchObject({ result: 'failed', counts: false, recordedBy: 'test reconditioner', standard: 'NIST SP 800-88 Rev. 2 — Purge' });
    const passed = await ctx.api('collector').post(`/api/v1/devices/${device.id}/erasure`).send(erasureInput({ toolReportSha256: 'AB'.repeat(32) }));
    expect(passed.status).toBe(201);
    expect(passed.body).toMatchObject({ result: 'passed', counts: true, toolReportSha256: 'ab'.repeat(32), storage: [{ serialNumber: 'S3Z9NB0K123456', capacityGb: 256, type: 'ssd' }] });
    const list = await ctx.api('viewer').get(`/api/v1/devices/${device.id}/erasures`);
    expect(list.body.items.map((e: { id: string; counts: boolean }) => [e.id, e.counts])).toEqual([[failed.body.id, false], [passed.body.id, true]]);
    const events = await ctx.api('viewer').get(`/api/v1/devices/${device.id}/events`);
    const erasures = events.body.items.filter((e: { type: string }) => e.type === 'erasure');
    expect(erasures).toHaveLength(2);
    expect(erasures[1]).toMatchObject({ fromStatus: 'collected', toStatus: 'collected', details: { erasureId: passed.body.id, result: 'passed' } });
    expect(JSON.stringify(events.body)).not.toContain('Agnès');
    expect((await ctx.api().get(`/api/v1/devices/${device.id}`)).body.status).toBe('collected');
  });

  it('when a record is corrected, then the correction supersedes it and the superseded one no longer counts', async () => {
    const [device] = await intake(ctx);
    const wrong = await ctx.api('reconditioner').post(`/api/v1/devices/${device.id}/erasure`).send(erasureInput());
    const fix = await ctx.api('reconditioner').post(`/api/v1/devices/${device.id}/erasure`).send(erasureInput({ method: 'nist-800-88-clear', supersedes: wrong.body.id, notes: 'Méthode mal saisie' }));
    expect(fix.status).toBe(201);
    const list = (await ctx.api().get(`/api/v1/devices/${device.id}/erasures`)).body.items;
    expect(list[0]).toMatchObject({ id: wrong.body.id, supersededById: fix.body.id, counts: false });
    expect(list[1]).toMatchObject({ supersedesId: wrong.body.id, counts: true });
    const twice = await ctx.api('reconditioner').post(`/api/v1/devices/${device.id}/erasure`).send(erasureInput({ supersedes: wrong.body.id }));
    expect(twice.status).toBe(409);
    const [other] = await intake(ctx);
    const foreign = await ctx.api('reconditioner').post(`/api/v1/devices/${other.id}/erasure`).send(erasureInput({ supersedes: fix.body.id }));
    expect(foreign.status).toBe(422);
  });

  it('when the input is wrong or the role may not, then 400 names the field or 403', async () => {
    const [device] = await intake(ctx);
    const bad = await ctx.api('reconditioner').post(`/api/v1/devices/${device.id}/erasure`).send(erasureInput({ method: 'dban', performedAt: '2999-01-01T00:00:00Z' }));
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['method', 'performedAt']);
    const installer = await ctx.api('installer').post(`/api/v1/devices/${device.id}/erasure`).send(erasureInput());
    expect(installer.status).toBe(403);
  });
});

describe('in-house reconditioning and the purge rule', () => {
  it('when a laptop has no erasure record, then 409 says a purge is missing', async () => {
    const [device] = await intake(ctx);
    const res = await ctx.api('collector').post(`/api/v1/devices/${device.id}/recondition`).send({ grade: 'A' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ missing: 'erasure', assetTag: device.assetTag });
    expect(res.body.detail).toContain('Purge');
    expect(res.body.detail).toContain('no erasure record');
  });

  it('when only a Clear passed, then it is recorded but reconditioning is refused', async () => {
    const [device] = await intake(ctx);
    await ctx.api('reconditioner').post(`/api/v1/devices/${device.id}/erasure`).send(erasureInput({ method: 'nist-800-88-clear' })).expect(201);
    const res = await ctx.api('collector').post(`/api/v1/devices/${device.id}/recondition`).send({ grade: 'A' });
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('Clear, which does not qualify');
    expect((await ctx.api().get(`/api/v1/devices/${device.id}`)).body.status).toBe('collected');
  });

  it('when a passing Purge exists, then the device becomes ready with its new grade and system', async () => {
    const [device] = await intake(ctx);
    const purge = await ctx.api('reconditioner').post(`/api/v1/devices/${device.id}/erasure`).send(erasureInput());
    const res = await ctx.api('reconditioner').post(`/api/v1/devices/${device.id}/recondition`).send({ grade: 'A', os: 'Linux Mint 22', notes: 'Batterie neuve' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ready', grade: 'A', specs: { os: 'Linux Mint 22' }, notes: 'Batterie neuve' });
    const events = await ctx.api().get(`/api/v1/devices/${device.id}/events`);
    expect(events.body.items.at(-1)).toMatchObject({ type: 'recondition', fromStatus: 'collected', toStatus: 'ready', details: { erasureId: purge.body.id } });
  });

  it('when storage was destroyed and replaced, then a passing Destroy qualifies', async () => {
    const [device] = await intake(ctx, [deviceInput({ kind: 'desktop' })]);
    await ctx.api('reconditioner').post(`/api/v1/devices/${device.id}/erasure`).send(erasureInput({ method: 'nist-800-88-destroy', notes: 'Disque broyé, SSD neuf posé' })).expect(201);
    expect((await ctx.api('collector').post(`/api/v1/devices/${device.id}/recondition`).send({ grade: 'B' })).status).toBe(200);
  });

  it('when the device holds no data (a monitor), then no erasure is needed', async () => {
    const [device] = await intake(ctx, [deviceInput({ kind: 'monitor' })]);
    expect((await ctx.api('collector').post(`/api/v1/devices/${device.id}/recondition`).send({ grade: 'B' })).status).toBe(200);
  });

  it('when the device is already ready, then 409 names its status', async () => {
    const [device] = await intake(ctx, [deviceInput({ kind: 'monitor' })]);
    await ctx.api('collector').post(`/api/v1/devices/${device.id}/recondition`).send({ grade: 'B' }).expect(200);
    const again = await ctx.api('collector').post(`/api/v1/devices/${device.id}/recondition`).send({ grade: 'B' });
    expect(again.status).toBe(409);
    expect(again.body.currentStatus).toBe('ready');
  });

  it('when a device comes back from a home, then an erasure from before its installation no longer qualifies', async () => {
    const [device] = await intake(ctx);
    await ctx.api('reconditioner').post(`/api/v1/devices/${device.id}/erasure`).send(erasureInput()).expect(201);
    // Installations and returns belong to issue 5: stand in for them with its events and the status they leave.
    const at = ctx.clock.now().toISOString();
    await ctx.db.kysely.updateTable('devices').set({ status: 'returned' }).where('id', '=', device.id).execute();
    await ctx.db.kysely.insertInto('device_events').values([
      { device_id: device.id, type: 'complete', from_status: 'reserved', to_status: 'installed', at, occurred_on: at.slice(0, 10), actor: 'test installer', data: JSON.stringify({ beneficiaryReference: 'B-2025-0009' }) },
      { device_id: device.id, type: 'return', from_status: 'installed', to_status: 'returned', at, occurred_on: at.slice(0, 10), actor: 'test installer', data: null },
    ]).execute();
    const refused = await ctx.api('collector').post(`/api/v1/devices/${device.id}/recondition`).send({ grade: 'B' });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('since it came back from a home');
    await new Promise((resolve) => setTimeout(resolve, 5));
    await ctx.api('reconditioner').post(`/api/v1/devices/${device.id}/erasure`).send(erasureInput()).expect(201);
    const res = await ctx.api('collector').post(`/api/v1/devices/${device.id}/recondition`).send({ grade: 'B' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ready');
  });
});
