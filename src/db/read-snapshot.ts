import type SqliteDatabase from 'better-sqlite3';

interface Snapshot {
  begin: SqliteDatabase.Statement;
  commit: SqliteDatabase.Statement;
  open: boolean;
}

const snapshots = new WeakMap<SqliteDatabase.Database, Snapshot>();

/**
 * The reads on the SQLite reader share one read transaction until the end of the event loop's
 * turn. Each statement outside a transaction opens and closes its own, and that lock dance
 * (4 fcntl, 2 fstat) cost more than the scan's lookup itself; under load a turn serves several
 * requests, which then pay it once. Still committed data only: the snapshot is the state when
 * the turn's first read ran, and it ends at once when this process commits on the writer
 * (`endReadSnapshot`), so a read that follows a write of this process always sees it. A write
 * by another process during the turn shows from the next turn on, as if the read had come a
 * moment earlier. Held for one turn at most, it never holds back a checkpoint for long.
 */
export function shareReadSnapshot(reader: SqliteDatabase.Database): void {
  let snapshot = snapshots.get(reader);
  if (snapshot?.open) return;
  if (reader.inTransaction) return;
  if (!snapshot) snapshots.set(reader, (snapshot = { begin: reader.prepare('begin'), commit: reader.prepare('commit'), open: false }));
  snapshot.begin.run();
  snapshot.open = true;
  setImmediate(endReadSnapshot, reader);
}

/** Ends the shared read transaction, if one is open: at the end of the turn, and after each commit of this process. */
export function endReadSnapshot(reader: SqliteDatabase.Database): void {
  const snapshot = snapshots.get(reader);
  if (!snapshot?.open) return;
  snapshot.open = false;
  if (reader.inTransaction && reader.open) snapshot.commit.run();
}
