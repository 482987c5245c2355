import { dayInParis } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import { newId } from '../../db/ids.js';
import type { DeviceRow, ErasureRecordRow } from '../../db/schema.js';
import { inTransaction, nowIso, type Executor, type Trx } from '../../db/transaction.js';
import { ProblemError, conflict } from '../../http/problem.js';
import type { Actor } from '../api-keys/service.js';
import { appendEvents } from '../devices/lifecycle.js';
import { deviceDates } from '../devices/dates.js';
import { getDeviceRow } from '../devices/service.js';
import type { Erasure, ErasureInput, ErasureMethod } from './schemas.js';

const STANDARD: Record<ErasureMethod, string> = {
  'nist-800-88-clear': 'NIST SP 800-88 Rev. 2 — Clear',
  'nist-800-88-purge': 'NIST SP 800-88 Rev. 2 — Purge',
  'nist-800-88-destroy': 'NIST SP 800-88 Rev. 2 — Destroy',
};
export const standardOf = (method: string) => STANDARD[method as ErasureMethod] ?? method;

function toErasure(row: ErasureRecordRow, supersededById: string | null, counts: boolean): Erasure {
  return {
    id: row.id,
    deviceId: row.device_id,
    method: row.method,
    standard: standardOf(row.method),
    tool: row.tool,
    performedAt: row.performed_at,
    operator: row.operator,
    result: row.result,
    verification: row.verification,
    storage: JSON.parse(row.storage) as Erasure['storage'],
    toolReportSha256: row.tool_report_sha256,
    notes: row.notes,
    supersedesId: row.supersedes_id,
    supersededById,
    counts,
    deliveryId: row.delivery_id,
    recordedBy: row.recorded_by,
    createdAt: row.created_at,
  };
}

/**
 * The record that counts for a device: records are never changed, a correction supersedes an
 * earlier one, and of the records left the latest passing one counts.
 */
export function countingRecord(records: ErasureRecordRow[]): ErasureRecordRow | undefined {
  const superseded = new Set(records.map((r) => r.supersedes_id).filter(Boolean));
  return records
    .filter((r) => r.result === 'passed' && !superseded.has(r.id))
    .sort((a, b) => (a.performed_at === b.performed_at ? cmp(a.created_at, b.created_at) : cmp(a.performed_at, b.performed_at)))
    .at(-1);
}
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Every record of these devices, oldest first, grouped by device. */
export async function erasureRecordsOf(db: Executor, deviceIds: string[]): Promise<Map<string, ErasureRecordRow[]>> {
  const byDevice = new Map<string, ErasureRecordRow[]>();
  for (let i = 0; i < deviceIds.length; i += 500) {
    const rows = await db
      .selectFrom('erasure_records')
      .selectAll()
      .where('device_id', 'in', deviceIds.slice(i, i + 500))
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    for (const row of rows) byDevice.set(row.device_id, [...(byDevice.get(row.device_id) ?? []), row]);
  }
  return byDevice;
}

/**
 * Appends one immutable record (and an `erasure` event) inside the caller's transaction.
 * `device` as read in the caller's transaction: its status is what the event records (null for
 * a new unit the reconditioner erased before it was ours). The event's business date is the
 * day the erasure was performed, in Paris, not the day it was typed in.
 */
