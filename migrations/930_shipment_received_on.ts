import { sql, type Kysely } from 'kysely';

/**
 * The day the reconditioner received a shipment, as it says, not the moment its acknowledgement
 * was typed: the credit reversals of devices that did not arrive, the `missing` events and the
 * handover slip are dated by it. Shipments acknowledged before this column existed take the
 * day of their acknowledgement.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('shipments').addColumn('received_on', 'text').execute();
  await sql`update shipments set received_on = substr(acknowledged_at, 1, 10) where acknowledged_at is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('shipments').dropColumn('received_on').execute();
}
