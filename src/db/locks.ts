import { PostgresAdapter, sql, type SelectQueryBuilder } from 'kysely';
import type { Executor, Trx } from './transaction.js';

/**
 * Every lock a transaction takes, and the one order in which they may be taken. A transaction
 * may skip any step, never come back up to an earlier one, so no two transactions can wait on
 * each other (on PostgreSQL; on SQLite, BEGIN IMMEDIATE takes the one database write lock at
 * the start, every step below is then already held, and these functions are plain reads).
 *
 *   1. the parent row the change is about: a shipment, an installation, a beneficiary
 *      (`lockParentRow`, or `forUpdate` on the select that reads it);
 *   2. devices, in id order (`lockDevices` in devices/lifecycle.ts, built on `forUpdate`);
 *   3. sequence counters: asset tags, contract, shipment and certificate numbers
 *      (`takeNumbers`: the counter row stays locked until commit);
 *   4. the event order (`lockEventOrder`, taken by `appendEvents`): event ids commit in order;
 *   5. the exchange ledger (`lockLedger`, taken by `appendEntries`), last, after the events.
 *
 * This module is the only place that knows which dialect locks what.
 */
export const LOCK_ORDER = ['parent row', 'devices (id order)', 'sequence counters', 'event order', 'exchange ledger'] as const;

function onPostgres(db: Executor): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * Step 1 or 2: the select, locking the rows it reads until commit (FOR UPDATE on PostgreSQL);
 * with `of`, only that table's rows of a join (the parent row read with what hangs off it).
 */
export function forUpdate<QB extends SelectQueryBuilder<never, never, unknown>>(trx: Trx, select: QB, of?: string): QB {
  return onPostgres(trx) ? (select.forUpdate(of as never) as QB) : select;
}

/** Step 1: locks one parent row until commit. */
export async function lockParentRow(trx: Executor, table: 'shipments' | 'installations' | 'beneficiaries', id: string): Promise<void> {
  if (onPostgres(trx)) await sql`select id from ${sql.table(table)} where id = ${id} for update`.execute(trx);
}

/**
 * Step 4: on PostgreSQL an identity value is taken before commit, so event ids could commit
 * out of order and a feed reader could skip one; this transaction-scoped advisory lock makes
 * event-writing transactions commit in id order. SQLite has one writer: the order holds.
 */
export async function lockEventOrder(trx: Trx): Promise<void> {
  if (onPostgres(trx)) await sql`select pg_advisory_xact_lock(7140001)`.execute(trx);
}

/**
 * Step 5: serialises every ledger writer: the `exchange_entry` counter row is locked until
 * commit. A writer that reads ledger state before writing (the terms in force) takes it first.
 */
export async function lockLedger(trx: Trx): Promise<void> {
  await trx.updateTable('counters').set({ value: sql`value` }).where('name', '=', 'exchange_entry').execute();
}
