import { describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/transaction.js';
import { appendEvents } from '../../src/modules/devices/lifecycle.js';
import { dialect, useTestApp } from '../helpers/app.js';
import { createCollection, deviceInput, intake } from '../helpers/factories.js';

const ctx = useTestApp();

interface FeedEvent {
  cursor: string;
  id: string;
  deviceId: string;
  assetTag: string;
  type: string;
  fromStatus: string | null;
  toStatus: string | null;
  at: string;
  actor: string;
}

/** A consumer as the README describes it: follow nextCursor, fold each event's toStatus. */
class Consumer {
  cursor: string | undefined;
  statuses = new Map<string, string>();
  seen: number[] = [];

  async poll(): Promise<boolean> {
    const res = await ctx.api('viewer').get(`/api/v1/events?limit=37${this.cursor ? `&after=${this.cursor}` : ''}`);
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toEqual(expect.any(String));
    for (const event of res.body.items as FeedEvent[]) {
      this.seen.push(Number(event.cursor));
      if (event.toStatus) this.statuses.set(event.deviceId, event.toStatus);
    }
    this.cursor = res.body.nextCursor;
    return res.body.hasMore;
  }

  async catchUp(): Promise<void> {
    while (await this.poll());
  }
}

async function listStatuses(): Promise<Map<string, string>> {
  const statuses = new Map<string, string>();
  let cursor: string | null = null;
  do {
    const res = await ctx.api('viewer').get(`/api/v1/devices?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    for (const d of res.body.items as { id: string; status: string }[]) statuses.set(d.id, d.status);
    cursor = res.body.nextCursor;
  } while (cursor);
  return statuses;
}

describe('change feed', () => {
  it('when events are read from the start, then each carries its cursor, device, asset tag, statuses, time and actor', async () => {
    const [device] = await intake(ctx, [deviceInput()]);
    await ctx.api('collector').post(`/api/v1/devices/${device.id}/scrap`).send({ reason: 'cassé', destructionCertificate: 'CD-TEST-0001' });
    const consumer = new Consumer();
    await consumer.catchUp();
    const res = await ctx.api('viewer').get(`/api/v1/events?limit=500`);
    const mine = (res.body.items as FeedEvent[]).filter((e) => e.deviceId === device.id);
    expect(mine).toEqual([
      expect.objectContaining({ type: 'intake', assetTag: device.assetTag, fromStatus: null, toStatus: 'collected', actor: 'test collector' }),
      expect.objectContaining({ type: 'scrap', fromStatus: 'collected', toStatus: 'scrapped', actor: 'test collector' }),
    ]);
    expect(mine[0].cursor).toBe(mine[0].id);
    expect(Date.parse(mine[1].at)).toBeGreaterThanOrEqual(Date.parse(mine[0].at));
  });

  it('when the last page is reached, then nextCursor stays there so the consumer can poll', async () => {
    const consumer = new Consumer();
    await consumer.catchUp();
    const end = consumer.cursor!;
    const idle = await ctx.api('viewer').get(`/api/v1/events?after=${end}`);
    expect(idle.body).toEqual({ items: [], nextCursor: end, hasMore: false });
    const [device] = await intake(ctx, [deviceInput()]);
    const next = await ctx.api('viewer').get(`/api/v1/events?after=${end}`);
    expect(next.body.items.map((e: FeedEvent) => e.deviceId)).toEqual([device.id]);
    expect(Number(next.body.nextCursor)).toBeGreaterThan(Number(end));
  });

  it('when the cursor is not one the feed gives, then 400 names it', async () => {
    const res = await ctx.api('viewer').get('/api/v1/events?after=abc');
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('query.after');
  });

  it('when 4 writers run while a consumer follows the feed, then it ends with the statuses the list shows, no event missed or repeated', async () => {
    const consumer = new Consumer();
    await consumer.catchUp();
    const before = consumer.seen.length;
    const collection = await createCollection(ctx);
    const ROUNDS = 6;
    let writing = true;
    const writer = async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const devices = await intake(ctx, Array.from({ length: 5 }, () => deviceInput()), collection.id);
        const answers = await Promise.all([
          ctx.api('collector').patch(`/api/v1/devices/${devices[0].id}`).send({ grade: 'A' }),
          ctx.api('collector').post(`/api/v1/devices/${devices[1].id}/scrap`).send({ reason: 'HS', destructionCertificate: 'CD-TEST-0001' }),
          ctx.api('collector').post(`/api/v1/devices/${devices[2].id}/scrap`).send({ reason: 'HS', destructionCertificate: 'CD-TEST-0001' }),
        ]);
        expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
      }
    };
    const following = (async () => {
      while (writing) await consumer.poll();
    })();
    await Promise.all([writer(), writer(), writer(), writer()]);
    writing = false;
    await following;
    await consumer.catchUp();

    const fresh = consumer.seen.slice(before);
    expect(fresh).toHaveLength(4 * ROUNDS * (5 + 1 + 2));
    expect(new Set(consumer.seen).size).toBe(consumer.seen.length);
    expect(consumer.seen).toEqual([...consumer.seen].sort((a, b) => a - b));
    expect(consumer.statuses).toEqual(await listStatuses());
  });

  // On PostgreSQL an id is taken at insert time, not at commit: without appendEvents' advisory
  // lock a later transaction could commit id n+1 while n is still open, and a reader would skip n.
  it.runIf(dialect === 'postgres')('when an event-writing transaction is open, then a later one waits for it and the feed shows both in id order', async () => {
    const [first, second] = await intake(ctx, [deviceInput(), deviceInput()]);
    const consumer = new Consumer();
    await consumer.catchUp();
    const end = consumer.cursor!;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let signalInserted!: () => void;
    const inserted = new Promise<void>((resolve) => (signalInserted = resolve));
    const update = (deviceId: string, actor: string) => ({ deviceId, type: 'update', fromStatus: 'collected' as const, toStatus: 'collected' as const, actor });

    const older = inTransaction(ctx.db, async (trx) => {
      await appendEvents(trx, [update(first.id, 'older')]);
      signalInserted();
      await held;
    });
    await inserted;
    let laterCommitted = false;
    const later = inTransaction(ctx.db, (trx) => appendEvents(trx, [update(second.id, 'later')])).then(() => (laterCommitted = true));
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(laterCommitted).toBe(false);
      expect((await ctx.api('viewer').get(`/api/v1/events?after=${end}`)).body.items).toEqual([]);
    } finally {
      release();
      await Promise.all([older, later]);
    }
    const res = await ctx.api('viewer').get(`/api/v1/events?after=${end}`);
    expect(res.body.items.map((e: FeedEvent) => e.actor)).toEqual(['older', 'later']);
  });
});

describe('a cursor the feed never gave', () => {
  it('when `after` points beyond the last event, then the answer is 400 naming it, and the last cursor itself still polls', async () => {
    await intake(ctx, [deviceInput()]);
    const consumer = new Consumer();
    await consumer.catchUp();
    const end = Number(consumer.cursor);
    expect((await ctx.api('viewer').get(`/api/v1/events?after=${end}`)).status).toBe(200);
    for (const after of [end + 1, 999_999_999_999_999]) {
      const res = await ctx.api('viewer').get(`/api/v1/events?after=${after}`);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.errors).toEqual([{ path: 'query.after', message: `cursor beyond the last event (${end})` }]);
    }
  });
});
