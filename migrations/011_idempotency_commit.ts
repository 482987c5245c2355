import type { Kysely } from 'kysely';

/**
 * Idempotency keys are now written by the work's own transaction (state `committed`, then
 * `done` with the answer), each by one request (`claim_id`). A `running` row is a claim that
 * committed before its work under the old scheme: after a crash it answered 409 for 24 hours,
 * so the ones left are dropped and the retry runs. `created_at` is indexed for the sweep.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('idempotency_keys').addColumn('claim_id', 'text').execute();
  await db.deleteFrom('idempotency_keys').where('state', '=', 'running').execute();
  await db.schema.createIndex('idempotency_keys_created_idx').on('idempotency_keys').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('idempotency_keys_created_idx').execute();
  await db.schema.alterTable('idempotency_keys').dropColumn('claim_id').execute();
}
