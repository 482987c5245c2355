import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Marks the code running inside a transaction. A query on the outer handle (`db.kysely`) from
 * there is a bug: on SQLite it would not see the transaction's own writes (it reads the
 * committed state) or wait forever for the writer the transaction holds; on PostgreSQL it
 * takes a second connection that can deadlock on the transaction's locks. So it throws.
 */
const scope = new AsyncLocalStorage<true>();

export function insideTransaction<T>(work: () => Promise<T>): Promise<T> {
  return scope.run(true, work);
}

export function assertOutsideTransaction(): void {
  if (scope.getStore()) {
    throw new Error('A query on the outer database handle inside a transaction: use the transaction (trx) instead');
  }
}

/** True inside `inTransaction`'s work (what the guard above checks; tests assert heavy work runs outside). */
export function isInsideTransaction(): boolean {
  return scope.getStore() === true;
}
