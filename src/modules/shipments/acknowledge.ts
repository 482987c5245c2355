import type { Db } from '../../db/connection.js';
import { inTransaction, nowIso, type Trx } from '../../db/transaction.js';
import { ProblemError, conflict, type FieldError } from '../../http/problem.js';
import { assertNotFuture } from '../../shared/business-date.js';
import type { Actor } from '../api-keys/service.js';
import { appendEvents, lockDevices, setMissing } from '../devices/lifecycle.js';
import { appendEntries, SYSTEM_REASONS } from '../exchange/ledger.js';
import { today } from '../exchange/terms.js';
import type { ShipmentSummary } from './schemas.js';
import type { DeviceKind } from '../../shared/enums.js';
import { resolveCodes } from './items.js';
import { lockShipment, summaryOf } from './service.js';

export interface Acknowledgement {
  /** Codes of the devices that did not arrive. */
  missing: string[];
  notes?: string | null;
  /** The day the reconditioner received the shipment; today in Paris by default. */
  receivedOn?: string;
}

/**
 * The reconditioner confirms receipt, on the day it received the shipment. Devices listed as
 * missing are flagged (device and shipment), get a `missing` event, and the credits they
 * earned are reversed, all dated by that day.
 */
export async function acknowledgeShipment(db: Db, shipmentId: string, input: Acknowledgement, actor: Actor): Promise<ShipmentSummary> {
  const receivedOn = input.receivedOn ?? today();
  assertNotFuture(receivedOn, 'receivedOn', 'The receipt of a shipment');
  const missingCodes = input.missing;
  const resolved = await resolveCodes(db, missingCodes);
  return inTransaction(db, async (trx) => {
    const shipment = await lockShipment(trx, shipmentId);
    if (shipment.status === 'open') throw conflict(`Shipment ${shipment.reference} has not been dispatched yet`, { shipmentStatus: shipment.status });
    if (shipment.status === 'acknowledged') {
      throw conflict(`Shipment ${shipment.reference} was already acknowledged by ${shipment.acknowledged_by} at ${shipment.acknowledged_at}`, { shipmentStatus: shipment.status });
    }
    if (shipment.dispatched_on && receivedOn < shipment.dispatched_on) {
      throw new ProblemError(422, `Shipment ${shipment.reference} was dispatched on ${shipment.dispatched_on}: it cannot have been received before`, {}, [{ path: 'receivedOn', message: `before the shipment was dispatched (${shipment.dispatched_on})` }]);
    }
    await assertNotAfterDeliveredBack(trx, shipmentId, shipment.dispatched_on, receivedOn);
    const items = await trx.selectFrom('shipment_items').select(['device_id', 'credits_milli']).where('shipment_id', '=', shipmentId).execute();
    const credits = new Map(items.map((i) => [i.device_id, Number(i.credits_milli ?? 0)]));
    const errors: FieldError[] = [];
    const missing = new Map<string, { id: string; kind: DeviceKind }>();
    missingCodes.forEach((code, index) => {
      const device = resolved.get(code);
      if (!device) errors.push({ path: `missing.${index}`, message: 'no device has this code' });
      else if (!credits.has(device.id)) errors.push({ path: `missing.${index}`, message: `${device.asset_tag} is not in this shipment` });
      else missing.set(device.id, device);
    });
    if (errors.length) throw new ProblemError(422, 'Some codes listed as missing are not devices of this shipment', {}, errors);

    const now = nowIso();
    const ids = [...missing.keys()].sort();
    const locked = await lockDevices(trx, ids);
    for (const device of locked.values()) {
      if (device.status !== 'shipped') {
        throw conflict(`${device.asset_tag} cannot be reported missing: it is ${device.status}, so it was received`, { deviceId: device.id, assetTag: device.asset_tag, currentStatus: device.status });
      }
    }
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      await trx.updateTable('shipment_items').set({ missing: 1 }).where('shipment_id', '=', shipmentId).where('device_id', 'in', chunk).execute();
    }
    await setMissing(trx, ids, now);
    await appendEvents(
      trx,
      ids.map((id) => ({ deviceId: id, type: 'missing', fromStatus: 'shipped', toStatus: 'shipped', actor: actor.name, details: { shipmentId, reference: shipment.reference }, at: now, occurredOn: receivedOn })),
    );
    await appendEntries(
      trx,
      ids
        .filter((id) => credits.get(id)! > 0)
        .map((id) => ({ type: 'credit_reversal', occurredOn: receivedOn, unitsMilli: -credits.get(id)!, shipmentId, deviceId: id, kind: missing.get(id)!.kind, reason: SYSTEM_REASONS.reportedMissing })),
      actor,
    );
    const update = { status: 'acknowledged' as const, acknowledged_at: now, acknowledged_by: actor.name, acknowledge_notes: input.notes ?? null, received_on: receivedOn, updated_at: now };
    await trx.updateTable('shipments').set(update).where('id', '=', shipmentId).execute();
    return summaryOf(trx, { ...shipment, ...update });
  });
}

/**
 * A unit of the shipment already delivered back reconditioned was received before that day: a
 * receipt dated later would have TRIRA receive a unit after handing it back (422 `receivedOn`).
 */
async function assertNotAfterDeliveredBack(trx: Trx, shipmentId: string, dispatchedOn: string | null, receivedOn: string): Promise<void> {
  const first = await trx
    .selectFrom('device_events')
    .innerJoin('shipment_items', 'shipment_items.device_id', 'device_events.device_id')
    .innerJoin('devices', 'devices.id', 'device_events.device_id')
    .select(['devices.asset_tag', 'device_events.occurred_on'])
    .where('shipment_items.shipment_id', '=', shipmentId)
    .where('device_events.type', '=', 'deliver')
    .where('device_events.occurred_on', '>=', dispatchedOn ?? '')
    .where('device_events.occurred_on', '<', receivedOn)
    .orderBy('device_events.occurred_on')
    .limit(1)
    .executeTakeFirst();
  if (!first) return;
  throw new ProblemError(422, `${first.asset_tag} of this shipment was delivered back on ${first.occurred_on}: the shipment cannot have been received after that`, {}, [
    { path: 'receivedOn', message: `after ${first.asset_tag} was delivered back (${first.occurred_on})` },
  ]);
}
