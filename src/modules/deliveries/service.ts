import { sql } from 'kysely';
import { dayInParis } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import { newId } from '../../db/ids.js';
import type { DeviceRow } from '../../db/schema.js';
import { inTransaction, nowIso, type Executor, type Trx } from '../../db/transaction.js';
import { decodeCursor, toPage } from '../../http/pagination.js';
import { ProblemError, notFound, type FieldError } from '../../http/problem.js';
import { assertNotFuture } from '../../shared/business-date.js';
import type { Actor } from '../api-keys/service.js';
import { insertNewDevices } from '../devices/intake.js';
import { illegalTransition, lockDevices, setGrade, setMissing, transition, TRANSITIONS } from '../devices/lifecycle.js';
import { DATA_BEARING_KINDS, GRADES, type DeviceIntake, type DeviceKind } from '../devices/schemas.js';
import { attestationClears, clearanceGap, erasureClearance, type Clearance } from '../erasure/clearance.js';
import { rethrowSerialRace, toDevice } from '../devices/service.js';
import { insertErasure, standardOf } from '../erasure/service.js';
import { appendEntries } from '../exchange/ledger.js';
import { resolveCodes } from '../shipments/items.js';
import type { CreateDelivery, Delivery, DeliverySummary } from './schemas.js';

type Item = CreateDelivery['items'][number];
const isReturn = (item: Item): item is Extract<Item, { code: string }> => 'code' in item;

/**
 * Reconditioned computers received from the reconditioner, all or nothing: devices we shipped
 * come back `ready` (a missing flag is cleared), new units get an asset tag with origin
 * `reconditioner`. Each unit received is one unit off the exchange balance.
 */
export async function createDelivery(db: Db, input: CreateDelivery, actor: Actor, prefix: string): Promise<Delivery> {
  assertNotFuture(input.receivedOn, 'receivedOn', 'A delivery');
  const codes = input.items.filter(isReturn).map((i) => i.code);
  const resolved = await resolveCodes(db, codes);
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  input.items.forEach((item, index) => {
    if (!isReturn(item)) return;
    const device = resolved.get(item.code);
    if (!device) errors.push({ path: `items.${index}.code`, message: 'no device has this code' });
    else if (seen.has(device.id)) errors.push({ path: `items.${index}.code`, message: `${device.asset_tag} appears twice` });
    else seen.add(device.id);
  });
  if (errors.length) throw new ProblemError(422, 'Some delivered codes are unknown or repeated', {}, errors);
  const newItems = input.items.filter((i) => !isReturn(i));

  try {
    return await inTransaction(db, async (trx) => {
      const deliveryId = newId();
      const now = nowIso();
      const details = { deliveryId, reference: input.reference };
      const returnedIds = [...seen];
      // Lock order shared by every writer: devices, then counters, then the event lock.
      const locked = await lockDevices(trx, [...returnedIds].sort());
      await assertReceivable(trx, input, resolved, locked);
      // The attestations' erasure events come before the deliver events: TRIRA erased each unit
      // before handing it over, so a unit's history reads erased (while shipped, or before it
      // was ours for a new unit), then received ready.
      for (const item of input.items) {
        if (isReturn(item) && item.erasure) await insertErasure(trx, locked.get(resolved.get(item.code)!.id)!, item.erasure, actor, deliveryId);
      }
      const created = await insertNewDevices(
        trx,
        newItems.map(({ erasure: _erasure, ...device }) => device as DeviceIntake),
        {
          prefix, status: 'ready', origin: 'reconditioner', collectionId: null, donorId: null, eventType: 'deliver', details, occurredOn: input.receivedOn,
          beforeEvents: async (rows) => {
            for (const [index, row] of rows.entries()) {
              const erasure = newItems[index].erasure;
              if (erasure) await insertErasure(trx, { ...row, status: null }, erasure, actor, deliveryId);
            }
          },
        },
        actor,
      );
      const returned = await transition(trx, returnedIds, 'deliver', actor, details, {}, input.receivedOn);
      const found = returned.filter((d) => d.missing_since).map((d) => d.id);
      if (found.length) await setMissing(trx, found, null);
      for (const grade of GRADES) {
        const ids = input.items.flatMap((item) => (isReturn(item) && item.grade === grade ? [resolved.get(item.code)!.id] : []));
        for (const row of await setGrade(trx, ids, grade)) returned[returned.findIndex((d) => d.id === row.id)] = row;
      }
      const byCode = new Map(returned.map((d) => [d.id, d]));
      let nextNew = 0;
      const ordered: { device: DeviceRow; isNew: boolean; item: Item }[] = input.items.map((item) => {
        if (isReturn(item)) return { device: byCode.get(resolved.get(item.code)!.id)!, isNew: false, item };
        return { device: created[nextNew++], isNew: true, item };
      });
      await trx.insertInto('deliveries').values({ id: deliveryId, reference: input.reference, received_on: input.receivedOn, notes: input.notes ?? null, created_by: actor.name, created_at: now }).execute();
      await trx
        .insertInto('delivery_items')
        .values(ordered.map((o, position) => ({ delivery_id: deliveryId, device_id: o.device.id, is_new: o.isNew ? 1 : 0, position })))
        .execute();
      await appendEntries(
        trx,
        ordered.map((o) => ({ type: 'receipt', occurredOn: input.receivedOn, unitsMilli: -1000, deliveryId, deviceId: o.device.id, kind: o.device.kind })),
        actor,
      );
      // Read inside the transaction: the answer commits with the work (an idempotent replay after a crash).
      return getDelivery(trx, deliveryId);
    });
  } catch (error) {
    return rethrowSerialRace(db, error, newItems.map((i) => (i as DeviceIntake).serialNumber));
  }
}

