import type { Db } from '../../db/connection.js';
import type { DeviceEvent } from './schemas.js';
import { getDeviceRow, toEvent } from './service.js';

/*
 * What staff read: events in the order they happened (`occurred_on`, the business date the
 * reports count by), the events of one day in the order they were recorded. Data is often typed
 * days later, so recording order alone would put a shipment typed after an erasure behind it
 * although it left first. The API's event list stays in recording order: a feed paged by id.
 */

function withTag(db: Db) {
  return db.kysely
    .selectFrom('device_events')
    .innerJoin('devices', 'devices.id', 'device_events.device_id')
    .selectAll('device_events')
    .select('devices.asset_tag');
}

/** A device's history, oldest first (500 events at most). */
export async function deviceHistory(db: Db, deviceId: string): Promise<DeviceEvent[]> {
  await getDeviceRow(db.kysely, deviceId);
  const rows = await withTag(db)
    .where('device_events.device_id', '=', deviceId)
    .orderBy('device_events.occurred_on')
    .orderBy('device_events.id')
    .limit(500)
    .execute();
  return rows.map(toEvent);
}

/** The events that happened last, newest first: the dashboard's latest activity. */
export async function latestActivity(db: Db, limit: number): Promise<DeviceEvent[]> {
  const rows = await withTag(db).orderBy('device_events.occurred_on', 'desc').orderBy('device_events.id', 'desc').limit(limit).execute();
  return rows.map(toEvent);
}
