import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { createCollection, createDonor, deviceInput, intake } from '../helpers/factories.js';
import { move } from '../helpers/lifecycle.js';

const ctx = useTestApp();

describe('collections', () => {
  it("when no address is given, then the collection takes the donor's", async () => {
    const donor = await createDonor(ctx, { addressLine: '110 rue Sainte-Rose', postcode: '73000', city: 'Chambéry' });
    const res = await ctx.api('collector').post('/api/v1/collections').send({ donorId: donor.id, collectedOn: '2026-10-15', notes: 'Quai de chargement B' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      donorId: donor.id,
      donor: { id: donor.id, name: donor.name, kind: 'company' },
      collectedOn: '2026-10-15',
      addressLine: '110 rue Sainte-Rose',
      postcode: '73000',
      city: 'Chambéry',
      notes: 'Quai de chargement B',
      deviceCount: 0,
      totalWeightKg: 0,
      createdBy: 'test collector',
    });
  });

  it('when an address is given, then it replaces the donor’s as a whole', async () => {
    const donor = await createDonor(ctx);
    const res = await ctx.api('collector').post('/api/v1/collections').send({ donorId: donor.id, collectedOn: '2026-10-16', city: 'Aix-les-Bains' });
    expect(res.body).toMatchObject({ addressLine: null, postcode: null, city: 'Aix-les-Bains' });
  });

  it('when devices are taken in, then the collection counts them and sums their weight', async () => {
    const collection = await createCollection(ctx);
    await intake(ctx, [deviceInput({ weightKg: 1.4 }), deviceInput({ weightKg: 7.25, kind: 'desktop' }), deviceInput({ weightKg: null, kind: 'peripheral' })], collection.id);
    const res = await ctx.api('viewer').get(`/api/v1/collections/${collection.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ deviceCount: 3, totalWeightKg: 8.65 });
    const listed = await ctx.api('viewer').get(`/api/v1/collections?donorId=${collection.donorId}`);
    expect(listed.body.items).toEqual([expect.objectContaining({ id: collection.id, deviceCount: 3, totalWeightKg: 8.65 })]);
  });

  it('when listing by donor and date range, then only matching collections come, page by page', async () => {
    const donor = await createDonor(ctx);
    const dates = ['2026-01-10', '2026-02-10', '2026-03-10', '2026-04-10'];
    for (const collectedOn of dates) await createCollection(ctx, { donorId: donor.id, collectedOn });
    const res = await ctx.api('viewer').get(`/api/v1/collections?donorId=${donor.id}&from=2026-02-01&to=2026-03-31`);
    expect(res.body.items.map((c: { collectedOn: string }) => c.collectedOn)).toEqual(['2026-02-10', '2026-03-10']);
    const first = await ctx.api('viewer').get(`/api/v1/collections?donorId=${donor.id}&limit=3`);
    expect(first.body.items).toHaveLength(3);
    const second = await ctx.api('viewer').get(`/api/v1/collections?donorId=${donor.id}&limit=3&cursor=${first.body.nextCursor}`);
    expect(second.body).toMatchObject({ items: [expect.objectContaining({ collectedOn: '2026-04-10' })], nextCursor: null });
  });

  it('when listing newest first by part of the donor’s name and a status of their devices, then only those come, page by page, latest date first', async () => {
    const donor = await createDonor(ctx, { name: 'Chartreuse Numérique' });
    const days = ['2026-09-01', '2026-11-15', '2026-10-01'];
    const made = [];
    for (const collectedOn of days) made.push(await createCollection(ctx, { donorId: donor.id, collectedOn }));
    const [first] = await intake(ctx, [deviceInput()], made[0].id);
    await intake(ctx, [deviceInput()], made[2].id);
    await move(ctx, [first.id], 'dispatch');

    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const res = await ctx.api('viewer').get('/api/v1/collections').query({ q: 'chartreuse', order: 'newest', limit: 2, ...(cursor ? { cursor } : {}) }).expect(200);
      pages.push(res.body.items.map((c: { collectedOn: string }) => c.collectedOn));
      cursor = res.body.nextCursor ?? undefined;
    } while (cursor);
    expect(pages).toEqual([['2026-11-15', '2026-10-01'], ['2026-09-01']]);

    const shipped = await ctx.api('viewer').get('/api/v1/collections').query({ q: 'CHARTREUSE', deviceStatus: 'shipped' }).expect(200);
    expect(shipped.body.items.map((c: { id: string }) => c.id)).toEqual([made[0].id]);
    const collected = await ctx.api('viewer').get('/api/v1/collections').query({ q: 'chartreuse', deviceStatus: 'collected' }).expect(200);
    expect(collected.body.items.map((c: { id: string }) => c.id)).toEqual([made[2].id]);
    // A cursor of the oldest-first order is refused by the newest-first one.
    const plain = await ctx.api('viewer').get('/api/v1/collections').query({ q: 'chartreuse', limit: 1 }).expect(200);
    await ctx.api('viewer').get('/api/v1/collections').query({ order: 'newest', cursor: plain.body.nextCursor }).expect(400);
  });

  it('when the donor does not exist or the date is not real, then the answer names the field', async () => {
    const missing = await ctx.api('collector').post('/api/v1/collections').send({ donorId: 'nosuchdonor', collectedOn: '2026-10-15' });
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toEqual([{ path: 'donorId', message: 'no such donor' }]);
    const donor = await createDonor(ctx);
    const bad = await ctx.api('collector').post('/api/v1/collections').send({ donorId: donor.id, collectedOn: '2026-02-30' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ path: 'collectedOn', message: 'not a real date' }]);
    expect((await ctx.api('viewer').get('/api/v1/collections/nosuchcollection')).status).toBe(404);
    expect((await ctx.api('reconditioner').post('/api/v1/collections').send({ donorId: donor.id, collectedOn: '2026-10-15' })).status).toBe(403);
  });
});
