import { takeNumbers, type Trx } from './transaction.js';

/**
 * The next number of a sequence that starts afresh (e.g. each year): creates the counter row
 * at 0 if it is missing, then takes a number inside the caller's transaction. A concurrent
 * creator waits on the row (PostgreSQL) or the write lock (SQLite), so no number is given twice.
 */
export async function takeNumberFrom(trx: Trx, counterName: string): Promise<number> {
  await trx.insertInto('counters').values({ name: counterName, value: 0 }).onConflict((oc) => oc.column('name').doNothing()).execute();
  return takeNumbers(trx, counterName, 1);
}
