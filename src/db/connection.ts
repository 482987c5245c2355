import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, PostgresDriver, type DatabaseConnection, type Driver } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { assertOutsideTransaction } from './scope.js';
import { SplitSqliteDialect } from './sqlite-driver.js';

export type DialectName = 'sqlite' | 'postgres';

export interface Db {
  kysely: Kysely<Database>;
  dialect: DialectName;
  /**
   * SQLite only: the read-only connection that every read outside a transaction uses (the
   * hot paths prepare their statements on it, see `cachedSqlite`). It sees committed data
   * only and never waits for the writer. Writing through it fails (`query_only`).
   */
  sqliteReader?: SqliteDatabase.Database;
  /** SQLite only: the one writer connection, for scripts (backup) that need the raw handle. */
  sqliteWriter?: SqliteDatabase.Database;
  close(): Promise<void>;
}

// PostgreSQL returns int8 (counts, sums of integers) as strings; our numbers stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

/** PostgreSQL reads are MVCC already; the only addition is the outer-handle guard (see scope.ts). */
class GuardedPostgresDriver extends PostgresDriver {
  override async acquireConnection(): Promise<DatabaseConnection> {
    assertOutsideTransaction();
    return super.acquireConnection();
  }
}

class GuardedPostgresDialect extends PostgresDialect {
  constructor(private readonly settings: ConstructorParameters<typeof PostgresDialect>[0]) {
    super(settings);
  }
  override createDriver(): Driver {
    return new GuardedPostgresDriver(this.settings);
  }
}

export function openSqlite(file: string): SqliteDatabase.Database {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  // An answered commit must survive a power cut.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  // Freed cells and pages are zeroed, so an anonymised person cannot be read back from the file.
  sqlite.pragma('secure_delete = ON');
  sqlite.pragma('busy_timeout = 5000');
  return sqlite;
}

/**
 * `PRAGMA optimize` (https://sqlite.org/lang_analyze.html#recommended_usage_pattern): on open with
 * 0x10002, which looks at every table rather than only those this connection queried. Also run
 * after migrations (`optimizeDatabase`), so that a new index has statistics at once. A database
 * busy with a write simply skips its turn.
 */
export function optimizeSqlite(sqlite: SqliteDatabase.Database, allTables: boolean): void {
  try {
    sqlite.pragma(allTables ? 'optimize = 0x10002' : 'optimize');
  } catch (error) {
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
  }
}

/** After migrations: statistics for the new tables and indexes (SQLite; PostgreSQL's autovacuum analyses). */
export function optimizeDatabase(db: Db): void {
  if (db.sqliteWriter) optimizeSqlite(db.sqliteWriter, true);
}

/**
 * The reader beside a writer: same file, WAL (set by the writer), and `query_only` so that a
 * write sent to it by mistake fails loudly instead of bypassing the writer's turn.
 */
function openSqliteReader(file: string): SqliteDatabase.Database {
  const sqlite = new SqliteDatabase(file, { fileMustExist: true });
  sqlite.pragma('query_only = ON');
  // Pages of the database file read from a memory map, not one read() each: a scan's lookup
  // cost 13.6 µs of CPU with reads, 8.4 µs mapped (100,000 devices). The writer keeps reads.
  sqlite.pragma('mmap_size = 268435456');
  sqlite.pragma('busy_timeout = 5000');
  return sqlite;
}

/**
 * `sqlite:PATH` or `postgres://…`. A `schema` query parameter on a PostgreSQL URL sets the
 * search_path (the test suite isolates each file in its own schema that way).
 */
export function createDb(databaseUrl: string): Db {
  if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length);
    const writer = openSqlite(file);
    // An in-memory database exists only on its own connection: there the writer reads too.
    const reader = file === ':memory:' ? writer : openSqliteReader(file);
    const kysely = new Kysely<Database>({ dialect: new SplitSqliteDialect(writer, reader) });
    // Statistics for the planner, which otherwise ignores covering indexes such as the report's
    // devices (id, kind): analysed once on open where missing or stale, then hourly as SQLite
    // recommends (each is cheap: it analyses only tables whose size changed much, on a sample).
    optimizeSqlite(writer, true);
    const hourly = file === ':memory:' ? undefined : setInterval(() => optimizeSqlite(writer, false), 3_600_000).unref();
    return {
      kysely,
      dialect: 'sqlite',
      sqliteReader: reader,
      sqliteWriter: writer,
      close: () => {
        clearInterval(hourly);
        return kysely.destroy();
      },
    };
  }
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get('schema');
  url.searchParams.delete('schema');
  const pool = new pg.Pool({
    connectionString: url.toString(),
    max: 10,
    options: schema ? `-c search_path=${schema}` : undefined,
  });
  const kysely = new Kysely<Database>({ dialect: new GuardedPostgresDialect({ pool }) });
  return { kysely, dialect: 'postgres', close: () => kysely.destroy() };
}
