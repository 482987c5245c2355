import '../src/runtime.js'; // first: stops with a message on a Node older than package.json's engines
import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { configFromEnv, fail } from './cli.js';

/**
 * `npm run backup [-- DEST]`: a consistent copy of the SQLite database while the service runs.
 * Copying the file is unsafe (recent commits may still sit in the -wal file); SQLite's online
 * backup API copies a consistent snapshot page by page without stopping writers.
 */
const config = configFromEnv();
if (!config.databaseUrl.startsWith('sqlite:')) fail('DATABASE_URL is PostgreSQL: back it up with pg_dump instead.');
const source = config.databaseUrl.slice('sqlite:'.length);
if (!fs.existsSync(source)) fail(`No database at ${source}.`);

const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
const dest = process.argv[2] ?? path.join(path.dirname(source), 'backups', `ordipratique-${stamp}.sqlite`);
if (fs.existsSync(dest)) fail(`${dest} already exists; choose another file.`);
fs.mkdirSync(path.dirname(path.resolve(dest)), { recursive: true });

const db = new SqliteDatabase(source, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
await db.backup(dest);
db.close();

// The copy inherits WAL mode; a backup should be one self-contained file.
const copy = new SqliteDatabase(dest);
copy.pragma('journal_mode = DELETE');
const check = copy.pragma('integrity_check', { simple: true });
const devices = (copy.prepare('select count(*) as n from devices').get() as { n: number }).n;
copy.close();
if (check !== 'ok') fail(`The copy at ${dest} fails its integrity check: ${String(check)}`);
console.log(`Backed up ${source} to ${dest} (${(fs.statSync(dest).size / 1024).toFixed(0)} KiB, ${devices} devices, integrity ok).`);
