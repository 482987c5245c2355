import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';

export interface BackupResult {
  path: string;
  bytes: number;
  integrity: string;
  devices: number;
  ms: number;
}

/**
 * A consistent copy of a live SQLite database, taken in one step: `VACUUM INTO` reads one
 * snapshot (under WAL, writers go on and never restart it, unlike the page-by-page backup API,
 * which starts over whenever another connection writes and so never finished under steady
 * writes), and writes a compact file with no free pages (nothing deleted survives in it).
 * The copy is written beside the destination under a temporary name, switched to a single
 * self-contained file (journal_mode DELETE), checked, fsynced and only then renamed into
 * place; on any failure the partial file is removed.
 */
export function backupSqlite(source: string, dest: string): BackupResult {
  const started = performance.now();
  const dir = path.dirname(path.resolve(dest));
  fs.mkdirSync(dir, { recursive: true });
  const partial = path.join(dir, `.${path.basename(dest)}.partial-${process.pid}`);
  try {
    const db = new SqliteDatabase(source, { fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      db.prepare('vacuum into ?').run(partial);
    } finally {
      db.close();
    }
    const copy = new SqliteDatabase(partial);
    let integrity: string;
    let devices: number;
    try {
      copy.pragma('journal_mode = DELETE');
      integrity = String(copy.pragma('integrity_check', { simple: true }));
      devices = (copy.prepare('select count(*) as n from devices').get() as { n: number }).n;
    } finally {
      copy.close();
    }
    if (integrity !== 'ok') throw new Error(`the copy fails its integrity check: ${integrity}`);
    fsyncPath(partial);
    fs.renameSync(partial, dest);
    fsyncPath(dir);
    return { path: path.resolve(dest), bytes: fs.statSync(dest).size, integrity, devices, ms: performance.now() - started };
  } catch (error) {
    fs.rmSync(partial, { force: true });
    fs.rmSync(`${partial}-journal`, { force: true });
    throw error;
  }
}

function fsyncPath(target: string): void {
  const fd = fs.openSync(target, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
