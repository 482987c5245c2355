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
