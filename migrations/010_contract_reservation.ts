import type { Kysely } from 'kysely';

/**
 * The contract number a completion took before rendering the contract outside its write
 * transaction. Kept on the installation so that a retry, a concurrent completion or a restart
 * after a crash renders with the same number instead of burning another one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('installations').addColumn('contract_number_reserved', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('installations').dropColumn('contract_number_reserved').execute();
}
