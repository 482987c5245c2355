import { randomBytes } from 'node:crypto';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDb } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createApiKey } from '../../src/modules/api-keys/service.js';
import { scratchDatabase } from '../../test/helpers/database.js';
import { median } from './harness.js';

/**
 * The exchange's heavy paths on a fresh database, through HTTP (app.inject):
 * dispatching a 500-device shipment (target < 300 ms), rendering its 500-line manifest and a
 * 500-device erasure certificate (target < 1 s each). SQLite by default; set
 * BENCH_POSTGRES_URL=postgres://… to run on PostgreSQL in a throw-away schema.
 */
const SIZE = 500;
const ROUNDS = 3;

const target = await scratchDatabase(process.env.BENCH_POSTGRES_URL, 'bench', 4);
const config = loadConfig({ DATABASE_URL: target.url, PUBLIC_URL: 'https://ordi.example.fr', LOG_LEVEL: 'silent' });
const db = createDb(config.databaseUrl);
await migrateToLatest(db.kysely);
const app = await buildApp({ db, config });
await app.ready();
const { key } = await createApiKey(db, { name: 'bench', role: 'admin' });
const headers = { authorization: `Bearer ${key}` };

async function call(method: 'GET' | 'POST', url: string, payload?: unknown, expected = 200) {
  const res = await app.inject({ method, url: `/api/v1${url}`, headers, payload: payload as never });
  if (res.statusCode !== expected) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
  return res;
}
async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}
const show = (label: string, values: number[], limit: number) =>
  console.log(`${label.padEnd(44)} ${values.map((v) => v.toFixed(1).padStart(7)).join(' ')}  median ${median(values).toFixed(1)} ms  (target < ${limit} ms) ${median(values) < limit ? 'OK' : 'SLOW'}`);

const donor = JSON.parse((await call('POST', '/donors', { name: 'Banc d’essai SAS', kind: 'company' }, 201)).body);
async function collectionOf(count: number) {
  const collection = JSON.parse((await call('POST', '/collections', { donorId: donor.id, collectedOn: '2025-10-01' }, 201)).body);
  const items = Array.from({ length: count }, (_, i) => ({
    kind: i % 5 === 4 ? 'monitor' : 'laptop', brand: 'Lenovo', model: 'ThinkPad T480', serialNumber: `B${randomBytes(6).toString('hex')}`, weightKg: 1.6,
  }));
  const devices = JSON.parse((await call('POST', `/collections/${collection.id}/devices`, items, 201)).body).items as { id: string; assetTag: string }[];
  return { collection, devices };
}

console.log(`database: ${db.dialect}; ${SIZE} devices per shipment / certificate; ${ROUNDS} rounds\n`);
const dispatches: number[] = [];
const manifests: number[] = [];
let lastShipment = '';
for (let round = 0; round < ROUNDS; round++) {
  const { devices } = await collectionOf(SIZE);
  const shipment = JSON.parse((await call('POST', '/shipments', {}, 201)).body);
  await call('POST', `/shipments/${shipment.id}/items`, { codes: devices.map((d) => d.assetTag) });
  dispatches.push(await timed(() => call('POST', `/shipments/${shipment.id}/dispatch`, {})));
  lastShipment = shipment.id;
}
for (let round = 0; round < ROUNDS; round++) {
  manifests.push(await timed(async () => {
    const res = await call('GET', `/shipments/${lastShipment}/manifest.pdf`);
    if (round === 0) console.log(`manifest: ${(res.rawPayload.length / 1024).toFixed(0)} KiB`);
  }));
}

const { collection, devices } = await collectionOf(SIZE);
for (const device of devices) {
  await call('POST', `/devices/${device.id}/erasure`, {
    method: 'nist-800-88-purge', tool: 'Blancco Drive Eraser 7.14', performedAt: '2025-11-20T10:00:00Z', operator: 'Agnès Müller', result: 'passed',
    storage: [{ serialNumber: 'S3Z9NB0K', capacityGb: 256, type: 'ssd' }],
  }, 201);
}
const certificates: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  certificates.push(await timed(async () => {
    const res = await call('GET', `/collections/${collection.id}/erasure-certificate.pdf`);
    if (round === 0) console.log(`certificate ${res.headers['x-certificate-number']}: ${(res.rawPayload.length / 1024).toFixed(0)} KiB\n`);
  }));
}

show(`dispatch of a ${SIZE}-device shipment (ms)`, dispatches, 300);
show(`${SIZE}-line manifest PDF (ms)`, manifests, 1000);
show(`${SIZE}-device erasure certificate PDF (ms)`, certificates, 1000);

await app.close();
await db.close();
await target.drop();
