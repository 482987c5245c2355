import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Executor, Trx } from '../../db/transaction.js';
import { inTransaction, nowIso } from '../../db/transaction.js';
import { conflict } from '../../http/problem.js';
import type { Actor } from '../api-keys/service.js';
import { today } from '../../shared/business-date.js';
import { DEVICE_KINDS } from '../devices/schemas.js';
import { fromMilli } from './milli.js';
import type { Terms, TermsInput } from './schemas.js';

export interface TermsRecord {
  id: number;
  effectiveOn: string;
  creditsMilli: Record<string, number>;
  notes: string | null;
  createdBy: string;
  createdAt: string;
}

type TermsRow = { id: number; effective_on: string; credits_milli: string; notes: string | null; created_by: string; created_at: string };

function toRecord(row: TermsRow): TermsRecord {
  return { id: Number(row.id), effectiveOn: row.effective_on, creditsMilli: JSON.parse(row.credits_milli), notes: row.notes, createdBy: row.created_by, createdAt: row.created_at };
}

export function toTerms(record: TermsRecord): Terms {
  return {
    id: String(record.id),
    effectiveOn: record.effectiveOn,
    creditsByKind: Object.fromEntries(DEVICE_KINDS.map((kind) => [kind, fromMilli(record.creditsMilli[kind] ?? 0)])),
    notes: record.notes,
    createdBy: record.createdBy,
    createdAt: record.createdAt,
  };
}

export { today };

/** The terms in force on a date: the latest change effective on or before it. */
export async function termsInForce(db: Executor, onDate: string): Promise<TermsRecord> {
  const row = await db
    .selectFrom('exchange_terms')
    .selectAll()
    .where('effective_on', '<=', onDate)
    .orderBy('effective_on', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!row) throw conflict(`No exchange terms are in force on ${onDate}`);
  return toRecord(row);
}

export async function listTerms(db: Db): Promise<Terms[]> {
  const rows = await db.kysely.selectFrom('exchange_terms').selectAll().orderBy('effective_on').orderBy('id').execute();
  return rows.map((r) => toTerms(toRecord(r)));
}

/**
 * Serialises every ledger writer: the `exchange_entry` counter row is locked until commit
 * (row lock on PostgreSQL, the write lock on SQLite). `appendEntries` takes the same lock; a
 * writer that reads ledger state first (the terms in force) takes it before, after its events.
 */
export async function lockLedger(trx: Trx): Promise<void> {
  await trx.updateTable('counters').set({ value: sql`value` }).where('name', '=', 'exchange_entry').execute();
}

/**
 * A terms change is dated and kept. Credits already earned are never recomputed, so a change
 * may not take effect on or before a dispatch date already credited.
 */
export async function setTerms(db: Db, input: TermsInput, actor: Actor): Promise<Terms> {
  const effectiveOn = input.effectiveOn ?? today();
  return inTransaction(db, async (trx) => {
    await lockLedger(trx);
    const latest = await trx
      .selectFrom('exchange_entries')
      .select('occurred_on')
      .where('type', '=', 'credit')
      .orderBy('occurred_on', 'desc')
      .executeTakeFirst();
    if (latest && latest.occurred_on >= effectiveOn) {
      throw conflict(`Credits were already earned on ${latest.occurred_on} under the terms then in force; new terms can take effect from the day after at the earliest`, {
        latestCreditedOn: latest.occurred_on,
      });
    }
    const credits = Object.fromEntries(DEVICE_KINDS.map((kind) => [kind, input.creditsByKind[kind] ?? 0]));
    const row = await trx
      .insertInto('exchange_terms')
      .values({ effective_on: effectiveOn, credits_milli: JSON.stringify(credits), notes: input.notes ?? null, created_by: actor.name, created_at: nowIso() })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toTerms(toRecord(row));
  });
}
