import type { Kysely } from 'kysely';
import { blob } from './helpers.js';

/**
 * The lender's side of the contract: the BLÉ staff member's signature drawn on the tablet, kept
 * like the borrower's so that a redacted copy (after anonymisation) still shows it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('installations').addColumn('staff_signed_by', 'text').execute();
  await db.schema.alterTable('installations').addColumn('staff_signed_at', 'text').execute();
  await db.schema.alterTable('installations').addColumn('staff_signature_png', blob(db)).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('installations').dropColumn('staff_signature_png').execute();
  await db.schema.alterTable('installations').dropColumn('staff_signed_at').execute();
  await db.schema.alterTable('installations').dropColumn('staff_signed_by').execute();
}
