import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import Fastify, { type FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDb } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { newId } from '../../src/db/ids.js';
import { createApiKey } from '../../src/modules/api-keys/service.js';
import { bufferedLogSink, loggerOptions } from '../../src/logger.js';

/**
 * `npm run bench:heap [-- scan|bare|404]`: does anything grow per request? In one process,
 * TOTAL requests (200,000) through app.inject, 10 at a time, the app logging at info to
 * /dev/null as the service runs; every BATCH (20,000): CPU per request and the heap after a full
 * GC. A flat heap says nothing is kept per request; a leak shows as a steady Δ per batch.
 * `scan` is the authenticated GET /api/v1/scan/{tag} on 100,000 devices, `bare` a bare Fastify
 * route, `404` an unknown path without a key. HEAP_SNAPSHOT=prefix also writes
 * prefix-start/-end.heapsnapshot (compare them in Chrome DevTools, Memory, "Comparison").
 * Figures that do not need a quiet machine: the heap after GC, not the time.
 */
const KIND = process.argv[2] ?? 'scan';
const TOTAL = Number(process.env.TOTAL ?? 200_000);
const BATCH = Number(process.env.BATCH ?? 20_000);
const CONCURRENCY = 10;
const DEVICES = 100_000;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  // Re-run with --expose-gc: a heap figure taken without a full collection counts garbage.
  const { spawnSync } = await import('node:child_process');
  const result = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, process.argv[1], ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
if (!['scan', 'bare', '404'].includes(KIND)) throw new Error(`unknown kind ${KIND}: scan, bare or 404`);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordipratique-heap-'));
const config = loadConfig({ DATABASE_URL: `sqlite:${path.join(dir, 'heap.sqlite')}`, PUBLIC_URL: 'https://ordi.example.fr', LOG_LEVEL: 'info' });
const db = createDb(config.databaseUrl);
await migrateToLatest(db.kysely);
const sqlite = db.sqliteWriter!;
const stamp = new Date().toISOString();
const [donorId, collectionId] = [newId(), newId()];
const insertDevice = sqlite.prepare(
  `insert into devices (id, asset_number, asset_tag, kind, brand, model, serial_number, ram_gb, storage_gb, status, origin, collection_id, donor_id, version, created_at, updated_at)
   values (?, ?, ?, 'laptop', 'Dell', 'Latitude 5490', ?, 8, 256, 'collected', 'donation', ?, ?, 1, ?, ?)`,
);
sqlite.transaction(() => {
  sqlite.prepare(`insert into donors (id, name, kind, created_at, updated_at) values (?, 'Bench donor', 'company', ?, ?)`).run(donorId, stamp, stamp);
  sqlite.prepare(`insert into collections (id, donor_id, collected_on, created_by, created_at, updated_at) values (?, ?, '2026-11-01', 'bench', ?, ?)`).run(collectionId, donorId, stamp, stamp);
  for (let n = 1; n <= DEVICES; n++) insertDevice.run(newId(), n, `OP-${String(n).padStart(6, '0')}`, `SN${n.toString(36).toUpperCase()}X`, collectionId, donorId, stamp, stamp);
})();
sqlite.pragma('optimize');
const { key } = await createApiKey(db, { name: 'bench', role: 'admin' });

let app: FastifyInstance;
if (KIND === 'bare') {
  app = Fastify();
  app.get('/', async () => ({ hello: 'world' }));
} else {
  app = await buildApp({ db, config, logger: { ...(loggerOptions(config) as object), stream: bufferedLogSink(fs.openSync('/dev/null', 'w')).stream } });
}
await app.ready();

const headers = { authorization: `Bearer ${key}` };
const expected = KIND === '404' ? 404 : 200;
const turn = () => new Promise((resolve) => setImmediate(resolve));
let sent = 0;
async function client(until: number): Promise<void> {
  while (sent < until) {
    const n = sent++;
    const url = KIND === 'bare' ? '/' : KIND === '404' ? `/api/v1/nothing/${n}` : `/api/v1/scan/OP-${String(1 + (n * 7919) % DEVICES).padStart(6, '0')}`;
    const res = await app.inject({ method: 'GET', url, headers: KIND === 'scan' ? headers : {} });
    if (res.statusCode !== expected) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
    // Over a socket the event loop turns between requests; an awaited inject alone never leaves
    // the microtask queue, and light-my-request acknowledges each write with setImmediate, so
    // without this turn every request stays reachable (about 13 KB each) until the loop turns.
    await turn();
  }
}
async function heapAfterGc(): Promise<NodeJS.MemoryUsage> {
  for (let i = 0; i < 3; i++) await turn();
  gc!();
  gc!();
  return process.memoryUsage();
}
const mb = (bytes: number) => (bytes / 1048576).toFixed(2);

await Promise.all(Array.from({ length: CONCURRENCY }, () => client(2000)));
sent = 0;
let before = await heapAfterGc();
const snapshot = process.env.HEAP_SNAPSHOT;
if (snapshot) console.log(`written ${v8.writeHeapSnapshot(`${snapshot}-start.heapsnapshot`)}`);
console.log(`${KIND}: ${TOTAL.toLocaleString('en')} requests, ${CONCURRENCY} at a time (load ${os.loadavg()[0].toFixed(1)}); heap after GC at start ${mb(before.heapUsed)} MB`);
console.log('requests   CPU µs/req   heap after GC MB   Δ KB    rss MB   external MB');
const start = before.heapUsed;
for (let done = 0; done < TOTAL; done += BATCH) {
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: CONCURRENCY }, () => client(done + BATCH)));
  const used = process.cpuUsage(cpu);
  const after = await heapAfterGc();
  console.log(
    `${String(done + BATCH).padStart(8)}   ${((used.user + used.system) / BATCH).toFixed(1).padStart(10)}   ${mb(after.heapUsed).padStart(16)}   ${((after.heapUsed - before.heapUsed) / 1024).toFixed(0).padStart(5)}   ${mb(after.rss).padStart(7)}   ${mb(after.external).padStart(11)}`,
  );
  before = after;
}
console.log(`heap after GC, end minus start: ${((before.heapUsed - start) / 1024).toFixed(0)} KB over ${TOTAL.toLocaleString('en')} requests, ${((before.heapUsed - start) / TOTAL).toFixed(2)} bytes per request (load ${os.loadavg()[0].toFixed(1)})`);
if (snapshot) console.log(`written ${v8.writeHeapSnapshot(`${snapshot}-end.heapsnapshot`)}`);
await app.close();
await db.close();
fs.rmSync(dir, { recursive: true, force: true });
