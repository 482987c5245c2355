import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { deviceInput, intake } from '../helpers/factories.js';
import { addCodes, erasureInput, openShipment, ship } from '../exchange/helpers.js';

const ctx = useTestApp();

const patch = (id: string, body: Record<string, unknown>) => ctx.api('collector').patch(`/api/v1/devices/${id}`).send(body);

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
  it('when a collected laptop is corrected to a monitor, then the history records the old and the new kind', async () => {
    const [device] = await intake(ctx);
    const res = await patch(device.id, { kind: 'monitor', specs: null });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.kind).toBe('monitor');
    const events = (await ctx.api('viewer').get(`/api/v1/devices/${device.id}/events`)).body.items;
    expect(events.at(-1)).toMatchObject({ type: 'update', details: { changed: expect.arrayContaining(['kind']), kind: { from: 'laptop', to: 'monitor' } } });
  });

  it('when a laptop made a monitor is reconditioned without erasure, then turning it back into a laptop is refused and it stays a ready monitor', async () => {
    const [device] = await intake(ctx);
    expect((await patch(device.id, { kind: 'monitor', specs: null })).status).toBe(200);
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
    expectKindRefused(await patch(device.id, { kind: 'monitor', specs: null }), /erasure record/);
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
    expectKindRefused(await patch(devices[1].id, { kind: 'monitor', specs: null }), /it is shipped/);
    expect((await ctx.api().get(`/api/v1/shipments/${shipment.id}`)).body.credits).toBe(1.25);
    // Not the kind: other fields stay editable.
    expect((await patch(devices[1].id, { notes: 'rayure sur le capot' })).status).toBe(200);
  });
});
