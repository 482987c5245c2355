import type { Db } from '../../db/connection.js';
import { inTransaction, nowIso, type Trx } from '../../db/transaction.js';
import { ProblemError, conflict } from '../../http/problem.js';
import { assertNotFuture } from '../../shared/business-date.js';
import type { Actor } from '../api-keys/service.js';
import { deviceDates, inHandSince } from '../devices/dates.js';
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
    await assertInHandBefore(trx, shipmentId, date);
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

/**
 * A device cannot leave before it was in our hands: collected (or received new from TRIRA), and
 * back from the home it was lent to (`inHandSince`). A dispatch dated earlier would also pick
 * exchange terms that no longer applied: 422 naming `dispatchedOn` and the first such device.
 */
async function assertInHandBefore(trx: Trx, shipmentId: string, date: string): Promise<void> {
  const devices = await trx
    .selectFrom('shipment_items')
    .innerJoin('devices', 'devices.id', 'shipment_items.device_id')
    .select(['devices.id', 'devices.asset_tag'])
    .where('shipment_items.shipment_id', '=', shipmentId)
    .orderBy('devices.asset_number')
    .execute();
  const dates = await deviceDates(trx, devices.map((d) => d.id));
  const late = devices
    .map((d) => ({ ...d, since: inHandSince(dates.get(d.id)!) }))
    .filter((d): d is typeof d & { since: { on: string; what: string } } => d.since !== null && date < d.since.on);
  if (late.length === 0) return;
  const [first] = late;
  throw new ProblemError(
    422,
    `A shipment cannot be dispatched before its devices were in our hands: ${late
      .slice(0, 20)
      .map((d) => `${d.asset_tag} (${d.since.what.replace(/^it /, '')} on ${d.since.on})`)
      .join(', ')}`,
    {},
    [{ path: 'dispatchedOn', message: `before ${first.asset_tag}: ${first.since.what} on ${first.since.on}` }],
  );
}
