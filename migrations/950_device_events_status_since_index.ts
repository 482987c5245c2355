import type { Kysely } from 'kysely';

/**
 * The inventory summary's "waiting longest" per status walks the events that moved a device into
 * it in the order they happened (business date, then recording order): this index is that walk.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('device_events_status_since_idx').on('device_events').columns(['to_status', 'occurred_on', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('device_events_status_since_idx').execute();
}
