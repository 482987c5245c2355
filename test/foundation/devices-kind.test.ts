import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { createCollection, deviceInput, intake } from '../helpers/factories.js';
import { addCodes, erasureInput, openShipment, ship } from '../exchange/helpers.js';

const ctx = useTestApp();

const patch = (id: string, body: Record<string, unknown>, role: 'collector' | 'admin' = 'collector') => ctx.api(role).patch(`/api/v1/devices/${id}`).send(body);

async function awaitingErasureTotal(): Promise<number> {
  const res = await ctx.api('viewer').get('/api/v1/inventory/summary');
  expect(res.status).toBe(200);
  return res.body.awaitingErasure.total;
}

function expectKindRefused(res: { status: number; headers: Record<string, string>; body: { errors?: { path: string; message: string }[]; detail?: string } }, why: RegExp) {
  expect(res.status, JSON.stringify(res.body)).toBe(409);
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(res.body.errors).toEqual([{ path: 'kind', message: expect.stringMatching(why) }]);
}

describe('correcting a device’s kind', () => {
  it('when a collector corrects a collected laptop to a monitor, then it is refused 403: the one who collects it cannot waive its erasure', async () => {
    const [device] = await intake(ctx);
    const res = await patch(device.id, { kind: 'monitor', specs: null });
    expect(res.status, JSON.stringify(res.body)).toBe(403);
    expect(res.body.errors).toEqual([{ path: 'kind', message: expect.stringMatching(/only an administrator/) }]);
    expect((await ctx.api().get(`/api/v1/devices/${device.id}`)).body).toMatchObject({ kind: 'laptop', status: 'collected' });
    const reconditioned = await ctx.api('collector').post(`/api/v1/devices/${device.id}/recondition`).send({ grade: 'B' });
    expect(reconditioned.status).toBe(409);
  });

  it('when an administrator corrects a collected laptop to a monitor, then the history records the old and the new kind', async () => {
    const [device] = await intake(ctx);
    const res = await patch(device.id, { kind: 'monitor', specs: null }, 'admin');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.kind).toBe('monitor');
    const events = (await ctx.api('viewer').get(`/api/v1/devices/${device.id}/events`)).body.items;
    expect(events.at(-1)).toMatchObject({ type: 'update', details: { changed: expect.arrayContaining(['kind']), kind: { from: 'laptop', to: 'monitor' } } });
  });

  it('when a laptop becomes a monitor but keeps its disk, then it is refused naming the storage field', async () => {
    const [device] = await intake(ctx);
    const res = await patch(device.id, { kind: 'monitor', specs: { os: null } }, 'admin');
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.errors).toEqual([{ path: 'specs.storageGb', message: expect.stringMatching(/kind monitor is not erased, so it holds no storage/) }]);
    expect((await ctx.api().get(`/api/v1/devices/${device.id}`)).body.kind).toBe('laptop');
  });

  it('when a monitor is taken in, delivered or edited with storage, then it is refused naming the field', async () => {
    const intakeRes = await ctx.api('collector').post(`/api/v1/collections/${(await createCollection(ctx)).id}/devices`).send(deviceInput({ kind: 'monitor', specs: { storageGb: 256, storageType: 'ssd' } }));
    expect(intakeRes.status, JSON.stringify(intakeRes.body)).toBe(400);
    expect(intakeRes.body.errors).toEqual([{ path: 'specs.storageGb', message: expect.stringMatching(/holds no storage/) }]);
    const [monitor] = await intake(ctx, [deviceInput({ kind: 'monitor' })]);
    const edited = await patch(monitor.id, { specs: { storageType: 'hdd' } });
    expect(edited.status, JSON.stringify(edited.body)).toBe(422);
    expect(edited.body.errors).toEqual([{ path: 'specs.storageType', message: expect.stringMatching(/holds no storage/) }]);
    expect((await patch(monitor.id, { specs: { cpu: null } })).status).toBe(200);
  });

  it('when a computer is taken in as "other" with its disk, then it is refused naming the storage field; without specs it is taken in', async () => {
    const collection = await createCollection(ctx);
    const asOther = await ctx.api('collector').post(`/api/v1/collections/${collection.id}/devices`).send(deviceInput({ kind: 'other', specs: { cpu: 'Intel Core i5', storageGb: 256, os: 'Windows 10 Pro' } }));
    expect(asOther.status, JSON.stringify(asOther.body)).toBe(400);
    expect(asOther.body.errors).toEqual([{ path: 'specs.storageGb', message: expect.stringMatching(/kind other is not erased/) }]);
    const ups = await ctx.api('collector').post(`/api/v1/collections/${collection.id}/devices`).send(deviceInput({ kind: 'other', specs: null }));
    expect(ups.status, JSON.stringify(ups.body)).toBe(201);
  });

  it('when an administrator made a laptop a monitor and it is reconditioned, then turning it back into a laptop is refused and it stays a ready monitor', async () => {
    const [device] = await intake(ctx);
    expect((await patch(device.id, { kind: 'monitor', specs: null }, 'admin')).status).toBe(200);
    const reconditioned = await ctx.api('collector').post(`/api/v1/devices/${device.id}/recondition`).send({ grade: 'B' });
    expect(reconditioned.status, JSON.stringify(reconditioned.body)).toBe(200);
    const back = await patch(device.id, { kind: 'laptop' });
    expectKindRefused(back, /only .* while the device is collected \(it is ready\)/);
    expect(back.body.detail).toContain(device.assetTag);
    expect((await ctx.api().get(`/api/v1/devices/${device.id}`)).body).toMatchObject({ kind: 'monitor', status: 'ready' });
  });

  it('when a laptop has an erasure record, then it cannot become a monitor and still counts as awaiting erasure; another data-bearing kind is fine', async () => {
    const [device] = await intake(ctx);
    const erased = await ctx.api('collector').post(`/api/v1/devices/${device.id}/erasure`).send(erasureInput({ result: 'failed' }));
    expect(erased.status, JSON.stringify(erased.body)).toBe(201);
    const before = await awaitingErasureTotal();
    expectKindRefused(await patch(device.id, { kind: 'monitor', specs: null }, 'admin'), /erasure record/);
    expect(await awaitingErasureTotal()).toBe(before);
    const desktop = await patch(device.id, { kind: 'desktop' });
    expect(desktop.status, JSON.stringify(desktop.body)).toBe(200);
    expect(await awaitingErasureTotal()).toBe(before);
  });

  it('when a monitor sits in an open shipment, then it cannot become a laptop (credits 1 instead of 0.25)', async () => {
    const [monitor] = await intake(ctx, [deviceInput({ kind: 'monitor' })]);
    const shipment = await openShipment(ctx);
    await addCodes(ctx, shipment.id, [monitor.assetTag]);
    const res = await patch(monitor.id, { kind: 'laptop' });
    expectKindRefused(res, /in shipment/);
    expect(res.body).toMatchObject({ shipmentId: shipment.id, shipmentReference: shipment.reference });
    const dispatched = await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/dispatch`).send({});
    expect(dispatched.status).toBe(200);
    expect(dispatched.body.credits).toBe(0.25);
  });

  it('when a shipment is dispatched, then a later kind change is refused and its credits stay as they were', async () => {
    const devices = await intake(ctx, [deviceInput({ kind: 'monitor' }), deviceInput()]);
    const shipment = await ship(ctx, devices);
    expect(shipment.credits).toBe(1.25);
    expectKindRefused(await patch(devices[0].id, { kind: 'laptop' }), /it is shipped/);
    expectKindRefused(await patch(devices[1].id, { kind: 'monitor', specs: null }, 'admin'), /it is shipped/);
    expect((await ctx.api().get(`/api/v1/shipments/${shipment.id}`)).body.credits).toBe(1.25);
    // Not the kind: other fields stay editable.
    expect((await patch(devices[1].id, { notes: 'rayure sur le capot' })).status).toBe(200);
  });
});
