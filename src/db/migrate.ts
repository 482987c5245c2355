import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { Migrator, type MigrationProvider } from 'kysely/migration';
import { migrations } from '../../migrations/index.js';
import type { Database } from './schema.js';

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Runs every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(kysely: Kysely<Database>): Promise<string[]> {
  // Kysely looks for its migration tables in every schema unless told which one: name the
  // current schema, or a database holding several schemas (the PostgreSQL test run) breaks.
  const migrationTableSchema = kysely.getExecutor().adapter instanceof PostgresAdapter
    ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(kysely)).rows[0].schema
    : undefined;
  const migrator = new Migrator({ db: kysely, provider, migrationTableSchema });
  const { error, results = [] } = await migrator.migrateToLatest();
  const failed = results.find((r) => r.status === 'Error');
  if (error) {
    const cause = error instanceof Error ? error.message : String(error);
    throw new Error(`migration ${failed?.migrationName ?? ''} failed: ${cause}`, { cause: error });
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