export async function insertErasure(
  trx: Trx,
  device: Pick<DeviceRow, 'id' | 'asset_tag'> & { status: DeviceRow['status'] | null },
  input: ErasureInput,
  actor: Actor,
  deliveryId: string | null = null,
): Promise<ErasureRecordRow> {
  const deviceId = device.id;
  if (input.supersedes) {
    const earlier = await trx.selectFrom('erasure_records').select(['id', 'device_id']).where('id', '=', input.supersedes).executeTakeFirst();
    if (!earlier || earlier.device_id !== deviceId) {
      throw new ProblemError(422, `Erasure record ${input.supersedes} is not a record of ${device.asset_tag}`, {}, [
        { path: 'supersedes', message: 'no such record for this device' },
      ]);
    }
    const already = await trx.selectFrom('erasure_records').select('id').where('supersedes_id', '=', input.supersedes).executeTakeFirst();
    if (already) throw conflict(`Erasure record ${input.supersedes} was already superseded by ${already.id}`, { supersededById: already.id });
  }
  const row: ErasureRecordRow = {
    id: newId(),
    device_id: deviceId,
    method: input.method,
    tool: input.tool,
    performed_at: new Date(input.performedAt).toISOString(),
    operator: input.operator,
    result: input.result,
    verification: input.verification ?? null,
    storage: JSON.stringify(
      (input.storage ?? []).map((s) => ({ serialNumber: s.serialNumber ?? null, capacityGb: s.capacityGb ?? null, type: s.type ?? null })),
    ),
    tool_report_sha256: input.toolReportSha256 ?? null,
    notes: input.notes ?? null,
    supersedes_id: input.supersedes ?? null,
    delivery_id: deliveryId,
    recorded_by: actor.name,
    created_at: nowIso(),
  };
  await trx.insertInto('erasure_records').values(row).execute();
  // The operator's name stays in the record, not in the event feed.
  await appendEvents(trx, [{
    deviceId,
    type: 'erasure',
    fromStatus: device.status,
    toStatus: device.status,
    actor: actor.name,
    details: { erasureId: row.id, method: row.method, result: row.result, ...(row.supersedes_id ? { supersedes: row.supersedes_id } : {}) },
    occurredOn: dayInParis(new Date(row.performed_at)),
  }]);
  return row;
}

export async function recordErasure(db: Db, deviceId: string, input: ErasureInput, actor: Actor): Promise<Erasure> {
  return inTransaction(db, async (trx) => {
    const device = await getDeviceRow(trx, deviceId);
    await assertPerformedInHand(trx, device, input.performedAt);
    const row = await insertErasure(trx, device, input, actor);
    // Presented inside the transaction: the answer commits with the record (an idempotent replay after a crash).
    const records = (await erasureRecordsOf(trx, [deviceId])).get(deviceId) ?? [];
    return present(records).find((e) => e.id === row.id)!;
  });
}

/**
 * An erasure is done on media in our hands: `performedAt`, as a day in Paris, may not come
 * before the device came into the programme (its collection, or its reception for a unit new
 * from TRIRA) nor before it last came back from a home (a record dated earlier would clear
 * media that a household has used since).
 */
async function assertPerformedInHand(trx: Trx, device: Pick<DeviceRow, 'id' | 'asset_tag'>, performedAt: string): Promise<void> {
  const day = dayInParis(new Date(performedAt));
  const { cameOn, returnedOn } = (await deviceDates(trx, [device.id])).get(device.id)!;
  const bound = returnedOn && (!cameOn || returnedOn > cameOn) ? { on: returnedOn, what: 'it last came back from a home' } : cameOn ? { on: cameOn, what: 'it came into the programme' } : null;
  if (bound && day < bound.on) {
    throw new ProblemError(422, `${device.asset_tag}: an erasure cannot be dated ${day}, before ${bound.what} (${bound.on})`, {}, [
      { path: 'performedAt', message: `before ${bound.what} on ${bound.on} (as a day in Paris)` },
    ]);
  }
}

export async function listErasures(db: Db, deviceId: string): Promise<Erasure[]> {
  await getDeviceRow(db.kysely, deviceId);
  return present((await erasureRecordsOf(db.kysely, [deviceId])).get(deviceId) ?? []);
}

function present(records: ErasureRecordRow[]): Erasure[] {
  const counting = countingRecord(records);
  const supersededBy = new Map(records.filter((r) => r.supersedes_id).map((r) => [r.supersedes_id!, r.id]));
  return records.map((r) => toErasure(r, supersededBy.get(r.id) ?? null, r.id === counting?.id));
}
