import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { createCollection, deviceInput, intake } from '../helpers/factories.js';
import { scheduleKit } from '../helpers/installations.js';
import { attestationOn, erasureInput, ship } from './helpers.js';

const ctx = useTestApp();

describe('dates that contradict each other, and an OS where there is none', () => {
  it('when a delivery is received before its device was dispatched, then 422 names receivedOn and nothing moves', async () => {
    const [laptop] = await intake(ctx);
    await ship(ctx, [laptop], '2025-11-20');
    const res = await ctx.api('reconditioner').post('/api/v1/deliveries').send({ receivedOn: '2025-11-19', reference: 'BL-D', items: [{ code: laptop.assetTag, erasure: attestationOn('2025-11-19') }] });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: 'receivedOn', message: `before ${laptop.assetTag} was dispatched (2025-11-20)` }]);
    expect((await ctx.api().get(`/api/v1/devices/${laptop.id}`)).body.status).toBe('shipped');
    const sameDay = await ctx.api('reconditioner').post('/api/v1/deliveries').send({ receivedOn: '2025-11-20', reference: 'BL-D', items: [{ code: laptop.assetTag, erasure: attestationOn('2025-11-20') }] });
    expect(sameDay.status).toBe(201);
  });

  it('when a returning unit’s attestation is dated before the unit was dispatched, then 422 names its performedAt and nothing moves; the Paris day counts', async () => {
    const [laptop, other] = await intake(ctx, [deviceInput(), deviceInput()]);
    await ship(ctx, [laptop, other], '2025-11-20');
    const deliver = (performedAt: string) =>
      ctx.api('reconditioner').post('/api/v1/deliveries').send({
        receivedOn: '2025-11-25', reference: 'BL-E', items: [{ code: other.assetTag, erasure: erasureInput({ performedAt: '2025-11-21T10:00:00Z' }) }, { code: laptop.assetTag, erasure: erasureInput({ performedAt }) }],
      });
    const res = await deliver('2025-11-19T10:00:00Z');
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: 'items.1.erasure.performedAt', message: `erased before ${laptop.assetTag} was dispatched (2025-11-20)` }]);
    expect((await ctx.api().get(`/api/v1/devices/${laptop.id}`)).body.status).toBe('shipped');
    expect((await ctx.api().get(`/api/v1/devices/${laptop.id}/erasures`)).body.items).toEqual([]);
    // 23:30 UTC on the 19th is 00:30 on the 20th in Paris: the day it was dispatched.
    const res2 = await deliver('2025-11-19T23:30:00Z');
    expect(res2.status, JSON.stringify(res2.body)).toBe(201);
  });

  it('when an attestation is dated after the delivery was received, then 422 names its performedAt for a returning unit and a new one alike and nothing moves; the Paris day counts, and a new unit erased long ago is taken', async () => {
    const [laptop] = await intake(ctx);
    await ship(ctx, [laptop], '2025-11-20');
    const newUnit = deviceInput({ brand: 'Dell', model: 'Latitude 5490' });
    const deliver = (back: string, fresh: string) =>
      ctx.api('reconditioner').post('/api/v1/deliveries').send({
        receivedOn: '2025-11-25', reference: 'BL-L', items: [{ code: laptop.assetTag, erasure: erasureInput({ performedAt: back }) }, { ...newUnit, erasure: erasureInput({ performedAt: fresh }) }],
      });
    // 23:30 UTC on the 25th is 00:30 on the 26th in Paris: the day after the delivery.
    const res = await deliver('2025-11-26T08:00:00Z', '2025-11-25T23:30:00Z');
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.errors).toEqual([
      { path: 'items.0.erasure.performedAt', message: 'erased after the delivery was received (2025-11-25)' },
      { path: 'items.1.erasure.performedAt', message: 'erased after the delivery was received (2025-11-25)' },
    ]);
    expect((await ctx.api().get(`/api/v1/devices/${laptop.id}`)).body.status).toBe('shipped');
    expect((await ctx.api().get(`/api/v1/devices/${laptop.id}/erasures`)).body.items).toEqual([]);
    expect((await ctx.api().get(`/api/v1/scan/${newUnit.serialNumber}`)).status).toBe(404);

    // 22:30 UTC on the 25th is still the 25th in Paris; a new unit has no dispatch to be erased after.
    const ok = await deliver('2025-11-25T22:30:00Z', '2001-03-01T10:00:00Z');
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.items.map((i: { isNew: boolean; device: { status: string } }) => [i.isNew, i.device.status])).toEqual([[false, 'ready'], [true, 'ready']]);
  });

  it('when an installation is completed before its scheduled day, then 422 unless a reason is given, which is recorded', async () => {
    const { installation, main } = await scheduleKit(ctx); // scheduled on 2026-11-25
    const early = await ctx.api('installer').post(`/api/v1/installations/${installation.id}/complete`).send({ installedOn: '2026-11-24', installedBy: 'Julien Morel' });
    expect(early.status).toBe(422);
    expect(early.body.errors[0].path).toBe('installedOn');
    const withReason = await ctx.api('installer').post(`/api/v1/installations/${installation.id}/complete`).send({
      installedOn: '2026-11-24', installedBy: 'Julien Morel', earlyReason: 'Rendez-vous avancé à la demande du bénéficiaire',
    });
    expect(withReason.status, JSON.stringify(withReason.body)).toBe(200);
    const events = await ctx.api('viewer').get(`/api/v1/devices/${main.id}/events`);
    expect(events.body.items.at(-1)).toMatchObject({ type: 'complete', details: { earlyReason: 'Rendez-vous avancé à la demande du bénéficiaire' } });
  });

  it('when a return is dated before the installation, then 422 names returnedOn and the device stays installed', async () => {
    const { installation, main } = await scheduleKit(ctx);
    await ctx.api('installer').post(`/api/v1/installations/${installation.id}/complete`).send({ installedOn: '2026-11-25', installedBy: 'Julien Morel' }).expect(200);
    const res = await ctx.api('installer').post(`/api/v1/devices/${main.id}/return`).send({ returnedOn: '2026-11-24', reason: 'fin du prêt', condition: 'bon état' });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ path: 'returnedOn', message: 'before the installation on 2026-11-25' }]);
    expect((await ctx.api().get(`/api/v1/devices/${main.id}`)).body.status).toBe('installed');
  });

  it('when an OS is given for a monitor or a peripheral, then 400 points at specs.os, at intake, in a delivery and on update', async () => {
    const withOs = { specs: { os: 'Windows 10' } };
    const { id: collectionId } = await createCollection(ctx);
    const single = await ctx.api('collector').post(`/api/v1/collections/${collectionId}/devices`).send(deviceInput({ kind: 'monitor', ...withOs }));
    expect(single.status).toBe(400);
    expect(single.body.errors).toContainEqual(expect.objectContaining({ path: 'specs.os' }));
    const batch = await ctx.api('collector').post(`/api/v1/collections/${collectionId}/devices`).send([deviceInput(), deviceInput({ kind: 'peripheral', ...withOs })]);
    expect(batch.status).toBe(400);
    expect(batch.body.errors).toContainEqual(expect.objectContaining({ path: '1.specs.os' }));
    const delivery = await ctx.api('reconditioner').post('/api/v1/deliveries').send({ receivedOn: '2025-12-01', reference: 'BL-OS', items: [deviceInput({ kind: 'monitor', ...withOs })] });
    expect(delivery.status).toBe(400);
    const [monitor] = await intake(ctx, [deviceInput({ kind: 'monitor' })]);
    const patch = await ctx.api('collector').patch(`/api/v1/devices/${monitor.id}`).send({ specs: { os: 'Linux Mint 22' } });
    expect(patch.status).toBe(422);
    expect(patch.body.errors).toEqual([{ path: 'specs.os', message: 'a monitor has no operating system; leave os out' }]);
    const recondition = await ctx.api('collector').post(`/api/v1/devices/${monitor.id}/recondition`).send({ grade: 'A', os: 'Linux Mint 22' });
    expect(recondition.status).toBe(422);
  });
});
