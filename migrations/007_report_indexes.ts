import type { Kysely } from 'kysely';

/** Indexes for the report's figures from installations and the exchange ledger. */
export async function up(db: Kysely<any>): Promise<void> {
  // Households equipped: distinct beneficiaries of each month's installations, from the index alone.
  await db.schema.createIndex('installations_installed_on_idx').on('installations').columns(['installed_on', 'beneficiary_id']).execute();
  // The exchange balance as of a day: sums by type over the entries dated up to it, from the index alone.
  await db.schema.createIndex('exchange_entries_sums_idx').on('exchange_entries').columns(['type', 'occurred_on', 'units_milli']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('exchange_entries_sums_idx').execute();
  await db.schema.dropIndex('installations_installed_on_idx').execute();
}
