import type { Kysely } from 'kysely';

/**
 * The report's households equipped over the whole period: distinct beneficiaries of the
 * period's installations. Read from (installed_on, beneficiary_id), SQLite counts them through a
 * temporary B-tree of every beneficiary of the period; from (beneficiary_id, installed_on) it
 * reads them already in order and counts each once as it goes (SQLite: 19 → 3 ms of the
 * 36-month report over 34,000 installations). The months' counts keep the first index, which
 * holds each month's slice together.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('installations_beneficiary_installed_idx').on('installations').columns(['beneficiary_id', 'installed_on']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('installations_beneficiary_installed_idx').execute();
}
