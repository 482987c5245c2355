import type { ExpressionBuilder } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Database } from '../../db/schema.js';
import { DATA_BEARING_KINDS } from '../devices/schemas.js';
import { erasureClearance } from '../erasure/clearance.js';

type WaitingStatus = 'collected' | 'returned';

export interface AwaitingErasure {
  kind: string;
  status: WaitingStatus;
  count: number;
}

/**
 * Data-bearing devices, collected or returned, not yet cleared for reuse by the rule that
 * reconditioning applies (`erasureClearance`): no passing qualifying record since they last
 * were in a home. Devices without any erasure record are counted in SQL (most of them, and
 * certainly not cleared); the few with records go through the rule itself.
 */
export async function awaitingErasure(db: Db): Promise<AwaitingErasure[]> {
  const candidates = () =>
    db.kysely
      .selectFrom('devices')
      .where('devices.status', 'in', ['collected', 'returned'])
      .where('devices.kind', 'in', [...DATA_BEARING_KINDS]);
  const hasRecord = (eb: ExpressionBuilder<Database, 'devices'>) =>
    eb.exists(eb.selectFrom('erasure_records').select('erasure_records.id').whereRef('erasure_records.device_id', '=', 'devices.id'));
  const [unrecorded, recorded] = await Promise.all([
    candidates()
      .select((eb) => ['devices.kind', 'devices.status', eb.fn.countAll<number>().as('count')])
      .where((eb) => eb.not(hasRecord(eb)))
      .groupBy(['devices.kind', 'devices.status'])
      .execute(),
    candidates().select(['devices.id', 'devices.kind', 'devices.status']).where(hasRecord).execute(),
  ]);
  const counts = new Map<string, AwaitingErasure>();
  const add = (kind: string, status: string, n: number) => {
    const key = `${kind}\u0000${status}`;
    const entry = counts.get(key) ?? { kind, status: status as WaitingStatus, count: 0 };
    entry.count += n;
    counts.set(key, entry);
  };
  for (const row of unrecorded) add(row.kind, row.status, Number(row.count));
  const clearance = await erasureClearance(db.kysely, recorded.map((d) => d.id));
  for (const device of recorded) if (!clearance.get(device.id)!.cleared) add(device.kind, device.status, 1);
  return [...counts.values()].sort((a, b) => a.kind.localeCompare(b.kind) || a.status.localeCompare(b.status));
}
