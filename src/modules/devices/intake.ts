import type { Db } from '../../db/connection.js';
import { newId } from '../../db/ids.js';
import type { DeviceRow } from '../../db/schema.js';
import { inTransaction, nowIso, takeNumbers, type Trx } from '../../db/transaction.js';
import type { Actor } from '../api-keys/service.js';
import { getCollectionRow } from '../collections/service.js';
import { appendEvents } from './lifecycle.js';
import type { DeviceIntake, EventType } from './schemas.js';
import { assertSerialsFree, descriptiveColumns, rethrowSerialRace } from './service.js';

export function formatAssetTag(prefix: string, n: number): string {
  return `${prefix}-${String(n).padStart(6, '0')}`;
}

export interface NewDevicesOptions {
  prefix: string;
  status: 'collected' | 'ready';
  origin: 'donation' | 'reconditioner';
  collectionId: string | null;
  donorId: string | null;
  eventType: EventType;
  details?: Record<string, unknown> | null;
  /** The business date of the events (a delivery's `receivedOn`); the day recorded by default. */
  occurredOn?: string;
  /** Runs once the rows exist, before their events: what happened to a unit before it became ours (a delivery's attestations). */
  beforeEvents?: (rows: DeviceRow[]) => Promise<void>;
}

/**
 * Registers new devices inside the caller's transaction: serials checked, consecutive asset
 * tags taken from the database counter, one event each. Shared by intake and deliveries.
 */
export async function insertNewDevices(trx: Trx, items: DeviceIntake[], options: NewDevicesOptions, actor: Actor): Promise<DeviceRow[]> {
  await assertSerialsFree(trx, items.map((i) => i.serialNumber));
  const first = await takeNumbers(trx, 'asset_tag', items.length);
  const now = nowIso();
  const rows: DeviceRow[] = items.map((item, index) => ({
    id: newId(),
    asset_number: first + index,
    asset_tag: formatAssetTag(options.prefix, first + index),
    brand: null,
    model: null,
    serial_number: null,
    cpu: null,
    ram_gb: null,
    storage_gb: null,
    storage_type: null,
    os: null,
    grade: null,
    weight_kg: null,
    notes: null,
    ...descriptiveColumns(item),
    kind: item.kind,
    status: options.status,
    origin: options.origin,
    collection_id: options.collectionId,
    donor_id: options.donorId,
    version: 1,
    created_at: now,
    updated_at: now,
    missing_since: null,
  }));
  // 23 columns a row: chunks stay far below both databases' bound-parameter limits.
  for (let i = 0; i < rows.length; i += 250) {
    await trx.insertInto('devices').values(rows.slice(i, i + 250)).execute();
  }
  if (options.beforeEvents) await options.beforeEvents(rows);
  await appendEvents(
    trx,
    rows.map((row) => ({ deviceId: row.id, type: options.eventType, fromStatus: null, toStatus: options.status, actor: actor.name, details: options.details ?? null, at: now, occurredOn: options.occurredOn })),
  );
  return rows;
}

/** All or nothing: one transaction for the whole batch. */
export async function intakeDevices(db: Db, collectionId: string, items: DeviceIntake[], actor: Actor, prefix: string): Promise<DeviceRow[]> {
  try {
    return await inTransaction(db, async (trx) => {
      const collection = await getCollectionRow(trx, collectionId);
      return insertNewDevices(
        trx,
        items,
        { prefix, status: 'collected', origin: 'donation', collectionId: collection.id, donorId: collection.donor_id, eventType: 'intake', details: { collectionId }, occurredOn: collection.collected_on },
        actor,
      );
    });
  } catch (error) {
    return rethrowSerialRace(db, error, items.map((i) => i.serialNumber));
  }
}
