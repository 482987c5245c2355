import type { Db } from '../../db/connection.js';
import { inTransaction } from '../../db/transaction.js';
import { ProblemError, conflict, notFound } from '../../http/problem.js';
import { assertNotFuture } from '../../shared/business-date.js';
import type { Actor } from '../api-keys/service.js';
import { clearanceGap, erasureClearance } from '../erasure/clearance.js';
import { assertInHand } from '../devices/dates.js';
import { illegalTransition, lockDevices, transition, TRANSITIONS } from '../devices/lifecycle.js';
import { DATA_BEARING_KINDS, type ScrapInput } from '../devices/schemas.js';

/**
 * Sends a device to recycling. A data-bearing device leaves our hands with its data gone: it
 * needs a passing Purge or Destroy recorded since it last left a home, or the reference of the
 * recycler's destruction certificate (kept in the `scrap` event and printed on the donor's
 * erasure certificate). Otherwise 409 names what is missing. A device in an open shipment is
 * refused (409 naming the shipment): staff remove it from the shipment first. `scrappedOn` may
 * be neither after today (Paris) nor before the device came into the programme or last came
 * back from a home (422 naming `scrappedOn`).
 */
export async function scrapDevice(db: Db, id: string, input: ScrapInput, actor: Actor) {
  if (input.scrappedOn) assertNotFuture(input.scrappedOn, 'scrappedOn', 'A scrapping');
  return inTransaction(db, async (trx) => {
    const device = (await lockDevices(trx, [id])).get(id);
    if (!device) throw notFound(`Device ${id}`);
    if (!(TRANSITIONS.scrap.from as readonly string[]).includes(device.status)) throw illegalTransition(device, 'scrap');
    if (input.scrappedOn) await assertInHand(trx, device, input.scrappedOn, 'scrappedOn', 'scrapping');
    // A device packed for the reconditioner is taken out of the shipment first, by a person who
    // then knows the box is one short; scrapping it silently would block the dispatch.
    const packed = await trx
      .selectFrom('shipment_items')
      .innerJoin('shipments', 'shipments.id', 'shipment_items.shipment_id')
      .select(['shipments.id', 'shipments.reference'])
      .where('shipment_items.device_id', '=', id)
      .where('shipment_items.is_open', '=', 1)
      .executeTakeFirst();
    if (packed) {
      throw conflict(`Cannot scrap ${device.asset_tag}: it is in open shipment ${packed.reference}; remove it from the shipment first`, {
        deviceId: device.id, assetTag: device.asset_tag, shipmentId: packed.id, shipmentReference: packed.reference,
      });
    }
    let erasureId: string | undefined;
    if (DATA_BEARING_KINDS.includes(device.kind) && !input.destructionCertificate) {
      const clearance = (await erasureClearance(trx, [id])).get(id);
      const gap = clearanceGap(clearance, device.kind);
      if (gap) {
        throw new ProblemError(409, `Cannot scrap ${device.asset_tag}: ${gap}; or give the recycler's destruction certificate as destructionCertificate`, {
          deviceId: device.id, assetTag: device.asset_tag, currentStatus: device.status, missing: 'erasure',
        }, [{ path: 'destructionCertificate', message: `required: ${gap}` }]);
      }
      erasureId = clearance!.counting!.id;
    }
    const details = {
      reason: input.reason,
      ...(input.notes ? { notes: input.notes } : {}),
      ...(input.destructionCertificate ? { destructionCertificate: input.destructionCertificate } : {}),
      ...(erasureId ? { erasureId } : {}),
    };
    const [row] = await transition(trx, [id], 'scrap', actor, details, {}, input.scrappedOn);
    return row;
  });
}
