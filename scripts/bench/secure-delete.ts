import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqlite } from '../../src/db/connection.js';
import { median } from './harness.js';

/**
 * What `secure_delete = ON` costs writers: the same workload (one transaction per write, as
 * the API does: insert a 2 KB row, overwrite another, delete a third) with it off and on, in
 * alternating rounds, on a WAL file with synchronous = FULL like the service's.
 * `npx tsx scripts/bench/secure-delete.ts`.
 */
const WRITES = 400;
const ROUNDS = 6;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-secure-delete-'));

function round(secure: boolean, n: number): number {
  const db = openSqlite(path.join(dir, `db-${n}.sqlite`));
  db.pragma(`secure_delete = ${secure ? 'ON' : 'OFF'}`);
  db.exec('create table t (id integer primary key, body text)');
  const insert = db.prepare('insert into t (body) values (?)');
  db.transaction(() => {
    for (let i = 0; i < 2000; i++) insert.run('x'.repeat(2048));
  })();
  const update = db.prepare('update t set body = ? where id = ?');
  const remove = db.prepare('delete from t where id = ?');
  const write = db.transaction((i: number) => {
    insert.run('y'.repeat(2048));
    update.run('z'.repeat(100), i * 2 + 1);
    remove.run(i * 2 + 2);
  });
  const start = performance.now();
  for (let i = 0; i < WRITES; i++) write(i);
  const perWrite = (performance.now() - start) / WRITES;
  db.close();
  return perWrite;
}

const off: number[] = [];
const on: number[] = [];
for (let n = 0; n < ROUNDS; n++) {
  off.push(round(false, n * 2));
  on.push(round(true, n * 2 + 1));
}
fs.rmSync(dir, { recursive: true, force: true });
const [a, b] = [median(off), median(on)];
console.log(`secure_delete OFF: ${a.toFixed(3)} ms per write transaction (median of ${ROUNDS} rounds of ${WRITES})`);
console.log(`secure_delete ON:  ${b.toFixed(3)} ms per write transaction`);
console.log(`cost: ${(b - a).toFixed(3)} ms (${(((b - a) / a) * 100).toFixed(1)} %)`);
