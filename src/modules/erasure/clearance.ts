import { dayInParis } from '../../clock.js';
import type { ErasureRecordRow } from '../../db/schema.js';
import type { Executor } from '../../db/transaction.js';
import { deviceDates } from '../devices/dates.js';
import { QUALIFYING_METHODS, type ErasureMethod } from './schemas.js';
import { countingRecord, erasureRecordsOf, standardOf } from './service.js';

export interface Clearance {
  /** When the device last entered or left a home (`complete`, `return`), if ever. */
  lastInHomeAt: string | null;
  /** The day it last came back from a home (`returnedOn`), if ever. */
  returnedOn: string | null;
  /** The records made since then and performed (as a Paris day) on or after that return: only they can clear the device. */
  eligible: ErasureRecordRow[];
  /** Of those, the one that counts (the latest passing one not superseded). */
  counting: ErasureRecordRow | undefined;
  /** True when that record's method lets the media be reused (Purge, or Destroy of storage since replaced). */
  cleared: boolean;
}

/**
 * The one rule for a data-bearing device's media to be reused, for reconditioning (which
 * refuses otherwise) and the inventory (which counts the devices still waiting): the record
 * that counts among those made after the device last was in a home (and performed no earlier
 * than the day it came back) must be a passing Purge
 * (or Destroy). Batched: two queries per 500 devices.
 */
export async function erasureClearance(db: Executor, deviceIds: string[]): Promise<Map<string, Clearance>> {
  const records = await erasureRecordsOf(db, deviceIds);
  const dates = await deviceDates(db, deviceIds);
  const lastInHome = new Map<string, string>();
  for (let i = 0; i < deviceIds.length; i += 500) {
    const rows = await db
      .selectFrom('device_events')
      .select((eb) => ['device_id', eb.fn.max('at').as('at')])
      .where('device_id', 'in', deviceIds.slice(i, i + 500))
      .where('type', 'in', ['complete', 'return'])
      .groupBy('device_id')
      .execute();
    for (const row of rows) lastInHome.set(row.device_id, String(row.at));
  }
  return new Map(
    deviceIds.map((id) => {
      const since = lastInHome.get(id) ?? null;
      const returnedOn = dates.get(id)?.returnedOn ?? null;
      const all = records.get(id) ?? [];
      // Recorded after the device left the home, and performed no earlier than the day it came back.
      const eligible = all.filter((r) => (!since || r.created_at > since) && (!returnedOn || dayInParis(new Date(r.performed_at)) >= returnedOn));
      const counting = countingRecord(eligible);
      return [id, { lastInHomeAt: since, returnedOn, eligible, counting, cleared: !!counting && QUALIFYING_METHODS.includes(counting.method as ErasureMethod) }];
    }),
  );
}

/** What a data-bearing device still needs before reuse or disposal, in words; null when its media are cleared. */
export function clearanceGap(clearance: Clearance | undefined, kind: string): string | null {
  if (clearance?.cleared) return null;
  const need = `a ${kind} needs a passing NIST SP 800-88 Purge or Destroy on record`;
  if (!clearance?.counting) {
    const failed = clearance?.eligible.some((r) => r.result === 'failed');
    const since = clearance?.lastInHomeAt ? ' since it came back from a home' : '';
    return `${need}${since}; ${failed ? 'its erasure records failed' : 'it has none'}`;
  }
  return `${need}; the record that counts is a ${standardOf(clearance.counting.method)}, which does not qualify`;
}

/** True when an attestation given with the device (e.g. on a delivery) clears it by itself. */
export const attestationClears = (attestation: { method: string; result: string } | null | undefined) =>
  !!attestation && attestation.result === 'passed' && QUALIFYING_METHODS.includes(attestation.method as ErasureMethod);
