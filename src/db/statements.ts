import type SqliteDatabase from 'better-sqlite3';
import type { Db } from './connection.js';
import { shareReadSnapshot } from './read-snapshot.js';
import { assertOutsideTransaction } from './scope.js';

/** A prepared single-row lookup: `get` answers the row as an object, as better-sqlite3 does. */
export interface CachedLookup {
  get(...params: unknown[]): Record<string, unknown> | undefined;
}

const cache = new WeakMap<SqliteDatabase.Database, Map<string, CachedLookup>>();

/**
 * better-sqlite3 builds each object row in C++, one property at a time: for the 22 columns of
 * a device that cost the scan route more than the lookup itself (measured on the running
 * server: 31 µs of server CPU per request against 17 µs for the same query read as an array).
 * So the row is read as an array and turned into an object by a function compiled once per
 * statement from its column names, whose object literal V8 builds with a single hidden class.
 */
function lookup(statement: SqliteDatabase.Statement): CachedLookup {
  const raw = statement.raw(true);
  const names = raw.columns().map((column) => JSON.stringify(column.name));
  // Compiled from the statement's own column names (quoted as JSON string literals), never from input.
  const toObject = new Function('r', `return { ${names.map((name, i) => `${name}: r[${i}]`).join(', ')} };`) as (
    row: unknown[],
  ) => Record<string, unknown>;
  return {
    get: (...params) => {
      const row = raw.get(...params) as unknown[] | undefined;
      return row === undefined ? undefined : toObject(row);
    },
  };
}

/**
 * A prepared lookup kept for the life of the SQLite reader connection (committed data only,
 * never behind the writer; see `createDb`). Kysely prepares every statement
 * anew; the few lookups on every request's path (API key, scan) are worth 4× less that way.
 * Returns undefined on PostgreSQL, where the caller uses its Kysely query.
 */
export function cachedSqlite(db: Db, text: string): CachedLookup | undefined {
  const reader = db.sqliteReader;
  if (!reader) return undefined;
  assertOutsideTransaction();
  let statements = cache.get(reader);
  if (!statements) cache.set(reader, (statements = new Map()));
  let statement = statements.get(text);
  if (!statement) statements.set(text, (statement = lookup(reader.prepare(text))));
  // An in-memory database reads on its writer: no snapshot may be left open there.
  if (reader !== db.sqliteWriter) shareReadSnapshot(reader);
  return statement;
}
