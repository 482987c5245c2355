import { AsyncLocalStorage } from 'node:async_hooks';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Db } from './connection.js';
import type { Database } from './schema.js';
import { insideTransaction } from './scope.js';

export type Trx = Transaction<Database>;
export type Executor = Kysely<Database>;

/** Gets the work's result: what the transaction commits is known, so the hook can record it with it. */
type CommitHook = (trx: Trx, result: unknown) => Promise<void>;
const commitHooks = new AsyncLocalStorage<CommitHook>();

/**
 * Runs `fn` so that every transaction it opens runs `hook` last, inside the transaction, just
 * before commit, with the work's result: what the hook writes commits with the work or not at
 * all. The idempotency layer records its key and the answer that way, so a crash can never
 * leave the work done and the key free, or the key taken and its answer lost.
 */
export function withCommitHook<T>(hook: CommitHook, fn: () => T): T {
  return commitHooks.run(hook, fn);
}

/** One state change, one transaction: commits when `work` resolves, rolls back when it throws. */
export function inTransaction<T>(db: Db, work: (trx: Trx) => Promise<T>): Promise<T> {
  const hook = commitHooks.getStore();
  return db.kysely.transaction().execute((trx) =>
    insideTransaction(async () => {
      const result = await work(trx);
      if (hook) await hook(trx, result);
      return result;
    }),
  );
}

/**
 * Takes `count` consecutive numbers of a named sequence inside the caller's transaction and
 * returns the first. The counter row stays locked until commit (row lock on PostgreSQL, the
 * write lock on SQLite), so concurrent transactions and app instances never get the same
 * number, and a rolled-back transaction gives its numbers back unused.
 */
export async function takeNumbers(trx: Trx, name: string, count: number): Promise<number> {
  const row = await trx
    .updateTable('counters')
    .set({ value: sql`value + ${count}` })
    .where('name', '=', name)
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(row.value) - count + 1;
}

/** Kept here for the many modules that import it with `inTransaction`; the clock owns it. */
export { nowIso } from '../clock.js';
