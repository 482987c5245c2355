import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { backupSqlite } from '../../src/db/backup.js';
import { openSqlite } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createDb } from '../../src/db/connection.js';

/**
 * `npx tsx scripts/bench/backup.ts`: a backup of a large SQLite database (BENCH_MB, 1024 by
 * default) while 4 other processes write to it all along (one small transaction each, about
 * every millisecond, as the service's writers would): it must finish, and how long it takes.
 */
const MB = Number(process.env.BENCH_MB ?? 1024);
const WRITERS = 4;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-backup-'));
const file = path.join(dir, 'big.sqlite');

const setup = createDb(`sqlite:${file}`);
await migrateToLatest(setup.kysely);
await setup.close();
const db = openSqlite(file);
const insert = db.prepare("insert into audit_log (at, actor, action, subject, data) values ('2026-01-01', 'seed', 'seed', 'x', ?)");
const row = 'z'.repeat(1000);
const started = performance.now();
for (let written = 0; written < MB * 1024 * 1024; ) {
  db.transaction(() => {
    for (let i = 0; i < 10_000; i++) insert.run(row);
  })();
  written += 10_000 * 1030;
}
db.pragma('wal_checkpoint(TRUNCATE)');
db.close();
console.log(`seeded ${(fs.statSync(file).size / 1024 / 1024).toFixed(0)} MB in ${((performance.now() - started) / 1000).toFixed(0)} s`);

const script = `
  const Database = require('better-sqlite3');
  const db = new Database(${JSON.stringify(file)});
  db.pragma('busy_timeout = 10000');
  db.pragma('synchronous = FULL');
  const insert = db.prepare("insert into audit_log (at, actor, action, subject, data) values (?, 'loop', 'loop', 'x', ?)");
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let n = 0;
  process.on('SIGTERM', () => { console.log(n); process.exit(0); });
  setInterval(() => {}, 1000);
  (function loop() { insert.run(new Date().toISOString(), 'y'.repeat(200)); n++; setImmediate(loop); })();
`;
const writers = Array.from({ length: WRITERS }, () => spawn(process.execPath, ['-e', script], { cwd: path.resolve(import.meta.dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] }));
await new Promise((resolve) => setTimeout(resolve, 2000));
const dest = path.join(dir, 'copy.sqlite');
const result = backupSqlite(file, dest);
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
console.log(`backup of ${(result.bytes / 1024 / 1024).toFixed(0)} MB under ${WRITERS} writers: ${(result.ms / 1000).toFixed(1)} s, integrity ${result.integrity}; the writers committed ${counts.reduce((a, b) => a + b, 0)} transactions over the run (2 s before it, then during it)`);
fs.rmSync(dir, { recursive: true, force: true });
