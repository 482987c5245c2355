import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
} from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export type DialectName = 'sqlite' | 'postgres';

export interface Db {
  kysely: Kysely<Database>;
  dialect: DialectName;
  /** The raw SQLite handle, for the few hot read paths that deserve a cached statement. */
  sqlite?: SqliteDatabase.Database;
  close(): Promise<void>;
}

// PostgreSQL returns int8 (counts, sums of integers) as strings; our numbers stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

/**
 * Kysely opens SQLite transactions with a deferred BEGIN, which fails with SQLITE_BUSY when a
 * transaction that read first tries to write while another process holds the write lock.
 * Every transaction of ours writes, so it takes the write lock up front.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly database: SqliteDatabase.Database) {
    super({ database });
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver({ database: this.database });
  }
}

export function openSqlite(file: string): SqliteDatabase.Database {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  // An answered commit must survive a power cut.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return sqlite;
}

/**
 * `sqlite:PATH` or `postgres://…`. A `schema` query parameter on a PostgreSQL URL sets the
 * search_path (the test suite isolates each file in its own schema that way).
 */
export function createDb(databaseUrl: string): Db {
  if (databaseUrl.startsWith('sqlite:')) {
    const sqlite = openSqlite(databaseUrl.slice('sqlite:'.length));
    const kysely = new Kysely<Database>({ dialect: new ImmediateSqliteDialect(sqlite) });
    return { kysely, dialect: 'sqlite', sqlite, close: () => kysely.destroy() };
  }
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get('schema');
  url.searchParams.delete('schema');
  const pool = new pg.Pool({
    connectionString: url.toString(),
    max: 10,
    options: schema ? `-c search_path=${schema}` : undefined,
  });
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { kysely, dialect: 'postgres', close: () => kysely.destroy() };
}
