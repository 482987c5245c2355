import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { createCollection, deviceInput, intake } from '../helpers/factories.js';

const ctx = useTestApp();

describe('device intake', () => {
  it('when one device is sent, then it gets the next asset tag and is collected', async () => {
    const collection = await createCollection(ctx);
    const res = await ctx.api('collector').post(`/api/v1/collections/${collection.id}/devices`).send(deviceInput({ serialNumber: ' 5cg 1234 xyz ' }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ assetTag: expect.stringMatching(/^OP-\d{6}$/), status: 'collected', serialNumber: '5CG1234XYZ', origin: 'donation' });
    const events = await ctx.api('viewer').get(`/api/v1/devices/${res.body.id}/events`);
    expect(events.body.items).toEqual([expect.objectContaining({ type: 'intake', toStatus: 'collected', actor: 'test collector' })]);
  });

  it('when 50 intakes race, then their asset tags are unique and consecutive', async () => {
    const collection = await createCollection(ctx);
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => ctx.api('collector').post(`/api/v1/collections/${collection.id}/devices`).send(deviceInput())),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(201));
    const numbers = answers.map((a) => Number(a.body.assetTag.slice(3))).sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(50);
    expect(numbers[49] - numbers[0]).toBe(49);
  });

  it('when a serial is already held by a live device, then 409 names its asset tag and nothing is written', async () => {
    const [held] = await intake(ctx);
    const collection = await createCollection(ctx);
    const res = await ctx.api('collector').post(`/api/v1/collections/${collection.id}/devices`).send([deviceInput(), deviceInput({ serialNumber: held.serialNumber!.toLowerCase() })]);
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ assetTag: held.assetTag, deviceId: held.id });
    expect(res.body.detail).toContain(held.assetTag);
    const list = await ctx.api().get(`/api/v1/devices?collectionId=${collection.id}`);
    expect(list.body.items).toEqual([]);
  });

  it('when the same Idempotency-Key is replayed, then one device exists and the answer is the same', async () => {
    const collection = await createCollection(ctx);
    const body = deviceInput();
    const send = () => ctx.api('collector').post(`/api/v1/collections/${collection.id}/devices`).set('Idempotency-Key', 'scan-42').send(body);
    const first = await send();
    const second = await send();
    expect(second.status).toBe(first.status);
    expect(second.body).toEqual(first.body);
    const list = await ctx.api().get(`/api/v1/devices?collectionId=${collection.id}`);
    expect(list.body.items).toHaveLength(1);
    const other = await ctx.api('collector').post(`/api/v1/collections/${collection.id}/devices`).set('Idempotency-Key', 'scan-42').send(deviceInput());
    expect(other.status).toBe(422);
  });
});

describe('finding and changing devices', () => {
  it('when a stale If-Match is sent, then PATCH answers 412', async () => {
    const [device] = await intake(ctx);
    const read = await ctx.api().get(`/api/v1/devices/${device.id}`);
    const etag = read.headers.etag;
    const ok = await ctx.api('collector').patch(`/api/v1/devices/${device.id}`).set('If-Match', etag).send({ model: 'EliteBook 850 G5' });
    expect(ok.status).toBe(200);
    const stale = await ctx.api('collector').patch(`/api/v1/devices/${device.id}`).set('If-Match', etag).send({ model: 'x' });
    expect(stale.status).toBe(412);
    expect((await ctx.api().get(`/api/v1/devices/${device.id}`)).body.model).toBe('EliteBook 850 G5');
  });

  it('when a status is patched, then 400 names the field', async () => {
    const [device] = await intake(ctx);
    const res = await ctx.api('collector').patch(`/api/v1/devices/${device.id}`).send({ status: 'ready' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toContainEqual({ path: 'status', message: 'unknown field' });
  });

  it('when scanning a tag, a serial or a label URL, then the same device is found', async () => {
    const [device] = await intake(ctx);
    for (const code of [device.assetTag.toLowerCase(), device.serialNumber!.toLowerCase(), `https://ordi.example.fr/d/${device.assetTag}`]) {
      const res = await ctx.api('viewer').get(`/api/v1/scan/${encodeURIComponent(code)}`);
      expect(res.status, code).toBe(200);
      expect(res.body.id).toBe(device.id);
    }
    expect((await ctx.api('viewer').get('/api/v1/scan/NOPE-1')).status).toBe(404);
  });

  it('when a device is scrapped twice, then the second answer is 409 naming the status and allowed actions', async () => {
    const [device] = await intake(ctx);
    const first = await ctx.api('collector').post(`/api/v1/devices/${device.id}/scrap`).send({ reason: 'écran cassé', destructionCertificate: 'CD-TEST-0001' });
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('scrapped');
    const second = await ctx.api('collector').post(`/api/v1/devices/${device.id}/scrap`).send({ reason: 'again' });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ currentStatus: 'scrapped', allowedActions: [] });
  });

  it('when listing with a status filter, then pages follow the cursor without repeats', async () => {
    const collection = await createCollection(ctx);
    await intake(ctx, Array.from({ length: 7 }, () => deviceInput({ kind: 'desktop' })), collection.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await ctx.api('viewer').get(`/api/v1/devices?collectionId=${collection.id}&status=collected&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((d: { assetTag: string }) => d.assetTag));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect([...seen].sort()).toEqual(seen);
  });
});
