import { describe, expect, it } from 'vitest';
import { hashKey } from '../../src/modules/api-keys/service.js';
import { newId } from '../../src/db/ids.js';
import { inTransaction, nowIso } from '../../src/db/transaction.js';
import { useTestApp } from '../helpers/app.js';
import { createCollection, deviceInput, intake } from '../helpers/factories.js';
import { insertNewDevices } from '../../src/modules/devices/intake.js';
import { resolveCode } from '../../src/modules/devices/service.js';

const ctx = useTestApp();

/** Runs `during` while a write transaction holds uncommitted rows, then rolls it back. */
async function whileUncommitted<T>(write: Parameters<typeof inTransaction>[1], during: () => Promise<T>): Promise<T> {
  let release!: () => void;
  let started!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const ready = new Promise<void>((resolve) => (started = resolve));
  const rolledBack = inTransaction(ctx.db, async (trx) => {
    await write(trx);
    started();
    await held;
    throw new Error('rollback');
  }).catch((error: Error) => {
    if (error.message !== 'rollback') throw error;
  });
  await ready;
  try {
    // Answered while the writer still holds its transaction: nothing waited for it.
    return await during();
  } finally {
    release();
    await rolledBack;
  }
}

describe('reads and an open write transaction', () => {
  it('when a transaction holds new and changed rows, then scan, auth, lists and the CSV export neither see them nor wait for it', async () => {
    const collection = await createCollection(ctx);
    const [existing] = await intake(ctx, [deviceInput()], collection.id);
    const secret = `opk_uncommitted_${newId()}`;
    let pendingTag = '';

    await whileUncommitted(async (trx) => {
      const [row] = await insertNewDevices(trx, [{ ...deviceInput(), kind: 'laptop' } as never], {
        prefix: 'OP', status: 'collected', origin: 'donation', collectionId: collection.id, donorId: collection.donorId, eventType: 'intake',
      }, { keyId: 'test', name: 'test', role: 'admin' });
      pendingTag = row.asset_tag;
      await trx.updateTable('devices').set({ status: 'installed' }).where('id', '=', existing.id).execute();
      await trx.insertInto('api_keys').values({ id: newId(), name: 'pending', role: 'admin', key_hash: hashKey(secret), key_prefix: secret.slice(0, 10), created_at: nowIso(), revoked_at: null }).execute();
    }, async () => {
      const scanNew = await ctx.api('viewer').get(`/api/v1/scan/${pendingTag}`);
      expect(scanNew.status).toBe(404);
      const scanOld = await ctx.api('viewer').get(`/api/v1/scan/${existing.assetTag}`);
      expect(scanOld.status).toBe(200);
      expect(scanOld.body.status).toBe('collected');
      const got = await ctx.api('viewer').get(`/api/v1/devices/${existing.id}`);
      expect(got.body.status).toBe('collected');
      const auth = await ctx.anonymous().get('/api/v1/devices').set('Authorization', `Bearer ${secret}`);
      expect(auth.status).toBe(401);
      const list = await ctx.api('viewer').get(`/api/v1/devices?collectionId=${collection.id}`);
      expect(list.status).toBe(200);
      expect(list.body.items.map((d: { assetTag: string }) => d.assetTag)).toEqual([existing.assetTag]);
      const csv = await ctx.api('viewer').get(`/api/v1/devices?collectionId=${collection.id}&format=csv`);
      expect(csv.status).toBe(200);
      expect(csv.text).toContain(existing.assetTag);
      expect(csv.text).not.toContain(pendingTag);
      expect(csv.text).not.toContain('installed');
    });
  });

  it('when code inside a transaction queries the outer handle, then it throws instead of reading around the transaction', async () => {
    await expect(inTransaction(ctx.db, async () => {
      await ctx.db.kysely.selectFrom('devices').select('id').execute();
    })).rejects.toThrow(/inside a transaction/);
  });

  it('when this process commits a change, then a read later in the same turn of the event loop sees it', async () => {
    const collection = await createCollection(ctx);
    const [device] = await intake(ctx, [deviceInput()], collection.id);
    // No I/O between these steps on SQLite: all in one turn, where the reader's reads share a snapshot.
    expect((await resolveCode(ctx.db, device.assetTag)).status).toBe('collected');
    await inTransaction(ctx.db, (trx) => trx.updateTable('devices').set({ status: 'scrapped' }).where('id', '=', device.id).execute());
    expect((await resolveCode(ctx.db, device.assetTag)).status).toBe('scrapped');
    await ctx.db.kysely.updateTable('devices').set({ status: 'ready' }).where('id', '=', device.id).execute();
    expect((await resolveCode(ctx.db, device.assetTag)).status).toBe('ready');
  });
});
