import { sql } from 'kysely';
import type { Db } from './connection.js';

/**
 * After personal data was overwritten or deleted, makes the old bytes unreachable in the
 * database files too, not just to SQL.
 *
 * - SQLite runs with `secure_delete` on (see `openSqlite`), so freed cells and pages are
 *   zeroed when they are freed; the old page images still sit in the WAL until a checkpoint
 *   copies the zeroed pages back and the WAL is truncated, which this does.
 * - PostgreSQL keeps an updated row's old version as a dead tuple until VACUUM removes it;
 *   VACUUM (plain: no exclusive lock) prunes the dead tuples of the tables named and their
 *   TOAST data so the space is reused. It does not promise to overwrite the bytes at once, and
 *   the WAL archive and earlier base backups still hold them until they expire: say so in
 *   the retention policy.
 */
export async function reclaimFreedSpace(db: Db, tables: readonly string[]): Promise<void> {
  if (db.dialect === 'sqlite') {
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db.kysely);
    return;
  }
  await sql`vacuum ${sql.join(tables.map((t) => sql.table(t)))}`.execute(db.kysely);
}
