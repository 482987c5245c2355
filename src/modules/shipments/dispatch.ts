import type { Db } from '../../db/connection.js';
import { inTransaction, nowIso } from '../../db/transaction.js';
import { conflict } from '../../http/problem.js';
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
