import type { Kysely } from 'kysely';

/**
 * Indexes for the inventory and the reports:
 * - events by type and time: the report counts each lifecycle action by month from the index alone;
 * - events by the status they lead to: the inventory summary finds the longest wait in each status
 *   by walking these in id order and stopping early.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('device_events_type_at_idx').on('device_events').columns(['type', 'at']).execute();
  await db.schema.createIndex('device_events_to_status_idx').on('device_events').columns(['to_status', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('device_events_to_status_idx').execute();
  await db.schema.dropIndex('device_events_type_at_idx').execute();
}
