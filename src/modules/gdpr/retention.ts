import { now as clockNow } from '../../clock.js';
import type { Db } from '../../db/connection.js';
import { ACTIVE_STATUSES } from '../installations/store.js';
import { reclaimFreedSpace } from '../../db/reclaim.js';
import { PERSONAL_TABLES, anonymiseBeneficiary } from './service.js';

export interface RetentionResult {
  cutoff: string;
  anonymised: string[];
  keptActiveLoan: string[];
}

/** The moment `months` calendar months before `now` (UTC). */
export function monthsBefore(now: Date, months: number): Date {
  const cutoff = new Date(now);
  cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
  return cutoff;
}

/**
 * Anonymises every beneficiary whose last contact (the latest of registration, an installation
 * being scheduled or done, a return) is older than `months`. A person whose loan is scheduled
 * or still in force is kept: the contract is being performed. Each person is its own
 * transaction that re-checks under lock, so a rerun or two overlapping runs do no harm.
 */
export async function applyRetention(db: Db, months: number, now = clockNow()): Promise<RetentionResult> {
  const cutoff = monthsBefore(now, months).toISOString();
  const candidates = await db.kysely
    .selectFrom('beneficiaries')
    .select(['id', 'reference', 'created_at'])
    .where('anonymised_at', 'is', null)
    .where('created_at', '<', cutoff)
    .orderBy('id')
    .execute();
  const result: RetentionResult = { cutoff, anonymised: [], keptActiveLoan: [] };
  for (const person of candidates) {
    const installations = await db.kysely
      .selectFrom('installations')
      .leftJoin('installation_devices', 'installation_devices.installation_id', 'installations.id')
      .select(['installations.status', 'installations.created_at', 'installations.installed_on', 'installation_devices.returned_on'])
      .where('installations.beneficiary_id', '=', person.id)
      .execute();
    const settled = await db.kysely
      .selectFrom('installation_accessory_settlements')
      .innerJoin('installations', 'installations.id', 'installation_accessory_settlements.installation_id')
      .select('installation_accessory_settlements.settled_on')
      .where('installations.beneficiary_id', '=', person.id)
      .execute();
    const contacts = [person.created_at, ...installations.flatMap((i) => [i.created_at, i.installed_on, i.returned_on]), ...settled.map((s) => s.settled_on)].filter((d): d is string => !!d);
    const last = contacts.reduce((a, b) => (a > b ? a : b));
    if (last >= cutoff) continue;
    if (installations.some((i) => (ACTIVE_STATUSES as readonly string[]).includes(i.status))) {
      result.keptActiveLoan.push(person.reference);
      continue;
    }
    try {
      await anonymiseBeneficiary(db, person.id, { name: 'gdpr-retention' }, 'retention');
      result.anonymised.push(person.reference);
    } catch (error) {
      // Anonymised meanwhile by another run or a request: nothing left to do for this person.
      if ((error as { status?: number }).status !== 409) throw error;
    }
  }
  if (result.anonymised.length) await reclaimFreedSpace(db, PERSONAL_TABLES);
  return result;
}
