import { sql, type Kysely } from 'kysely';
import { isPostgres } from './helpers.js';

/**
 * The exchange ledger's `kind` (the device kind a credit is for) refuses any other value, as
 * migration 012 made every other enum column do (same mechanism: a CHECK on PostgreSQL,
 * triggers on SQLite). Its type in src/db/schema.ts comes from the same list, so the ledger's
 * mapper needs no cast. The list is frozen here; test/foundation/enum-checks.test.ts asserts it.
 */
export const KIND_VALUES = ['laptop', 'desktop', 'all_in_one', 'monitor', 'tablet', 'smartphone', 'printer', 'peripheral', 'other'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  const list = sql.join(KIND_VALUES.map((v) => sql.lit(v)));
  if (isPostgres(db)) {
    await sql`alter table exchange_entries add constraint exchange_entries_kind_check check (kind in (${list}))`.execute(db);
    return;
  }
  const message = sql.lit('CHECK constraint failed: exchange_entries.kind');
  for (const [when, event] of [['insert', sql`insert`], ['update', sql`update of kind`]] as const) {
    await sql`create trigger ${sql.id(`exchange_entries_kind_check_${when}`)} before ${event} on exchange_entries
      when new.kind is not null and new.kind not in (${list})
      begin select raise(abort, ${message}); end`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await sql`alter table exchange_entries drop constraint exchange_entries_kind_check`.execute(db);
    return;
  }
  await sql`drop trigger exchange_entries_kind_check_insert`.execute(db);
  await sql`drop trigger exchange_entries_kind_check_update`.execute(db);
}
