import type { Db } from '../../db/connection.js';
import type { DeviceRow } from '../../db/schema.js';
import { inTransaction, type Trx } from '../../db/transaction.js';
import { ProblemError, conflict, notFound } from '../../http/problem.js';
import { assertNotFuture } from '../../shared/business-date.js';
import type { Actor } from '../api-keys/service.js';
import { assertInHand } from '../devices/dates.js';
import { illegalTransition, lockDevices, transition, TRANSITIONS } from '../devices/lifecycle.js';
import { DATA_BEARING_KINDS, osRefused, osRefusedMessage } from '../devices/schemas.js';
import { erasureClearance } from '../erasure/clearance.js';
import { standardOf } from '../erasure/service.js';
import type { ReconditionInput } from './schemas.js';

/**
 * In-house reconditioning (collected or returned → ready). Media leaving the donor's control
 * for reuse must be purged: a data-bearing device needs, as the record that counts, a passing
 * Purge (or a Destroy of storage since replaced), recorded after it last left a home.
 * `reconditionedOn` may be neither after today (Paris) nor before the device was in our hands:
 * its collection (or reception from TRIRA), or the day it last came back from a home (422).
 */
export async function reconditionDevice(db: Db, id: string, input: ReconditionInput, actor: Actor): Promise<DeviceRow> {
  if (input.reconditionedOn) assertNotFuture(input.reconditionedOn, 'reconditionedOn', 'A reconditioning');
  return inTransaction(db, async (trx) => {
    const device = (await lockDevices(trx, [id])).get(id);
    if (!device) throw notFound(`Device ${id}`);
    if (!(TRANSITIONS.recondition.from as readonly string[]).includes(device.status)) throw illegalTransition(device, 'recondition');
    if (osRefused(device.kind, input.os)) {
      throw new ProblemError(422, `${device.asset_tag}: ${osRefusedMessage(device.kind)}`, {}, [{ path: 'os', message: osRefusedMessage(device.kind) }]);
    }
    if (input.reconditionedOn) await assertInHand(trx, device, input.reconditionedOn, 'reconditionedOn', 'reconditioning');
    const erasureId = await assertPurged(trx, device);
    const changes = { grade: input.grade, ...(input.os ? { os: input.os } : {}), ...(input.notes ? { notes: input.notes } : {}) };
    const [row] = await transition(trx, [id], 'recondition', actor, { grade: input.grade, ...(input.os ? { os: input.os } : {}), ...(erasureId ? { erasureId } : {}) }, changes, input.reconditionedOn);
    return row;
  });
}

async function assertPurged(trx: Trx, device: DeviceRow): Promise<string | null> {
  if (!DATA_BEARING_KINDS.includes(device.kind)) return null;
  const { lastInHomeAt, eligible, counting, cleared } = (await erasureClearance(trx, [device.id])).get(device.id)!;
  const extra = { deviceId: device.id, assetTag: device.asset_tag, currentStatus: device.status, missing: 'erasure' };
  const need = `a ${device.kind} must have a passing NIST SP 800-88 Purge erasure (or a Destroy of storage that was replaced)`;
  if (!counting) {
    const failed = eligible.some((r) => r.result === 'failed');
    const since = lastInHomeAt ? ' recorded since it came back from a home' : '';
    throw conflict(`Cannot recondition ${device.asset_tag}: ${need}${since}; ${failed ? 'its erasure records failed' : 'it has no erasure record'}`, extra);
  }
  if (!cleared) {
    throw conflict(`Cannot recondition ${device.asset_tag}: ${need}; the record that counts is a ${standardOf(counting.method)}, which does not qualify`, {
      ...extra,
      erasureId: counting.id,
    });
  }
  return counting.id;
}
