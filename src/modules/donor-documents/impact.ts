import type { Db } from '../../db/connection.js';
import { getDonorRow } from '../donors/service.js';
import type { DonorImpact } from './schemas.js';

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/**
 * What became of a donor's machines, for the donor's report. Households are counted from the
 * pseudonymous `beneficiaryReference` of `complete` events (read in JS so both databases agree).
 */
export async function donorImpact(db: Db, donorId: string): Promise<DonorImpact> {
  const donor = await getDonorRow(db, donorId);
  const devices = await db.kysely.selectFrom('devices').select(['id', 'kind', 'status', 'weight_kg']).where('donor_id', '=', donorId).execute();
  const events = await db.kysely
    .selectFrom('device_events')
    .innerJoin('devices', 'devices.id', 'device_events.device_id')
    .select(['device_events.device_id', 'device_events.type', 'device_events.to_status', 'device_events.data'])
    .where('devices.donor_id', '=', donorId)
    .where('device_events.type', 'in', ['complete', 'dispatch', 'recondition', 'deliver'])
    .execute();
  const installed = new Set<string>();
  const reconditioned = new Set<string>();
  const shipped = new Set<string>();
  const households = new Set<string>();
  for (const event of events) {
    if (event.type === 'complete') {
      installed.add(event.device_id);
      const reference = event.data ? (JSON.parse(event.data) as { beneficiaryReference?: unknown }).beneficiaryReference : undefined;
      if (typeof reference === 'string' && reference) households.add(reference);
    } else if (event.type === 'dispatch') {
      shipped.add(event.device_id);
    } else if (event.to_status === 'ready') {
      reconditioned.add(event.device_id);
    }
  }
  const scrapped = devices.filter((d) => d.status === 'scrapped');
  const weight = (list: typeof devices) => round3(list.reduce((sum, d) => sum + (d.weight_kg ?? 0), 0));
  const byKind: Record<string, number> = {};
  for (const d of devices) byKind[d.kind] = (byKind[d.kind] ?? 0) + 1;
  return {
    donorId: donor.id,
    donorName: donor.name,
    devicesGiven: devices.length,
    reused: installed.size,
    reconditioned: reconditioned.size,
    shippedToReconditioner: shipped.size,
    recycled: scrapped.length,
    householdsEquipped: households.size,
    totalWeightKg: weight(devices),
    weightDivertedKg: round3(weight(devices) - weight(scrapped)),
    recycledWeightKg: weight(scrapped),
    byKind,
  };
}
