import type { Db } from '../../db/connection.js';
import { inTransaction, nowIso, type Trx } from '../../db/transaction.js';
import { ProblemError, conflict } from '../../http/problem.js';
import { assertNotFuture } from '../../shared/business-date.js';
import type { Actor } from '../api-keys/service.js';
import { transition } from '../devices/lifecycle.js';
import { appendEntries } from '../exchange/ledger.js';
import { lockLedger, termsInForce, today } from '../exchange/terms.js';
import type { ShipmentSummary } from './schemas.js';
import { assertOpen, lockShipment, summaryOf } from './service.js';

/**
 * Hands the shipment over: every device turns `shipped` and the shipment freezes, in one
 * transaction; each device earns the credits of the terms in force on the dispatch date.
 */
export async function dispatchShipment(db: Db, shipmentId: string, dispatchedOn: string | undefined, actor: Actor): Promise<ShipmentSummary> {
  const date = dispatchedOn ?? today();
  assertNotFuture(date, 'dispatchedOn', 'A shipment');
  return inTransaction(db, async (trx) => {
    const shipment = await lockShipment(trx, shipmentId);
    assertOpen(shipment);
    const items = await trx.selectFrom('shipment_items').select('device_id').where('shipment_id', '=', shipmentId).execute();
    if (items.length === 0) throw conflict(`Shipment ${shipment.reference} is empty: add devices before dispatching it`, { itemCount: 0 });
    await assertCollectedBefore(trx, shipmentId, date);
    const moved = await transition(trx, items.map((i) => i.device_id), 'dispatch', actor, { shipmentId, reference: shipment.reference }, {}, date);

    await lockLedger(trx);
    const terms = await termsInForce(trx, date);
    const byCredit = new Map<number, string[]>();
    for (const device of moved) {
      const credit = terms.creditsMilli[device.kind] ?? 0;
      byCredit.set(credit, [...(byCredit.get(credit) ?? []), device.id]);
    }
    for (const [credit, ids] of byCredit) {
      for (let i = 0; i < ids.length; i += 500) {
        await trx
          .updateTable('shipment_items')
          .set({ is_open: 0, credits_milli: credit })
          .where('shipment_id', '=', shipmentId)
          .where('device_id', 'in', ids.slice(i, i + 500))
          .execute();
      }
    }
    await appendEntries(
      trx,
      moved
        .filter((d) => (terms.creditsMilli[d.kind] ?? 0) > 0)
        .sort((a, b) => a.asset_number - b.asset_number)
        .map((d) => ({ type: 'credit', occurredOn: date, unitsMilli: terms.creditsMilli[d.kind], shipmentId, deviceId: d.id, kind: d.kind })),
      actor,
    );
    const now = nowIso();
    const update = { status: 'dispatched' as const, dispatched_on: date, dispatched_at: now, dispatched_by: actor.name, updated_at: now };
    await trx.updateTable('shipments').set(update).where('id', '=', shipmentId).execute();
    return summaryOf(trx, { ...shipment, ...update });
  });
}

/** A device cannot leave before the day it was collected (units the reconditioner brought have no collection). */
async function assertCollectedBefore(trx: Trx, shipmentId: string, date: string): Promise<void> {
  const late = await trx
    .selectFrom('devices')
    .innerJoin('collections', 'collections.id', 'devices.collection_id')
    .select(['devices.asset_tag', 'collections.collected_on'])
    .where('devices.id', 'in', (eb) => eb.selectFrom('shipment_items').select('shipment_items.device_id').where('shipment_items.shipment_id', '=', shipmentId))
    .where('collections.collected_on', '>', date)
    .orderBy('devices.asset_number')
    .limit(20)
    .execute();
  if (late.length === 0) return;
  throw new ProblemError(
    422,
    `A shipment cannot be dispatched before its devices were collected: ${late.map((d) => `${d.asset_tag} collected on ${d.collected_on}`).join(', ')}`,
    {},
    [{ path: 'dispatchedOn', message: `before ${late[0].asset_tag} was collected (${late[0].collected_on})` }],
  );
}
