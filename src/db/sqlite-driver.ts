import type SqliteDatabase from 'better-sqlite3';
import {
  type CompiledQuery,
  SelectQueryNode,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';
import { endReadSnapshot } from './read-snapshot.js';
import { assertOutsideTransaction } from './scope.js';

/**
 * SQLite with one writer and one reader connection on the same WAL file.
 *
 * - A transaction runs on the writer, opened with BEGIN IMMEDIATE (every transaction of ours
 *   writes, so it takes the write lock up front instead of failing with SQLITE_BUSY when it
 *   upgrades), one at a time in this process.
 * - A SELECT outside a transaction runs on the reader: under WAL it sees the last committed
 *   state, never a transaction's uncommitted rows, and it never waits for the writer.
 * - Any other statement outside a transaction (a lone INSERT or UPDATE) waits its turn on the
 *   writer like a one-statement transaction.
 */
export class SplitSqliteDialect implements Dialect {
  constructor(private readonly writer: SqliteDatabase.Database, private readonly reader: SqliteDatabase.Database) {}
  createDriver(): Driver {
    return new SplitSqliteDriver(this.writer, this.reader);
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
  createAdapter() {
    return new SplitSqliteAdapter();
  }
  createIntrospector(db: Kysely<unknown>) {
    return new SqliteIntrospector(db);
  }
}

/**
 * Kysely (0.29) runs every query of a dialect whose adapter says it has one connection through a
 * process-wide mutex, so a reader would wait for the writer's open transaction. Ours has two
 * connections and serialises the writer itself (writerTurn below).
 */
class SplitSqliteAdapter extends SqliteAdapter {
  override get supportsMultipleConnections(): boolean {
    return true;
  }
}

class Mutex {
  #tail: Promise<void> = Promise.resolve();
  /** Resolves, once it is this caller's turn, to the function that hands over to the next. */
  lock(): Promise<() => void> {
    let release!: () => void;
    const turn = new Promise<void>((resolve) => (release = resolve));
    const previous = this.#tail;
    this.#tail = previous.then(() => turn);
    return previous.then(() => release);
  }
}

function run(db: SqliteDatabase.Database, compiled: CompiledQuery): QueryResult<unknown> {
  const statement = db.prepare(compiled.sql);
  if (statement.reader) return { rows: statement.all(compiled.parameters as unknown[]) };
  const { changes, lastInsertRowid } = statement.run(compiled.parameters as unknown[]);
  return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
}

class RoutedConnection implements DatabaseConnection {
  /** Set while this connection holds the writer for a transaction. */
  release: (() => void) | undefined;
  constructor(private readonly driver: SplitSqliteDriver) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    if (this.release) return run(this.driver.writer, compiled) as QueryResult<R>;
    if (SelectQueryNode.is(compiled.query)) return run(this.driver.reader, compiled) as QueryResult<R>;
    if (compiled.query.kind === 'RawNode' && this.driver.reader.prepare(compiled.sql).readonly) {
      return run(this.driver.reader, compiled) as QueryResult<R>;
    }
    const release = await this.driver.writerTurn.lock();
    try {
      return run(this.driver.writer, compiled) as QueryResult<R>;
    } finally {
      this.driver.committed();
      release();
    }
  }

  async *streamQuery<R>(compiled: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    // Rows are read at once: an open iterator would keep the shared reader busy across awaits.
    yield (await this.executeQuery(compiled)) as QueryResult<R>;
  }
}

class SplitSqliteDriver implements Driver {
  readonly writerTurn = new Mutex();
  constructor(readonly writer: SqliteDatabase.Database, readonly reader: SqliteDatabase.Database) {}
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    assertOutsideTransaction();
    return new RoutedConnection(this);
  }
  async beginTransaction(connection: RoutedConnection): Promise<void> {
    const release = await this.writerTurn.lock();
    try {
      this.writer.exec('begin immediate');
    } catch (error) {
      release();
      throw error;
    }
    connection.release = release;
  }
  async commitTransaction(connection: RoutedConnection): Promise<void> {
    this.end(connection, 'commit');
  }
  async rollbackTransaction(connection: RoutedConnection): Promise<void> {
    this.end(connection, 'rollback');
  }
  private end(connection: RoutedConnection, command: 'commit' | 'rollback'): void {
    try {
      this.writer.exec(command);
    } finally {
      this.committed();
      const release = connection.release;
      connection.release = undefined;
      release?.();
    }
  }
  /** A write of this process is committed: the next read on the reader must see it (read-snapshot.ts). */
  committed(): void {
    if (this.reader !== this.writer) endReadSnapshot(this.reader);
  }
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {
    this.committed();
    this.reader.close();
    this.writer.close();
  }
}
