import { dayInParis } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import type { DeviceEvent } from './schemas.js';
import { getDeviceRow, toEvent } from './service.js';

/*
 * What staff read: events in the order they happened (`occurred_on`, the business date the
 * reports count by), the events of one day in the order they were recorded. Data is often typed
 * days later, so recording order alone would put a shipment typed after an erasure behind it
 * although it left first. The API's event list stays in recording order: a feed paged by id.
 */

/**
 * A unit the reconditioner confirmed receiving. Not a device event: the shipment's
 * acknowledgement is the record of the receipt (`receivedOn`, by whom, when typed) and the unit's
 * status does not change, so the line is read from it; the API's event list and change feed keep
 * the events that change a device, and the two cannot disagree.
 */
export interface ReceiptLine {
  type: 'received';
  /** The shipment's `receivedOn`. */
  occurredOn: string;
  /** When the acknowledgement was recorded. */
  at: string;
  actor: string;
  details: { shipmentId: string; reference: string };
}
export type HistoryLine = DeviceEvent | ReceiptLine;

const MAX_EVENTS = 500;

function withTag(db: Db) {
  return db.kysely
    .selectFrom('device_events')
    .innerJoin('devices', 'devices.id', 'device_events.device_id')
    .selectAll('device_events')
    .select('devices.asset_tag');
}

/** The acknowledged shipments this device arrived in (not reported missing). */
async function receipts(db: Db, deviceId: string): Promise<ReceiptLine[]> {
  const rows = await db.kysely
    .selectFrom('shipment_items')
    .innerJoin('shipments', 'shipments.id', 'shipment_items.shipment_id')
    .select(['shipments.id', 'shipments.reference', 'shipments.received_on', 'shipments.acknowledged_at', 'shipments.acknowledged_by'])
    .where('shipment_items.device_id', '=', deviceId)
    .where('shipment_items.missing', '=', 0)
    .where('shipments.status', '=', 'acknowledged')
    .execute();
  return rows.map((r) => ({
    type: 'received',
    occurredOn: r.received_on ?? dayInParis(new Date(r.acknowledged_at!)),
    at: r.acknowledged_at!,
    actor: r.acknowledged_by!,
    details: { shipmentId: r.id, reference: r.reference },
  }));
}

/** A line the receipt follows: it happened before, or on the same day and was recorded no later. */
const precedes = (line: HistoryLine, receipt: ReceiptLine) => line.occurredOn < receipt.occurredOn || (line.occurredOn === receipt.occurredOn && line.at <= receipt.at);

/** A device's history, oldest first (500 events at most), with the reconditioner's receipts. */
export async function deviceHistory(db: Db, deviceId: string): Promise<HistoryLine[]> {
  await getDeviceRow(db.kysely, deviceId);
  const [rows, received] = await Promise.all([
    withTag(db).where('device_events.device_id', '=', deviceId).orderBy('device_events.occurred_on').orderBy('device_events.id').limit(MAX_EVENTS).execute(),
    receipts(db, deviceId),
  ]);
  const lines: HistoryLine[] = rows.map(toEvent);
  for (const receipt of received) {
    const index = lines.findIndex((line) => !precedes(line, receipt));
    // A capped history ends at its last event: a receipt after it would hide the events between.
    if (index === -1 && rows.length === MAX_EVENTS) continue;
    lines.splice(index === -1 ? lines.length : index, 0, receipt);
  }
  return lines;
}

/** The shipment the device left in last (the dispatch recorded last), and whether the reconditioner confirmed receiving it. */
export function lastShipment(lines: HistoryLine[]): { shipmentId: string; received: boolean } | undefined {
  const dispatches = lines.filter((l): l is DeviceEvent => l.type === 'dispatch').sort((a, b) => Number(a.id) - Number(b.id));
  const shipmentId = dispatches.at(-1)?.details?.shipmentId;
  if (typeof shipmentId !== 'string') return undefined;
  return { shipmentId, received: lines.some((l) => l.type === 'received' && l.details.shipmentId === shipmentId) };
}

/** The events that happened last, newest first: the dashboard's latest activity. */
export async function latestActivity(db: Db, limit: number): Promise<DeviceEvent[]> {
  const rows = await withTag(db).orderBy('device_events.occurred_on', 'desc').orderBy('device_events.id', 'desc').limit(limit).execute();
  return rows.map(toEvent);
}
