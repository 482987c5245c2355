import type SqliteDatabase from 'better-sqlite3';
import type { Db } from './connection.js';

const cache = new WeakMap<SqliteDatabase.Database, Map<string, SqliteDatabase.Statement>>();

/**
 * A prepared statement kept for the life of the SQLite handle. Kysely prepares every statement
 * anew; the few lookups on every request's path (API key, scan) are worth 4× less that way.
 * Returns undefined on PostgreSQL, where the caller uses its Kysely query.
 */
export function cachedSqlite(db: Db, text: string): SqliteDatabase.Statement | undefined {
  if (!db.sqlite) return undefined;
  let statements = cache.get(db.sqlite);
  if (!statements) cache.set(db.sqlite, (statements = new Map()));
  let statement = statements.get(text);
  if (!statement) statements.set(text, (statement = db.sqlite.prepare(text)));
  return statement;
}
