import type { Db } from '../../db/connection.js';
import type { DeviceRow } from '../../db/schema.js';
import { inTransaction, nowIso } from '../../db/transaction.js';
import { ProblemError, notFound } from '../../http/problem.js';
import { lockDevices, TRANSITIONS } from '../devices/lifecycle.js';
import { resolveCode } from '../devices/service.js';
import type { ItemResult, ShipmentSummary } from './schemas.js';
import { assertOpen, lockShipment, summaryOf } from './service.js';

/** Each distinct code to its device, or undefined when no device answers to it. */
export async function resolveCodes(db: Db, codes: string[]): Promise<Map<string, DeviceRow | undefined>> {
  const found = new Map<string, DeviceRow | undefined>();
  for (const code of new Set(codes)) {
    try {
      found.set(code, await resolveCode(db, code));
    } catch (error) {
      if (!(error instanceof ProblemError && error.status === 404)) throw error;
      found.set(code, undefined);
    }
  }
  return found;
}

const DISPATCHABLE: readonly string[] = TRANSITIONS.dispatch.from;

/**
 * Adds scanned devices and answers per code, in one transaction: a bad code never blocks the
 * good ones, and scanning twice is harmless. Devices are locked before deciding, so two
 * shipments scanning the same device concurrently cannot both take it.
 */
export async function addItems(db: Db, shipmentId: string, codes: string[]): Promise<{ results: ItemResult[]; shipment: ShipmentSummary }> {
  const resolved = await resolveCodes(db, codes);
  return inTransaction(db, async (trx) => {
    const shipment = await lockShipment(trx, shipmentId);
    assertOpen(shipment);
    const ids = [...new Set([...resolved.values()].filter((d): d is DeviceRow => !!d).map((d) => d.id))];
    const devices = await lockDevices(trx, ids.sort());
    const placed = new Map<string, string>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await trx.selectFrom('shipment_items').select(['device_id', 'shipment_id']).where('device_id', 'in', ids.slice(i, i + 500)).where('is_open', '=', 1).execute();
      for (const row of rows) placed.set(row.device_id, row.shipment_id);
    }
    const now = nowIso();
    const added: string[] = [];
    const results = codes.map((code): ItemResult => {
      const device = devices.get(resolved.get(code)?.id ?? '');
      if (!device) return { code, outcome: 'not_found', deviceId: null, assetTag: null, status: null, reason: null, shipmentId: null };
      const base = { code, deviceId: device.id, assetTag: device.asset_tag, status: device.status };
      const holder = placed.get(device.id);
      if (holder === shipmentId) return { ...base, outcome: 'already_in_shipment', reason: null, shipmentId };
      if (!DISPATCHABLE.includes(device.status)) {
        return { ...base, outcome: 'not_eligible', reason: `${device.status}: only ${DISPATCHABLE.join(' or ')} devices can be shipped`, shipmentId: null };
      }
      if (holder) return { ...base, outcome: 'not_eligible', reason: 'already in another open shipment', shipmentId: holder };
      placed.set(device.id, shipmentId);
      added.push(device.id);
      return { ...base, outcome: 'added', reason: null, shipmentId };
    });
    for (let i = 0; i < added.length; i += 500) {
      await trx
        .insertInto('shipment_items')
        .values(added.slice(i, i + 500).map((deviceId) => ({ shipment_id: shipmentId, device_id: deviceId, is_open: 1, missing: 0, credits_milli: null, added_at: now })))
        .execute();
    }
    if (added.length) await trx.updateTable('shipments').set({ updated_at: now }).where('id', '=', shipmentId).execute();
    return { results, shipment: await summaryOf(trx, { ...shipment, updated_at: added.length ? now : shipment.updated_at }) };
  });
}

export async function removeItem(db: Db, shipmentId: string, deviceId: string): Promise<void> {
  await inTransaction(db, async (trx) => {
    const shipment = await lockShipment(trx, shipmentId);
    assertOpen(shipment);
    const result = await trx.deleteFrom('shipment_items').where('shipment_id', '=', shipmentId).where('device_id', '=', deviceId).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw notFound(`Device ${deviceId} in shipment ${shipment.reference}`);
    await trx.updateTable('shipments').set({ updated_at: nowIso() }).where('id', '=', shipmentId).execute();
  });
}
