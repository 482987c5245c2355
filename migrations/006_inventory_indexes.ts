import type { Kysely } from 'kysely';

/** Indexes for the inventory (list, CSV, summary, change feed) and the programme report. */
export async function up(db: Kysely<any>): Promise<void> {
  // The list's most common filters together, already in asset tag order; also counts by status and kind from the index alone.
  await db.schema.createIndex('devices_status_kind_idx').on('devices').columns(['status', 'kind', 'asset_number']).execute();
  // The report: devices of the month's collections, by kind and weight, from the index alone.
  await db.schema.createIndex('collections_collected_on_idx').on('collections').columns(['collected_on', 'id']).execute();
  await db.schema.createIndex('devices_collection_kind_idx').on('devices').columns(['collection_id', 'kind', 'weight_kg']).execute();
  // The report: each lifecycle action counted by month.
  await db.schema.createIndex('device_events_type_at_idx').on('device_events').columns(['type', 'at']).execute();
  // The summary: the longest wait in each status, walking the moves into it oldest first.
  await db.schema.createIndex('device_events_to_status_idx').on('device_events').columns(['to_status', 'id']).execute();
  // The summary: a device's erasure events, found without reading its whole history.
  await db.schema.createIndex('device_events_device_type_idx').on('device_events').columns(['device_id', 'type', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of [
    'device_events_device_type_idx',
    'device_events_to_status_idx',
    'device_events_type_at_idx',
    'devices_collection_kind_idx',
    'collections_collected_on_idx',
    'devices_status_kind_idx',
  ]) {
    await db.schema.dropIndex(index).execute();
  }
}
