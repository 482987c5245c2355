import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { createCollection, createDonor, deviceInput, intake } from '../helpers/factories.js';

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