/**
 * What every delivery must hold before anything is written: each returning device may be
 * delivered (it is `shipped`), none is received before the day it was dispatched nor erased
 * (the attestation's `performedAt`, a Paris day) before it, no attestation is dated after the
 * delivery's `receivedOn` (the reconditioner erases before handing a unit over), and each
 * data-bearing unit, returning or new, has a passing Purge or Destroy — the reconditioner's
 * attestation on the item, or (for a returning unit) a record made since it last left a home.
 * A unit without one is refused with a 409 naming the item (no "awaiting erasure" status: a
 * unit is `ready` only when it may be handed to a household).
 */
async function assertReceivable(trx: Trx, input: CreateDelivery, resolved: Map<string, DeviceRow | undefined>, locked: Map<string, DeviceRow>) {
  const returned = input.items.flatMap((item, index) => (isReturn(item) ? [{ item, index, device: locked.get(resolved.get(item.code)!.id)! }] : []));
  for (const { device } of returned) {
    if (!(TRANSITIONS.deliver.from as readonly string[]).includes(device.status)) throw illegalTransition(device, 'deliver');
  }
  const ids = returned.map((r) => r.device.id);
  const dispatched = new Map<string, string>();
  const receivedBack = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await trx
      .selectFrom('shipment_items')
      .innerJoin('shipments', 'shipments.id', 'shipment_items.shipment_id')
      .select((eb) => ['shipment_items.device_id', eb.fn.max('shipments.dispatched_on').as('on'), eb.fn.max(sql<string>`case when shipment_items.missing = 0 then shipments.received_on end`).as('receivedOn')])
      .where('shipment_items.device_id', 'in', ids.slice(i, i + 500))
      .groupBy('shipment_items.device_id')
      .execute();
    for (const row of rows) {
      if (row.on) dispatched.set(row.device_id, String(row.on));
      // Its shipment's receipt, once TRIRA confirmed it (a unit reported missing was not received):
      // the unit cannot come back before it arrived.
      if (row.receivedOn && String(row.receivedOn) >= String(row.on ?? '')) receivedBack.set(row.device_id, String(row.receivedOn));
    }
  }
  const early = returned.filter((r) => (dispatched.get(r.device.id) ?? '') > input.receivedOn);
  if (early.length) {
    throw new ProblemError(
      422,
      `A delivery cannot be received before its devices were dispatched: ${early.map((r) => `${r.device.asset_tag} left on ${dispatched.get(r.device.id)}`).join(', ')}`,
      {},
      [{ path: 'receivedOn', message: `before ${early[0].device.asset_tag} was dispatched (${dispatched.get(early[0].device.id)})` }],
    );
  }
  const beforeReceipt = returned.filter((r) => (receivedBack.get(r.device.id) ?? '') > input.receivedOn);
  if (beforeReceipt.length) {
    const [first] = beforeReceipt;
    throw new ProblemError(
      422,
      `A delivery cannot bring back a device before the reconditioner received it: ${beforeReceipt.map((r) => `${r.device.asset_tag} received on ${receivedBack.get(r.device.id)}`).join(', ')}`,
      {},
      [{ path: 'receivedOn', message: `before ${first.device.asset_tag} was received by the reconditioner (${receivedBack.get(first.device.id)})` }],
    );
  }

  // An attestation dated before the unit left us would certify an erasure done while we still
  // held it; one dated after the delivery was received, an erasure TRIRA had not done when it
  // handed the unit over (it erases before delivering). A new unit has no dispatch date: only
  // the second bound applies to it, however long ago it was erased. Both compare Paris days.
  const misdated = input.items.flatMap((item, index) => {
    if (!item.erasure) return [];
    const erasedOn = dayInParis(new Date(item.erasure.performedAt));
    const device = isReturn(item) ? locked.get(resolved.get(item.code)!.id)! : null;
    const dispatchedOn = device && dispatched.get(device.id);
    const path = `items.${index}.erasure.performedAt`;
    if (device && dispatchedOn && erasedOn < dispatchedOn) return [{ path, message: `erased before ${device.asset_tag} was dispatched (${dispatchedOn})` }];
    if (erasedOn > input.receivedOn) return [{ path, message: `erased after the delivery was received (${input.receivedOn})` }];
    return [];
  });
  if (misdated.length) {
    throw new ProblemError(422, "An erasure attestation must be dated between its device's dispatch to the reconditioner (for a returning unit) and the day the delivery was received", {}, misdated);
  }

  const bearing = (kind: DeviceKind) => DATA_BEARING_KINDS.includes(kind);
  const needRecord = returned.filter((r) => bearing(r.device.kind) && !attestationClears(r.item.erasure)).map((r) => r.device.id);
  const clearance = needRecord.length ? await erasureClearance(trx, needRecord) : new Map<string, Clearance>();
  const errors: FieldError[] = [];
  const tags: string[] = [];
  input.items.forEach((item, index) => {
    const device = isReturn(item) ? locked.get(resolved.get(item.code)!.id)! : null;
    const kind = device?.kind ?? (item as DeviceIntake).kind;
    if (!bearing(kind) || attestationClears(item.erasure)) return;
    const given = item.erasure ? `the attestation given is a ${item.erasure.result} ${standardOf(item.erasure.method)}, which does not clear it; ` : '';
    const gap = device ? clearanceGap(clearance.get(device.id), kind) : `a new ${kind} needs the reconditioner's attestation (a passing Purge or Destroy)`;
    if (!gap) return;
    tags.push(device?.asset_tag ?? `item ${index}`);
    errors.push({ path: `items.${index}.erasure`, message: `${given}${gap}` });
  });
  if (errors.length) {
    throw new ProblemError(409, `Data-bearing units cannot become ready without a passing erasure: ${tags.join(', ')}; give the reconditioner's attestation as items[].erasure`, { missing: 'erasure' }, errors);
  }
}

