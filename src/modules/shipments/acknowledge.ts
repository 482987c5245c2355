import type { Db } from '../../db/connection.js';
import { inTransaction, nowIso } from '../../db/transaction.js';
import { ProblemError, conflict, type FieldError } from '../../http/problem.js';
import type { Actor } from '../api-keys/service.js';
import { appendEvents, lockDevices, setMissing } from '../devices/lifecycle.js';
import { appendEntries, SYSTEM_REASONS } from '../exchange/ledger.js';
import { today } from '../exchange/terms.js';
import type { ShipmentSummary } from './schemas.js';
import type { DeviceKind } from '../../shared/enums.js';
import { resolveCodes } from './items.js';
import { lockShipment, summaryOf } from './service.js';

/**
 * The reconditioner confirms receipt. Devices listed as missing are flagged (device and
 * shipment), get a `missing` event, and the credits they earned are reversed.
 */
export async function acknowledgeShipment(db: Db, shipmentId: string, missingCodes: string[], notes: string | null | undefined, actor: Actor): Promise<ShipmentSummary> {
  const resolved = await resolveCodes(db, missingCodes);
  return inTransaction(db, async (trx) => {
    const shipment = await lockShipment(trx, shipmentId);
    if (shipment.status === 'open') throw conflict(`Shipment ${shipment.reference} has not been dispatched yet`, { shipmentStatus: shipment.status });
    if (shipment.status === 'acknowledged') {
      throw conflict(`Shipment ${shipment.reference} was already acknowledged by ${shipment.acknowledged_by} at ${shipment.acknowledged_at}`, { shipmentStatus: shipment.status });
    }
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
      ids.map((id) => ({ deviceId: id, type: 'missing', fromStatus: 'shipped', toStatus: 'shipped', actor: actor.name, details: { shipmentId, reference: shipment.reference }, at: now })),
    );
    await appendEntries(
      trx,
      ids
        .filter((id) => credits.get(id)! > 0)
        .map((id) => ({ type: 'credit_reversal', occurredOn: today(), unitsMilli: -credits.get(id)!, shipmentId, deviceId: id, kind: missing.get(id)!.kind, reason: SYSTEM_REASONS.reportedMissing })),
      actor,
    );
    const update = { status: 'acknowledged' as const, acknowledged_at: now, acknowledged_by: actor.name, acknowledge_notes: notes ?? null, updated_at: now };
    await trx.updateTable('shipments').set(update).where('id', '=', shipmentId).execute();
    return summaryOf(trx, { ...shipment, ...update });
  });
}
