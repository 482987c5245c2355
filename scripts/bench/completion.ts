import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PNG } from 'pngjs';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDb } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createApiKey } from '../../src/modules/api-keys/service.js';
import { completeInstallation } from '../../src/modules/installations/service.js';
import { scratchDatabase } from '../../test/helpers/database.js';
import { median } from './harness.js';

/**
 * How long one installation completion blocks the service's other writers when the signature
 * is a 500 KB PNG: target < 20 ms.
 *
 * SQLite: the writer connection's BEGIN IMMEDIATE and COMMIT/ROLLBACK are timed (that interval
 * is the write lock). PostgreSQL (`BENCH_DATABASE_URL=postgres://…`): each transaction is timed
 * from its first statement to its commit, the span over which it holds its row locks and the
 * event-order advisory lock. The lone inserts that write the blobs' 64 KiB parts beforehand
 * count as transactions of their own. The completion is called on the service with the
 * signature as the API receives it (base64), everything else goes through HTTP.
 * `npm run bench:completion`.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);

const target = await scratchDatabase(process.env.BENCH_DATABASE_URL, 'bench');
const config = loadConfig({ DATABASE_URL: target.url, PUBLIC_URL: 'https://ordi.example.fr', LOG_LEVEL: 'silent' });
const db = createDb(config.databaseUrl);
await migrateToLatest(db.kysely);
const app = await buildApp({ db, config });
await app.ready();
const { key } = await createApiKey(db, { name: 'bench', role: 'admin' });
const headers = { authorization: `Bearer ${key}` };

async function call(method: 'GET' | 'POST', url: string, payload: unknown, expected: number) {
  const res = await app.inject({ method, url: `/api/v1${url}`, headers, payload: payload as never });
  if (res.statusCode !== expected) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
  return JSON.parse(res.body);
}

/** Noise does not compress: a 420×400 RGB image is a ~500 KB PNG, the worst a pad could send. */
function bigSignature(): Buffer {
  const png = new PNG({ width: 420, height: 400, colorType: 2, inputHasAlpha: false });
  png.data = randomBytes(420 * 400 * 3);
  return PNG.sync.write(png, { colorType: 2, inputHasAlpha: false });
}

async function scheduled(): Promise<string> {
  const donor = await call('POST', '/donors', { name: 'Banc d’essai SAS', kind: 'company' }, 201);
  const collection = await call('POST', '/collections', { donorId: donor.id, collectedOn: '2026-10-01' }, 201);
  const [device] = (await call('POST', `/collections/${collection.id}/devices`, [{ kind: 'laptop', brand: 'Lenovo', model: 'T480', serialNumber: `B${randomBytes(6).toString('hex')}`, grade: 'B' }], 201)).items;
  await call('POST', `/devices/${device.id}/erasure`, {
    method: 'nist-800-88-purge', tool: 'Blancco Drive Eraser 7.14', performedAt: '2026-10-02T10:00:00Z', operator: 'Agnès Müller', result: 'passed',
    storage: [{ serialNumber: 'S3Z9NB0K', capacityGb: 256, type: 'ssd' }],
  }, 201);
  await call('POST', `/devices/${device.id}/recondition`, { grade: 'B', reconditionedOn: '2026-11-10' }, 200);
  const person = await call('POST', '/beneficiaries', {
    firstName: 'Aïcha', lastName: 'Benali-Lefèvre', addressLine: '12 rue du Bon Pasteur', postcode: '73000', city: 'Chambéry',
    trainingCompletedOn: '2026-10-30', consentRecordedOn: '2026-09-15',
  }, 201);
  const installation = await call('POST', '/installations', { deviceId: device.id, beneficiaryId: person.id, scheduledOn: '2026-11-25' }, 201);
  return installation.id;
}

// Every write's hold time, and how much of it the COMMIT itself took (on SQLite the WAL fsync
// of synchronous = FULL).
let holds: { total: number; commit: number }[] = [];
if (db.sqliteWriter) {
  const writer = db.sqliteWriter;
  const exec = writer.exec.bind(writer);
  let began = 0;
  writer.exec = (source: string) => {
    const before = performance.now();
    if (source === 'begin immediate') began = before;
    const result = exec(source);
    const after = performance.now();
    if (source === 'commit' || source === 'rollback') holds.push({ total: after - began, commit: after - before });
    return result;
  };
  // A lone INSERT (a blob's part) is a transaction of its own, under the same lock.
  const prepare = writer.prepare.bind(writer);
  writer.prepare = ((source: string) => {
    const statement = prepare(source);
    if (!source.startsWith('insert into "installation_blobs"')) return statement;
    const runIt = statement.run.bind(statement);
    statement.run = ((...args: unknown[]) => {
      const before = performance.now();
      const result = runIt(...(args as []));
      if (!writer.inTransaction) holds.push({ total: performance.now() - before, commit: 0 });
      return result;
    }) as typeof statement.run;
    return statement;
  }) as typeof writer.prepare;
} else {
  // PostgreSQL: on each pooled client, from the BEGIN sent to the COMMIT answered, or a lone blob insert.
  const query = pg.Client.prototype.query;
  const began = new WeakMap<object, number>();
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const text = typeof args[0] === 'string' ? args[0] : '';
    const before = performance.now();
    if (text === 'begin') began.set(this, before);
    const result = (query as (...a: unknown[]) => unknown).apply(this, args);
    const start = began.get(this);
    if (result instanceof Promise && (text === 'commit' || text === 'rollback' || (start === undefined && text.startsWith('insert into "installation_blobs"')))) {
      void result.then(() => {
        const after = performance.now();
        holds.push({ total: after - (start ?? before), commit: after - before });
        began.delete(this);
      });
    }
    return result;
  } as typeof query;
}
const png = bigSignature();
console.log(`signature: ${(png.length / 1024).toFixed(0)} KiB PNG; ${ROUNDS} completions on ${db.dialect}\n`);
const longest: number[] = [];
const finals: number[] = [];
const all: number[] = [];
const totals: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const id = await scheduled();
  holds = [];
  const start = performance.now();
  await completeInstallation(db, id, { installedOn: '2026-11-25', installedBy: 'Julien Morel', signature: { imagePng: png.toString('base64'), signedBy: 'Aïcha Benali-Lefèvre', signedAt: '2026-11-25T14:05:00Z' } }, { keyId: 'bench', name: 'bench', role: 'admin' }, config);
  totals.push(performance.now() - start);
  await new Promise((resolve) => setTimeout(resolve, 10)); // the last COMMIT's answer (PostgreSQL)
  const spans = holds.map((h) => h.total);
  all.push(...spans);
  longest.push(Math.max(...spans));
  finals.push(spans.at(-1)!);
  console.log(`completion ${round + 1}: ${totals.at(-1)!.toFixed(0)} ms in all; ${holds.length} writes, longest ${longest.at(-1)!.toFixed(1)} ms; the completion's transaction ${finals.at(-1)!.toFixed(1)} ms (commit ${holds.at(-1)!.commit.toFixed(1)})`);
}
const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(values.length * 0.95) - 1)];
const line = (name: string, values: number[]) => `${name}: median ${median(values).toFixed(1)} ms, p95 ${p95(values).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms`;
const worst = median(longest);
console.log(`\n${line('longest write-lock hold per completion', longest)} (target < 20 ms) ${worst < 20 ? 'OK' : 'SLOW'}`);
console.log(line("the completion's own transaction", finals));
console.log(line(`every write (${all.length})`, all));
console.log(`whole completion: median ${median(totals).toFixed(0)} ms`);
await app.close();
await db.close();
await target.drop();
