import type { Kysely } from 'kysely';

/**
 * The report's people trained read the beneficiaries whose `training_completed_on` (the date
 * entered by hand, or the earliest cycle's) falls in the period: without an index that is a
 * scan of every beneficiary, anonymised ones included. With (training_completed_on, id) the
 * range is read from the index alone (it holds both columns the query selects).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('beneficiaries_training_completed_idx').on('beneficiaries').columns(['training_completed_on', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('beneficiaries_training_completed_idx').execute();
}
