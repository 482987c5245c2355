import { sql, type Kysely } from 'kysely';
import { isPostgres } from './helpers.js';

/**
 * Every device event gets the business date it stands for (`occurred_on`): the dispatch date,
 * the delivery's `receivedOn`, the contract's `installedOn`, the `returnedOn`. Reports count by
 * it, so data typed weeks after the fact lands in the month it happened. Existing events take
 * the date of their collection, shipment, delivery, installation or return, else the day they were recorded.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('device_events').addColumn('occurred_on', 'text').execute();
  await sql`update device_events set occurred_on = substr(at, 1, 10)`.execute(db);
  const field = (name: string) => (isPostgres(db) ? sql.raw(`(device_events.data::json ->> '${name}')`) : sql.raw(`json_extract(device_events.data, '$.${name}')`));
  const backfill = async (type: string, dateFrom: ReturnType<typeof sql>) => {
    await sql`update device_events set occurred_on = coalesce((${dateFrom}), occurred_on) where type = ${type} and data is not null`.execute(db);
  };
  await backfill('intake', sql`select collected_on from collections where collections.id = ${field('collectionId')}`);
  await backfill('dispatch', sql`select dispatched_on from shipments where shipments.id = ${field('shipmentId')}`);
  await backfill('deliver', sql`select received_on from deliveries where deliveries.id = ${field('deliveryId')}`);
  await backfill('complete', sql`select installed_on from installations where installations.id = ${field('installationId')}`);
  await backfill(
    'return',
    sql`select returned_on from installation_devices where installation_devices.installation_id = ${field('installationId')} and installation_devices.device_id = device_events.device_id`,
  );
  // Each movement figure reads one type's slice of a month, from the index alone.
  await db.schema.createIndex('device_events_occurred_idx').on('device_events').columns(['type', 'occurred_on', 'device_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('device_events_occurred_idx').execute();
  await db.schema.alterTable('device_events').dropColumn('occurred_on').execute();
}
