import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { collectedOn, deviceInput, intake } from '../helpers/factories.js';
import { addCodes, attestationOn, openShipment, ship } from './helpers.js';

const ctx = useTestApp();

describe('deliveries from the reconditioner', () => {
  it('when a shipped device and a new unit are delivered, then both are ready, the new one with a tag and origin reconditioner', async () => {
    const [shipped] = await intake(ctx, [deviceInput()], await collectedOn(ctx, '2025-01-06'));
    await ship(ctx, [shipped], '2025-11-28');
    const newUnit = deviceInput({ brand: 'Dell', model: 'Latitude 5490', grade: 'A' });
    const res = await ctx.api('reconditioner').post('/api/v1/deliveries').send({
      receivedOn: '2025-12-01',
      reference: 'BL-TRIRA-0042',
      items: [{ code: shipped.serialNumber, erasure: attestationOn('2025-12-01') }, { ...newUnit, erasure: attestationOn('2025-12-01', { storage: [] }) }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ reference: 'BL-TRIRA-0042', receivedOn: '2025-12-01', itemCount: 2, newUnits: 1, returnedUnits: 1 });
    const [back, fresh] = res.body.items;
    expect(back).toMatchObject({ isNew: false, device: { id: shipped.id, status: 'ready', origin: 'donation' } });
    expect(fresh).toMatchObject({ isNew: true, device: { status: 'ready', origin: 'reconditioner', serialNumber: newUnit.serialNumber, collectionId: null } });
    expect(fresh.device.assetTag).toMatch(/^OP-\d{6}$/);
    const events = await ctx.api().get(`/api/v1/devices/${fresh.device.id}/events`);
    expect(events.body.items.map((e: { type: string; fromStatus: string | null }) => [e.type, e.fromStatus])).toEqual([['erasure', null], ['deliver', null]]);
    const backEvents = await ctx.api().get(`/api/v1/devices/${shipped.id}/events`);
    expect(backEvents.body.items.find((e: { type: string }) => e.type === 'deliver')).toMatchObject({ fromStatus: 'shipped', toStatus: 'ready' });
    const erasures = await ctx.api().get(`/api/v1/devices/${shipped.id}/erasures`);
    expect(erasures.body.items).toEqual([expect.objectContaining({ deliveryId: res.body.id, counts: true })]);
    const read = await ctx.api('viewer').get(`/api/v1/deliveries/${res.body.id}`);
    expect(read.body.items.map((i: { device: { id: string } }) => i.device.id)).toEqual([shipped.id, fresh.device.id]);
  });

  it('when one item cannot be delivered, then nothing is delivered', async () => {
    const [shipped, notShipped] = await intake(ctx, [deviceInput(), deviceInput()], await collectedOn(ctx, '2025-01-06'));
    await ship(ctx, [shipped], '2025-11-28');
    const newUnit = deviceInput();
    const res = await ctx.api('reconditioner').post('/api/v1/deliveries').send({
      receivedOn: '2025-12-02', reference: 'BL-2', items: [{ code: shipped.assetTag }, newUnit, { code: notShipped.assetTag }],
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ deviceId: notShipped.id, currentStatus: 'collected' });
    expect((await ctx.api().get(`/api/v1/devices/${shipped.id}`)).body.status).toBe('shipped');
    expect((await ctx.api().get(`/api/v1/scan/${newUnit.serialNumber}`)).status).toBe(404);
  });

  it('when a code is unknown or repeated, then 422 points at the item', async () => {
    const [shipped] = await intake(ctx, [deviceInput()], await collectedOn(ctx, '2025-01-06'));
    await ship(ctx, [shipped], '2025-11-28');
    const res = await ctx.api('reconditioner').post('/api/v1/deliveries').send({
      receivedOn: '2025-12-02', reference: 'BL-3', items: [{ code: 'OP-999997' }, { code: shipped.assetTag }, { code: shipped.serialNumber }],
    });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      { path: 'items.0.code', message: 'no device has this code' },
      { path: 'items.2.code', message: `${shipped.assetTag} appears twice` },
    ]);
  });

  it('when a device reported missing turns up in a delivery, then its missing flag is cleared', async () => {
    const [device] = await intake(ctx, [deviceInput()], await collectedOn(ctx, '2025-01-06'));
    const shipment = await openShipment(ctx);
    await addCodes(ctx, shipment.id, [device.assetTag]);
    await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/dispatch`).send({ dispatchedOn: '2025-11-28' }).expect(200);
    await ctx.api('reconditioner').post(`/api/v1/shipments/${shipment.id}/acknowledge`).send({ missing: [device.assetTag] }).expect(200);
    expect((await ctx.api().get(`/api/v1/devices/${device.id}`)).body.missingSince).not.toBeNull();
    await ctx.api('reconditioner').post('/api/v1/deliveries').send({ receivedOn: '2025-12-03', reference: 'BL-4', items: [{ code: device.assetTag, erasure: attestationOn('2025-12-03') }] }).expect(201);
    expect((await ctx.api().get(`/api/v1/devices/${device.id}`)).body).toMatchObject({ status: 'ready', missingSince: null });
  });

  it('when a viewer posts a delivery, then 403', async () => {
    const res = await ctx.api('viewer').post('/api/v1/deliveries').send({ receivedOn: '2025-12-02', reference: 'x', items: [deviceInput()] });
    expect(res.status).toBe(403);
  });
});
