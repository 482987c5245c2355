import { sql } from 'kysely';
import { forUpdate } from '../../db/locks.js';
import type { Db } from '../../db/connection.js';
import { isUniqueViolation } from '../../db/errors.js';
import { newId } from '../../db/ids.js';
import type { ShipmentRow } from '../../db/schema.js';
import { inTransaction, nowIso, takeNumbers, type Executor, type Trx } from '../../db/transaction.js';
import { decodeCursor, toPage } from '../../http/pagination.js';
import { conflict, notFound } from '../../http/problem.js';
import type { Actor } from '../api-keys/service.js';
import { fromMilli } from '../exchange/milli.js';
import type { CreateShipment, ListShipmentsQuery, Shipment, ShipmentItem, ShipmentSummary } from './schemas.js';

interface Totals {
  count: number;
  missing: number;
  weight: number;
  credits: number | null;
}

function toSummary(row: ShipmentRow, totals: Totals = { count: 0, missing: 0, weight: 0, credits: null }): ShipmentSummary {
  return {
    id: row.id,
    reference: row.reference,
    notes: row.notes,
    status: row.status,
    itemCount: totals.count,
    missingCount: totals.missing,
    totalWeightKg: Math.round(totals.weight * 1000) / 1000,
    credits: row.status === 'open' || totals.credits === null ? null : fromMilli(totals.credits),
    dispatchedOn: row.dispatched_on,
    dispatchedAt: row.dispatched_at,
    dispatchedBy: row.dispatched_by,
    receivedOn: row.received_on,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
    acknowledgeNotes: row.acknowledge_notes,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

async function totalsFor(db: Executor, ids: string[]): Promise<Map<string, Totals>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('shipment_items')
    .innerJoin('devices', 'devices.id', 'shipment_items.device_id')
    .select((eb) => [
      'shipment_items.shipment_id',
      eb.fn.countAll<number>().as('count'),
      eb.fn.sum<number>('shipment_items.missing').as('missing'),
      eb.fn.sum<number | null>('devices.weight_kg').as('weight'),
      // Net of devices reported missing: their credits were reversed.
      eb.fn.sum<number | null>(sql`case when shipment_items.missing = 0 then shipment_items.credits_milli else 0 end`).as('credits'),
    ])
    .where('shipment_items.shipment_id', 'in', ids)
    .groupBy('shipment_items.shipment_id')
    .execute();
  return new Map(
    rows.map((r) => [r.shipment_id, { count: Number(r.count), missing: Number(r.missing ?? 0), weight: Number(r.weight ?? 0), credits: r.credits === null ? null : Number(r.credits) }]),
  );
}

export async function getShipmentRow(db: Executor, id: string): Promise<ShipmentRow> {
  const row = await db.selectFrom('shipments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`Shipment ${id}`);
  return row;
}

/** Reads the shipment and, on PostgreSQL, locks its row: every change to a shipment starts here. */
export async function lockShipment(trx: Trx, id: string): Promise<ShipmentRow> {
  const row = await forUpdate(trx, trx.selectFrom('shipments').selectAll().where('id', '=', id)).executeTakeFirst();
  if (!row) throw notFound(`Shipment ${id}`);
  return row;
}

/** Once dispatched, a shipment is the record of what was handed over: it never changes. */
export function assertOpen(row: ShipmentRow): void {
  if (row.status !== 'open') {
    throw conflict(`Shipment ${row.reference} was dispatched on ${row.dispatched_on}; it can no longer change`, { shipmentStatus: row.status });
  }
}

export async function summaryOf(db: Executor, row: ShipmentRow): Promise<ShipmentSummary> {
  return toSummary(row, (await totalsFor(db, [row.id])).get(row.id));
}

export async function shipmentItems(db: Executor, id: string): Promise<ShipmentItem[]> {
  const rows = await db
    .selectFrom('shipment_items')
    .innerJoin('devices', 'devices.id', 'shipment_items.device_id')
    .select([
      'devices.id', 'devices.asset_tag', 'devices.asset_number', 'devices.kind', 'devices.brand', 'devices.model', 'devices.serial_number',
      'devices.weight_kg', 'devices.status', 'shipment_items.missing', 'shipment_items.credits_milli', 'shipment_items.added_at',
    ])
    .where('shipment_items.shipment_id', '=', id)
    .orderBy('devices.asset_number')
    .execute();
  return rows.map((r) => ({
    deviceId: r.id,
    assetTag: r.asset_tag,
    kind: r.kind,
    brand: r.brand,
    model: r.model,
    serialNumber: r.serial_number,
    weightKg: r.weight_kg,
    status: r.status,
    missing: r.missing === 1,
    credits: r.credits_milli === null ? null : fromMilli(Number(r.credits_milli)),
    addedAt: r.added_at,
  }));
}

export async function getShipment(db: Db, id: string): Promise<Shipment> {
  const row = await getShipmentRow(db.kysely, id);
  const [summary, items] = await Promise.all([summaryOf(db.kysely, row), shipmentItems(db.kysely, id)]);
  return { ...summary, items };
}

export async function listShipments(db: Db, query: ListShipmentsQuery) {
  const after = decodeCursor<string>(query.cursor, 'string');
  let select = db.kysely.selectFrom('shipments').selectAll().orderBy('id').limit(query.limit + 1);
  if (after) select = select.where('id', '>', after);
  if (query.status) select = select.where('status', '=', query.status);
  const rows = await select.execute();
  const totals = await totalsFor(db.kysely, rows.map((r) => r.id));
  return toPage(rows, query.limit, (r) => r.id, (r) => toSummary(r, totals.get(r.id)));
}

export async function createShipment(db: Db, input: CreateShipment, actor: Actor): Promise<ShipmentSummary> {
  try {
    return await inTransaction(db, async (trx) => {
      const now = nowIso();
      const reference = input.reference ?? `EXP-${now.slice(0, 4)}-${String(await takeNumbers(trx, 'shipment', 1)).padStart(4, '0')}`;
      const row: ShipmentRow = {
        id: newId(), reference, notes: input.notes ?? null, status: 'open', created_by: actor.name, created_at: now, updated_at: now,
        dispatched_on: null, dispatched_at: null, dispatched_by: null, acknowledged_at: null, acknowledged_by: null, acknowledge_notes: null, received_on: null,
      };
      await trx.insertInto('shipments').values(row).execute();
      return toSummary(row);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`A shipment with the reference ${input.reference} already exists`);
    throw error;
  }
}
