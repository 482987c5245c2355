import { describe, expect, it } from 'vitest';
import { dayInParis } from '../../src/clock.js';
import { useTestApp } from '../helpers/app.js';
import { createCollection, deviceInput, intake } from '../helpers/factories.js';
import { erasureInput } from '../exchange/helpers.js';
import { move } from '../helpers/lifecycle.js';

const ctx = useTestApp();

const zeros = { laptop: 0, desktop: 0, all_in_one: 0, monitor: 0, tablet: 0, smartphone: 0, printer: 0, peripheral: 0, other: 0 };

describe('inventory summary', () => {
  it('when devices have moved through the lifecycle and been erased, then the summary counts them as worked out by hand', async () => {
    const [l1, l2, l3, l4, , d1, m1, m2] = await intake(ctx, [
      deviceInput({ kind: 'laptop' }),
      deviceInput({ kind: 'laptop' }),
      deviceInput({ kind: 'laptop' }),
      deviceInput({ kind: 'laptop' }),
      deviceInput({ kind: 'laptop' }),
      deviceInput({ kind: 'desktop', grade: 'A' }),
      deviceInput({ kind: 'monitor', grade: null }),
      deviceInput({ kind: 'monitor' }),
    ]);
    const erase = async (id: string, overrides: Record<string, unknown> = {}) =>
      expect((await ctx.api('collector').post(`/api/v1/devices/${id}/erasure`).send(erasureInput(overrides))).status).toBe(201);
    // l1: purged, reconditioned, installed and returned: its purge predates the home, it counts no more
    await erase(l1.id);
    await move(ctx, [l1.id], 'recondition', 'schedule', 'complete', 'return');
    await erase(l2.id); // purged, still collected: cleared
    await erase(l3.id, { method: 'nist-800-88-clear' }); // a Clear does not qualify for reuse
    await erase(l4.id, { result: 'failed' });
    await move(ctx, [d1.id], 'recondition'); // ready, grade A
    await move(ctx, [m2.id], 'scrap');

    const res = await ctx.api('viewer').get('/api/v1/inventory/summary');
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(8);
    expect(res.body.byStatus).toEqual({
      collected: { total: 5, byKind: { ...zeros, laptop: 4, monitor: 1 } },
      shipped: { total: 0, byKind: zeros },
      ready: { total: 1, byKind: { ...zeros, desktop: 1 } },
      reserved: { total: 0, byKind: zeros },
      installed: { total: 0, byKind: zeros },
      returned: { total: 1, byKind: { ...zeros, laptop: 1 } },
      scrapped: { total: 1, byKind: { ...zeros, monitor: 1 } },
    });
    expect(res.body.readyStock).toEqual([{ kind: 'desktop', grade: 'A', count: 1 }]);
    // l3 (Clear), l4 (failed), the fifth laptop (no record) and l1 (returned since its purge); monitors hold no data.
    expect(res.body.awaitingErasure).toEqual({
      total: 4,
      items: [
        { kind: 'laptop', status: 'collected', count: 3 },
        { kind: 'laptop', status: 'returned', count: 1 },
      ],
    });
    // The same rule as reconditioning: l2 may be reconditioned, l3 may not.
    expect((await ctx.api('collector').post(`/api/v1/devices/${l3.id}/recondition`).send({ grade: 'B' })).status).toBe(409);
    const oldest = Object.fromEntries(res.body.oldestByStatus.map((o: { status: string; assetTag: string }) => [o.status, o.assetTag]));
    // Same intake batch: l2 is the first of those still collected.
    expect(oldest).toEqual({ collected: l2.assetTag, ready: d1.assetTag, returned: l1.assetTag, scrapped: m2.assetTag });
    const collected = res.body.oldestByStatus[0];
    expect(collected).toMatchObject({ status: 'collected', deviceId: l2.id, since: expect.any(String) });
    // Waiting since the collection's day, not since it was typed (today).
    const { collectionId } = (await ctx.api().get(`/api/v1/devices/${l2.id}`)).body;
    expect(collected.sinceOn).toBe((await ctx.api().get(`/api/v1/collections/${collectionId}`)).body.collectedOn);
    expect(collected.waitingDays).toBe(Math.round((Date.parse(dayInParis(ctx.clock.now())) - Date.parse(collected.sinceOn)) / 86_400_000));
    expect(collected.waitingDays).toBeGreaterThan(0);
    expect(m1.status).toBe('collected');
  });

  it('when devices are typed in weeks after they were collected, then the one collected first has waited longest, whatever the order they were typed in', async () => {
    const [late] = await intake(ctx, [deviceInput({ kind: 'peripheral', specs: null })], (await createCollection(ctx, { collectedOn: '2026-10-20' })).id);
    const [early] = await intake(ctx, [deviceInput({ kind: 'peripheral', specs: null })], (await createCollection(ctx, { collectedOn: '2026-09-01' })).id);
    const body = (await ctx.api('viewer').get('/api/v1/inventory/summary')).body;
    const collected = body.oldestByStatus.find((o: { status: string }) => o.status === 'collected');
    expect(collected).toMatchObject({ assetTag: early.assetTag, sinceOn: '2026-09-01' });
    expect(late.assetTag < early.assetTag).toBe(true);
  });

  it('when the oldest device of a status leaves it and comes back, then the next one becomes the oldest', async () => {
    const [a, b] = await intake(ctx, [deviceInput({ kind: 'tablet' }), deviceInput({ kind: 'tablet' })]);
    await move(ctx, [a.id, b.id], 'recondition');
    await move(ctx, [a.id], 'schedule');
    await move(ctx, [b.id], 'schedule');
    const oldestReserved = async () =>
      (await ctx.api('viewer').get('/api/v1/inventory/summary')).body.oldestByStatus.find((o: { status: string }) => o.status === 'reserved').assetTag;
    expect(await oldestReserved()).toBe(a.assetTag);
    await move(ctx, [a.id], 'cancel', 'schedule');
    expect(await oldestReserved()).toBe(b.assetTag);
  });

  it('when nothing changed, then If-None-Match answers 304; after a change, 200 with a new ETag', async () => {
    const first = await ctx.api('viewer').get('/api/v1/inventory/summary');
    const etag = first.headers.etag;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await ctx.api('viewer').get('/api/v1/inventory/summary').set('If-None-Match', etag);
    expect(again.status).toBe(304);
    expect(again.text ?? '').toBe('');
    // No body, so neither a JSON content type nor a length that a client would try to read.
    expect(again.headers['content-type']).toBeUndefined();
    expect(again.headers['content-length']).toBeUndefined();
    expect(again.headers.etag).toBe(etag);
    await intake(ctx, [deviceInput({ kind: 'printer' })]);
    const changed = await ctx.api('viewer').get('/api/v1/inventory/summary').set('If-None-Match', etag);
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.body.byStatus.collected.byKind.printer).toBe(1);
  });

  it('when a device is read with its ETag, then If-None-Match answers 304 until it changes', async () => {
    const [device] = await intake(ctx);
    const read = await ctx.api('viewer').get(`/api/v1/devices/${device.id}`);
    expect((await ctx.api('viewer').get(`/api/v1/devices/${device.id}`).set('If-None-Match', read.headers.etag)).status).toBe(304);
    await ctx.api('collector').patch(`/api/v1/devices/${device.id}`).send({ grade: 'C' });
    expect((await ctx.api('viewer').get(`/api/v1/devices/${device.id}`).set('If-None-Match', read.headers.etag)).status).toBe(200);
  });
});
