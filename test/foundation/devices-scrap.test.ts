import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { deviceInput, donorInput, intake } from '../helpers/factories.js';
import { addCodes, openShipment } from '../exchange/helpers.js';

const ctx = useTestApp();

const INVISIBLE = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00a0', ' \u200b\u2060 ', '\u202f\u200e'];

describe('blank text', () => {
  it.each(INVISIBLE.map((s) => [JSON.stringify(s), s]))('when a destruction certificate is only %s, then 400 names it and the device is not scrapped', async (_, blank) => {
    const [device] = await intake(ctx);
    const res = await ctx.api('collector').post(`/api/v1/devices/${device.id}/scrap`).send({ reason: 'x', destructionCertificate: blank });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.errors).toEqual([{ path: 'destructionCertificate', message: 'must not be empty' }]);
    expect((await ctx.api().get(`/api/v1/devices/${device.id}`)).body.status).toBe('collected');
  });

  it('when a scrapping reason or a donor’s name is a zero-width space, then 400 names the field', async () => {
    const [device] = await intake(ctx);
    const scrap = await ctx.api('collector').post(`/api/v1/devices/${device.id}/scrap`).send({ reason: '\u200b', destructionCertificate: 'CD-1' });
    expect(scrap.status).toBe(400);
    expect(scrap.body.errors).toEqual([{ path: 'reason', message: 'must not be empty' }]);
    const donor = await ctx.api('collector').post('/api/v1/donors').send(donorInput({ name: '\u2060\u200b' }));
    expect(donor.status).toBe(400);
    expect(donor.body.errors).toContainEqual({ path: 'name', message: 'must not be empty' });
  });

  it('when a certificate holds a zero-width space among visible text, then it is accepted as typed', async () => {
    const [device] = await intake(ctx);
    const res = await ctx.api('collector').post(`/api/v1/devices/${device.id}/scrap`).send({ reason: 'écran cassé', destructionCertificate: 'CD-2026\u200b-01' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });
});

describe('scrapping a device packed in a shipment', () => {
  it('when the device is in an open shipment, then 409 names the shipment; removed from it, it can be scrapped and the shipment still leaves', async () => {
    const [packed, other] = await intake(ctx, [deviceInput(), deviceInput()]);
    const shipment = await openShipment(ctx);
    await addCodes(ctx, shipment.id, [packed.assetTag, other.assetTag]);
    const refused = await ctx.api('collector').post(`/api/v1/devices/${packed.id}/scrap`).send({ reason: 'écran cassé', destructionCertificate: 'CD-3' });
    expect(refused.status).toBe(409);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.body).toMatchObject({ shipmentId: shipment.id, shipmentReference: shipment.reference });
    expect(refused.body.detail).toContain(shipment.reference);
    expect((await ctx.api().get(`/api/v1/devices/${packed.id}`)).body.status).toBe('collected');

    expect((await ctx.api('collector').delete(`/api/v1/shipments/${shipment.id}/items/${packed.id}`)).status).toBe(204);
    const scrapped = await ctx.api('collector').post(`/api/v1/devices/${packed.id}/scrap`).send({ reason: 'écran cassé', destructionCertificate: 'CD-3' });
    expect(scrapped.status, JSON.stringify(scrapped.body)).toBe(200);
    const dispatched = await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/dispatch`).send({});
    expect(dispatched.status, JSON.stringify(dispatched.body)).toBe(200);
    expect(dispatched.body.itemCount).toBe(1);
  });
});
