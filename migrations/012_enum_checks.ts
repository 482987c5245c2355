import { sql, type Kysely } from 'kysely';
import { isPostgres } from './helpers.js';

/**
 * Every column that holds one of a fixed list of values refuses any other, in the database
 * itself: a bug or a hand-made UPDATE can no longer store a status the code does not know.
 * PostgreSQL gets CHECK constraints; SQLite cannot add one to an existing table without
 * rebuilding it, so it gets a BEFORE INSERT and a BEFORE UPDATE trigger per column that abort
 * the same way. NULL stays allowed where the column allows it.
 *
 * The lists are frozen here (a migration never imports application code);
 * test/foundation/enum-checks.test.ts asserts they match the application's.
 */
export const ENUM_COLUMNS: Record<string, Record<string, readonly string[]>> = {
  api_keys: { role: ['admin', 'collector', 'reconditioner', 'installer', 'viewer', 'trainer'] },
  donors: { kind: ['company', 'public_body', 'association', 'other'] },
  devices: {
    kind: ['laptop', 'desktop', 'all_in_one', 'monitor', 'tablet', 'smartphone', 'printer', 'peripheral', 'other'],
    status: ['collected', 'shipped', 'ready', 'reserved', 'installed', 'returned', 'scrapped'],
    grade: ['A', 'B', 'C', 'parts'],
    origin: ['donation', 'reconditioner'],
    storage_type: ['hdd', 'ssd', 'nvme', 'emmc', 'none', 'other'],
  },
  device_events: {
    from_status: ['collected', 'shipped', 'ready', 'reserved', 'installed', 'returned', 'scrapped'],
    to_status: ['collected', 'shipped', 'ready', 'reserved', 'installed', 'returned', 'scrapped'],
  },
  erasure_records: { method: ['nist-800-88-clear', 'nist-800-88-purge', 'nist-800-88-destroy'], result: ['passed', 'failed'] },
  shipments: { status: ['open', 'dispatched', 'acknowledged'] },
  exchange_entries: { type: ['credit', 'credit_reversal', 'receipt', 'adjustment'] },
  installations: { status: ['scheduled', 'completed', 'cancelled', 'closed'] },
  installation_devices: { role: ['main', 'extra'] },
  idempotency_keys: { state: ['committed', 'done'] },
};

const name = (table: string, column: string, suffix: string) => `${table}_${column}_${suffix}`;

export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, columns] of Object.entries(ENUM_COLUMNS)) {
    for (const [column, values] of Object.entries(columns)) {
      const list = sql.join(values.map((v) => sql.lit(v)));
      if (isPostgres(db)) {
        await sql`alter table ${sql.table(table)} add constraint ${sql.id(name(table, column, 'check'))} check (${sql.ref(column)} in (${list}))`.execute(db);
        continue;
      }
      const message = sql.lit(`CHECK constraint failed: ${table}.${column}`);
      for (const [when, event] of [['insert', sql`insert`], ['update', sql`update of ${sql.ref(column)}`]] as const) {
        await sql`create trigger ${sql.id(name(table, column, `check_${when}`))} before ${event} on ${sql.table(table)}
          when new.${sql.ref(column)} is not null and new.${sql.ref(column)} not in (${list})
          begin select raise(abort, ${message}); end`.execute(db);
      }
    }
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [table, columns] of Object.entries(ENUM_COLUMNS)) {
    for (const column of Object.keys(columns)) {
      if (isPostgres(db)) {
        await sql`alter table ${sql.table(table)} drop constraint ${sql.id(name(table, column, 'check'))}`.execute(db);
        continue;
      }
      await sql`drop trigger ${sql.id(name(table, column, 'check_insert'))}`.execute(db);
      await sql`drop trigger ${sql.id(name(table, column, 'check_update'))}`.execute(db);
    }
  }
}
