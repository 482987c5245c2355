import '../src/runtime.js'; // first: stops with a message on a Node older than package.json's engines
import fs from 'node:fs';
import path from 'node:path';
import { nowIso } from '../src/clock.js';
import { backupSqlite } from '../src/db/backup.js';
import { configFromEnv, fail } from './cli.js';

/**
 * `npm run backup [-- DEST]`: a consistent copy of the SQLite database while the service runs
 * (see `backupSqlite`: one snapshot, a temporary file renamed at the end, never a partial
 * file left behind). Prints the path, the size and the integrity check.
 */
const config = configFromEnv();
if (!config.databaseUrl.startsWith('sqlite:')) fail('DATABASE_URL is PostgreSQL: back it up with pg_dump instead.');
const source = config.databaseUrl.slice('sqlite:'.length);
if (!fs.existsSync(source)) fail(`No database at ${source}.`);

const stamp = nowIso().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
const dest = process.argv[2] ?? path.join(path.dirname(source), 'backups', `ordipratique-${stamp}.sqlite`);
if (fs.existsSync(dest)) fail(`${dest} already exists; choose another file.`);

try {
  const result = backupSqlite(source, dest);
  console.log(
    `Backed up ${source} to ${result.path} (${(result.bytes / 1024).toFixed(0)} KiB, ${result.devices} devices, integrity ${result.integrity}) in ${(result.ms / 1000).toFixed(1)} s.`,
  );
} catch (error) {
  fail(`Backup failed, nothing was left at ${dest}: ${(error as Error).message}`);
}
