import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqlite } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createDb } from '../../src/db/connection.js';
import { DB_ENUM_COLUMNS } from '../../src/shared/enums.js';

/**
 * `npx tsx scripts/bench/backup.ts`: `npm run backup` of a large SQLite database (BENCH_MB,
 * 1024 by default) while 4 other processes write to it all along (one small transaction each,
 * as fast as they can, as the service's writers would): it must finish, and how long it takes.
 *
 * The database has the service's schema (all migrations) and realistic rows: BENCH_DEVICES
 * devices (100,000 by default) with two events each, then stored idempotency answers of 8 KiB
 * each up to the size asked (the table that grows most on a busy day). The files are deleted
 * at the end.
 */
const MB = Number(process.env.BENCH_MB ?? 1024);
const DEVICES = Number(process.env.BENCH_DEVICES ?? 100_000);
const WRITERS = 4;
const root = path.resolve(import.meta.dirname, '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-backup-'));
const file = path.join(dir, 'big.sqlite');

const setup = createDb(`sqlite:${file}`);
await migrateToLatest(setup.kysely);
await setup.close();
const db = openSqlite(file);
db.pragma('synchronous = OFF'); // seeding only
db.pragma('foreign_keys = OFF'); // a filler value in a later NOT NULL reference column need not exist

/** An insert filling every NOT NULL column without a default: enum columns get a listed value. */
function rowInserter(table: string, given: Record<string, unknown>, varying: string[] = []): (overrides: Record<string, unknown>) => void {
  const enums = (DB_ENUM_COLUMNS as Record<string, Record<string, readonly string[]>>)[table] ?? {};
  const columns = (db.pragma(`table_info(${table})`) as { name: string; type: string; notnull: number; dflt_value: unknown; pk: number }[])
    .filter((c) => c.name in given || varying.includes(c.name) || (c.notnull && c.dflt_value === null && !(c.pk && c.type.toLowerCase() === 'integer')));
  const base = Object.fromEntries(columns.map((c) => [c.name, c.name in given ? given[c.name] : enums[c.name]?.[0] ?? (/int|real/i.test(c.type) ? 1 : 'x')]));
  const statement = db.prepare(`insert into ${table} (${columns.map((c) => `"${c.name}"`).join(', ')}) values (${columns.map((c) => `@${c.name}`).join(', ')})`);
  return (overrides) => statement.run({ ...base, ...overrides });
}

const started = performance.now();
const at = '2026-11-02T10:00:00.000Z';
rowInserter('api_keys', { id: 'key-1', name: 'bench', role: 'admin', key_hash: 'h', key_prefix: 'p', created_at: at })({});
rowInserter('donors', { id: 'donor-1', name: 'Banc d’essai SAS', created_at: at, updated_at: at })({});
rowInserter('collections', { id: 'collection-1', donor_id: 'donor-1', collected_on: '2026-11-02', created_at: at, updated_at: at })({});
const device = rowInserter('devices', { collection_id: 'collection-1', donor_id: 'donor-1', brand: 'Lenovo', model: 'ThinkPad T480', created_at: at, updated_at: at }, ['id', 'asset_number', 'asset_tag', 'serial_number']);
const event = rowInserter('device_events', { at, occurred_on: '2026-11-02', actor: 'bench', data: '{"note":"seed"}' }, ['device_id', 'type', 'from_status', 'to_status']);
db.transaction(() => {
  for (let n = 1; n <= DEVICES; n++) {
    const id = `dev-${String(n).padStart(7, '0')}`;
    device({ id, asset_number: n, asset_tag: `OP-${String(n).padStart(6, '0')}`, serial_number: `SN${n}` });
    event({ device_id: id, type: 'intake', from_status: null, to_status: 'collected' });
    event({ device_id: id, type: 'update', from_status: 'collected', to_status: 'collected' });
  }
})();
const answer = rowInserter('idempotency_keys', { api_key_id: 'key-1', request_hash: 'h', state: 'done', response_status: 201, response_type: 'application/json', created_at: at }, ['key', 'response_body']);
const body = JSON.stringify({ items: 'y'.repeat(8 * 1024) });
for (let batch = 0; fs.statSync(file).size + (fs.statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0) < MB * 1024 * 1024; batch++) {
  db.transaction(() => {
    for (let i = 0; i < 5_000; i++) answer({ key: `seed-${batch}-${i}`, response_body: body });
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
}
db.close();
const size = fs.statSync(file).size;
console.log(`seeded ${(size / 1024 / 1024).toFixed(0)} MB (${DEVICES} devices, ${DEVICES * 2} events, 8 KiB idempotency answers) in ${((performance.now() - started) / 1000).toFixed(0)} s`);

// Each writer: one short transaction after another, a device event and a stored answer, as the service writes.
const script = `
  const Database = require('better-sqlite3');
  const db = new Database(${JSON.stringify(file)});
  db.pragma('busy_timeout = 10000');
  db.pragma('synchronous = FULL');
  const event = db.prepare("insert into device_events (device_id, type, from_status, to_status, at, occurred_on, actor) values ('dev-0000001', 'update', 'collected', 'collected', ?, '2026-11-02', 'loop')");
  const answer = db.prepare("insert into idempotency_keys (api_key_id, key, request_hash, state, response_status, response_type, response_body, created_at) values ('key-1', ?, 'h', 'done', 201, 'application/json', ?, ?)");
  const write = db.transaction((n) => { const at = new Date().toISOString(); event.run(at); answer.run(process.pid + '-' + n, 'z'.repeat(500), at); });
  let n = 0;
  process.on('SIGTERM', () => { console.log(n); process.exit(0); });
  (function loop() { write(n++); setImmediate(loop); })();
`;
const writers = Array.from({ length: WRITERS }, () => spawn(process.execPath, ['-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] }));
await new Promise((resolve) => setTimeout(resolve, 2000));
const dest = path.join(dir, 'copy.sqlite');
const backupStarted = performance.now();
const run = spawnSync('npm', ['run', '-s', 'backup', '--', dest], { cwd: root, env: { ...process.env, DATABASE_URL: `sqlite:${file}` }, encoding: 'utf8' });
const seconds = (performance.now() - backupStarted) / 1000;
const counts = await Promise.all(
  writers.map(
    (w) =>
      new Promise<number>((resolve) => {
        let out = '';
        w.stdout!.on('data', (chunk) => (out += chunk));
        w.once('exit', () => resolve(Number(out.trim())));
        w.kill('SIGTERM');
      }),
  ),
);
console.log((run.stdout + run.stderr).trim());
if (run.status !== 0) process.exitCode = 1;
const copySize = fs.existsSync(dest) ? fs.statSync(dest).size : 0;
console.log(
  `npm run backup of ${(size / 1024 / 1024).toFixed(0)} MB under ${WRITERS} writers: exit ${run.status}, ${seconds.toFixed(1)} s (npm and tsx start included), copy ${(copySize / 1024 / 1024).toFixed(0)} MB; ` +
    `the writers committed ${counts.reduce((a, b) => a + b, 0)} transactions over the run (2 s before it, then during it)`,
);
fs.rmSync(dir, { recursive: true, force: true });
