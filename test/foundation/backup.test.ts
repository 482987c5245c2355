import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { backupSqlite } from '../../src/db/backup.js';
import { dialect, useTestApp } from '../helpers/app.js';

const ctx = useTestApp();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordipratique-backup-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Another process that writes a row every millisecond or so, as a busy service would. */
function writeLoop(file: string) {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(file)});
    db.pragma('busy_timeout = 5000');
    const insert = db.prepare("insert into audit_log (at, actor, action, subject, data) values (?, 'loop', 'loop', 'x', ?)");
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (;;) { insert.run(new Date().toISOString(), 'y'.repeat(200)); Atomics.wait(pause, 0, 0, 1); }
  `;
  return spawn(process.execPath, ['-e', script], { cwd: path.resolve(import.meta.dirname, '../..'), stdio: 'ignore' });
}

describe.skipIf(dialect !== 'sqlite')('SQLite backups', () => {
  it('when other processes write all along, then the backup still finishes, whole and checked', async () => {
    const file = ctx.config.databaseUrl.slice('sqlite:'.length);
    const writer = ctx.db.sqliteWriter!;
    const insert = writer.prepare("insert into audit_log (at, actor, action, subject, data) values ('2026-01-01', 'seed', 'seed', 'x', ?)");
    writer.transaction(() => {
      for (let i = 0; i < 30_000; i++) insert.run(`${i} ${'z'.repeat(200)}`);
    })();
    const loop = writeLoop(file);
    try {
      const count = () => (ctx.db.sqliteReader!.prepare("select count(*) as n from audit_log where actor = 'loop'").get() as { n: number }).n;
      while (count() < 50) await new Promise((resolve) => setTimeout(resolve, 50));
      const dest = path.join(dir, 'under-load.sqlite');
      const result = backupSqlite(file, dest);
      expect(result).toMatchObject({ path: dest, integrity: 'ok' });
      expect(result.bytes).toBe(fs.statSync(dest).size);
      expect(fs.readdirSync(dir)).toEqual(['under-load.sqlite']);
      const copy = new SqliteDatabase(dest, { readonly: true });
      expect((copy.prepare("select count(*) as n from audit_log where actor = 'seed'").get() as { n: number }).n).toBe(30_000);
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
      copy.close();
    } finally {
      loop.kill('SIGKILL');
    }
  });

  it('when the backup fails half-way, then no partial file is left', () => {
    const broken = path.join(dir, 'no-devices.sqlite');
    new SqliteDatabase(broken).exec('create table t (x)');
    const before = fs.readdirSync(dir);
    expect(() => backupSqlite(broken, path.join(dir, 'copy-of-broken.sqlite'))).toThrow(/devices/);
    expect(fs.readdirSync(dir)).toEqual(before);
  });
});