type DeliveryRow = { id: string; reference: string; received_on: string; notes: string | null; created_by: string; created_at: string };

async function countsFor(db: Executor, ids: string[]) {
  if (ids.length === 0) return new Map<string, { count: number; fresh: number }>();
  const rows = await db
    .selectFrom('delivery_items')
    .select((eb) => ['delivery_id', eb.fn.countAll<number>().as('count'), eb.fn.sum<number>('is_new').as('fresh')])
    .where('delivery_id', 'in', ids)
    .groupBy('delivery_id')
    .execute();
  return new Map(rows.map((r) => [r.delivery_id, { count: Number(r.count), fresh: Number(r.fresh ?? 0) }]));
}

function toSummary(row: DeliveryRow, counts = { count: 0, fresh: 0 }): DeliverySummary {
  return {
    id: row.id, reference: row.reference, receivedOn: row.received_on, notes: row.notes,
    itemCount: counts.count, newUnits: counts.fresh, returnedUnits: counts.count - counts.fresh,
    createdBy: row.created_by, createdAt: row.created_at,
  };
}

export async function getDelivery(db: Executor, id: string): Promise<Delivery> {
  const row = await db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`Delivery ${id}`);
  const items = await db
    .selectFrom('delivery_items')
    .innerJoin('devices', 'devices.id', 'delivery_items.device_id')
    .selectAll('devices')
    .select('delivery_items.is_new')
    .where('delivery_items.delivery_id', '=', id)
    .orderBy('delivery_items.position')
    .execute();
  const fresh = items.filter((i) => i.is_new === 1).length;
  return {
    ...toSummary(row, { count: items.length, fresh }),
    items: items.map(({ is_new, ...device }) => ({ isNew: is_new === 1, device: toDevice(device) })),
  };
}

/** Deliveries in the order they were recorded (`newest` first for the staff's list). */
export async function listDeliveries(db: Db, limit: number, cursor?: string, order: 'oldest' | 'newest' = 'oldest') {
  const after = decodeCursor<string>(cursor, 'string');
  let select = db.kysely.selectFrom('deliveries').selectAll().orderBy('id', order === 'newest' ? 'desc' : 'asc').limit(limit + 1);
  if (after) select = select.where('id', order === 'newest' ? '<' : '>', after);
  const rows = await select.execute();
  const counts = await countsFor(db.kysely, rows.map((r) => r.id));
  return toPage(rows, limit, (r) => r.id, (r) => toSummary(r, counts.get(r.id)));
}
