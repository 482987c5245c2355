import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../src/config.js';
import { createDb, type Db } from '../src/db/connection.js';
import { migrateToLatest } from '../src/db/migrate.js';

/** The same configuration as the server (DATABASE_URL …); a bad value exits naming the variable. */
export function configFromEnv(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}

/** Opens the configured database and brings it to the latest migration, as the server's start does. */
export async function openMigrated(config = configFromEnv()): Promise<{ config: Config; db: Db; applied: string[] }> {
  const db = createDb(config.databaseUrl);
  const applied = await migrateToLatest(db.kysely);
  return { config, db, applied };
}

export function fail(message: string, code = 1): never {
  console.error(message);
  process.exit(code);
}

/** Where the database lives, without a password. */
export function describeDatabase(url: string): string {
  if (url.startsWith('sqlite:')) return `SQLite ${url.slice('sqlite:'.length)}`;
  const parsed = new URL(url);
  parsed.password = '';
  return `PostgreSQL ${parsed.host}${parsed.pathname}`;
}

/**
 * A command's arguments: `--name value` options (strings) and positionals, `-h`/`--help` and
 * a missing command answered with the usage (exit 2), as is an unknown option.
 */
export function parseCommand(usageText: string, optionNames: string[]) {
  const usage = (problem?: string): never => fail(problem ? `${problem}\n\n${usageText}` : usageText, 2);
  let parsed;
  try {
    const options = Object.fromEntries([...optionNames.map((name) => [name, { type: 'string' as const }]), ['help', { type: 'boolean' as const, short: 'h' }]]);
    parsed = parseArgs({ args: process.argv.slice(2), allowPositionals: true, options });
  } catch (error) {
    usage((error as Error).message);
  }
  const values = parsed!.values as Record<string, string | boolean | undefined>;
  const [command, ...rest] = parsed!.positionals;
  if (values.help || !command) usage();
  return { values: values as Record<string, string | undefined>, command: command!, rest, usage };
}
