import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import supertest from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { dialect, useTestApp } from '../helpers/app.js';
import { createCollection, deviceInput } from '../helpers/factories.js';
import { startServer, type RunningServer } from '../helpers/server.js';

const ctx = useTestApp();
/** These tests start server processes (tsx compiles the app each time): minutes on a loaded machine. */
const SERVER_STARTS = 180_000;
const servers: RunningServer[] = [];
afterAll(async () => {
  for (const server of servers) await server.stop();
});

async function server(preload: string[] = []): Promise<RunningServer> {
  const started = await startServer({ DATABASE_URL: ctx.config.databaseUrl, PUBLIC_URL: ctx.config.publicUrl }, preload);
  servers.push(started);
  return started;
}

/**
 * Holds what an intake's transaction needs (SQLite's write lock; PostgreSQL's counters table)
 * from another connection, so a request is stuck inside its work until `release`.
 */
async function holdWrites(): Promise<{ waitUntilBlocked(): Promise<void>; release(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const other = new SqliteDatabase(ctx.config.databaseUrl.slice('sqlite:'.length));
    other.exec('begin immediate');
    return {
      // SQLite shows no waiter: give the request time to reach its transaction (it waits up to busy_timeout, 5 s).
      waitUntilBlocked: () => new Promise((resolve) => setTimeout(resolve, 1500)),
      release: async () => {
        other.exec('rollback');
        other.close();
      },
    };
  }
  const url = new URL(ctx.config.databaseUrl);
  const schema = url.searchParams.get('schema')!;
  url.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: url.toString(), options: `-c search_path=${schema}` });
  await client.connect();
  await client.query('begin');
  await client.query('lock table counters in exclusive mode');
  return {
    waitUntilBlocked: async () => {
      for (let i = 0; i < 300; i++) {
        const { rows } = await client.query(`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and pid <> pg_backend_pid()`);
        if (rows[0].n > 0) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const { rows } = await client.query(`select state, wait_event_type, wait_event, left(query, 80) as query from pg_stat_activity where datname = current_database()`);
      throw new Error(`the request never reached its transaction: ${JSON.stringify(rows)}`);
    },
    release: async () => {
      await client.query('rollback');
      await client.end();
    },
  };
}

describe('Idempotency-Key across a crash', () => {
  it('when the process dies inside the work and restarts, then the retry with the same key answers 201 and one batch exists', async () => {
    const collection = await createCollection(ctx);
    const url = `/api/v1/collections/${collection.id}/devices`;
    const batch = [deviceInput(), deviceInput(), deviceInput()];
    const headers = { Authorization: `Bearer ${ctx.keys.collector}`, 'Idempotency-Key': 'batch-after-crash', 'Content-Type': 'application/json' };

    const first = await server();
    const lock = await holdWrites();
    const lost = fetch(`${first.url}${url}`, { method: 'POST', headers, body: JSON.stringify(batch) }).catch(() => 'connection lost');
    await lock.waitUntilBlocked();
    first.process.kill('SIGKILL');
    expect(await lost).toBe('connection lost');
    await lock.release();

    const second = await server();
    const retry = await supertest(second.url).post(url).set(headers).send(batch);
    expect(retry.status, JSON.stringify(retry.body)).toBe(201);
    const again = await supertest(second.url).post(url).set(headers).send(batch);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(retry.body);
    const list = await ctx.api('viewer').get(`/api/v1/devices?collectionId=${collection.id}`);
    expect(list.body.items).toHaveLength(3);
  }, SERVER_STARTS);

  it('when the process dies after the work committed and before it answered, then the retry replays the committed batch (never a 409, never a second batch)', async () => {
    const collection = await createCollection(ctx);
    const url = `/api/v1/collections/${collection.id}/devices`;
    const batch = [deviceInput(), deviceInput()];
    const headers = { Authorization: `Bearer ${ctx.keys.collector}`, 'Idempotency-Key': 'batch-committed-then-crash', 'Content-Type': 'application/json' };

    const first = await server(['die-before-answer.mjs']);
    const lost = await fetch(`${first.url}${url}`, { method: 'POST', headers: { ...headers, 'x-test-die-before-answer': '1' }, body: JSON.stringify(batch) }).catch(() => 'connection lost');
    expect(lost).toBe('connection lost');
    const committed = await ctx.api('viewer').get(`/api/v1/devices?collectionId=${collection.id}`);
    expect(committed.body.items).toHaveLength(2);

    const second = await server();
    const retry = await supertest(second.url).post(url).set(headers).send(batch);
    expect(retry.status, JSON.stringify(retry.body)).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body.items.map((d: { assetTag: string }) => d.assetTag)).toEqual(committed.body.items.map((d: { assetTag: string }) => d.assetTag));
    const after = await ctx.api('viewer').get(`/api/v1/devices?collectionId=${collection.id}`);
    expect(after.body.items).toHaveLength(2);
  }, SERVER_STARTS);

  it('when the service starts, then keys older than 24 hours are swept and recent ones kept', async () => {
    const apiKey = await ctx.db.kysely.selectFrom('api_keys').select('id').executeTakeFirstOrThrow();
    const row = (key: string, createdAt: string) => ({
      api_key_id: apiKey.id, key, request_hash: 'x', state: 'done' as const, claim_id: null, response_status: 201, response_type: 'application/json', response_body: '{}', created_at: createdAt,
    });
    // The started process runs on the machine's clock: far past and far future bracket it whatever TEST_CLOCK says.
    await ctx.db.kysely.insertInto('idempotency_keys').values([row('old', '2000-01-01T00:00:00.000Z'), row('recent', '2999-01-01T00:00:00.000Z')]).execute();
    await server();
    const keys = await ctx.db.kysely.selectFrom('idempotency_keys').select('key').where('key', 'in', ['old', 'recent']).execute();
    expect(keys.map((k) => k.key)).toEqual(['recent']);
  }, SERVER_STARTS);
});
