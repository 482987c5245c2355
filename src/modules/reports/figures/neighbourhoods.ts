import type { Db } from '../../../db/connection.js';
import type { Period } from '../period.js';

/** Below this, a count could single out a household: it is shown as "< 5". */
export const SMALL_COUNT = 5;
export const SMALL = '< 5';
/** A count of 5 or more hidden so that a "< 5" cannot be worked out from the others. */
export const MASKED = 'masked';

export type NeighbourhoodCount = number | typeof SMALL | typeof MASKED;

export interface NeighbourhoodFigure {
  /** Null: not recorded for the beneficiary. */
  neighbourhood: string | null;
  installations: NeighbourhoodCount;
}

/**
 * Installations completed in the period (by the contract's installation date, as for
 * households), by the beneficiary's neighbourhood. Anonymisation (gdpr/service.ts) keeps
 * the neighbourhood, as it keeps the reference and the contract record: a neighbourhood is not
 * a person, the installation did happen, and the funder's figures must not shrink when someone
 * exercises their right to erasure. What protects people here is the suppression below.
 * Listed by name (not by count, which would hint at the hidden values), unrecorded last.
 */
export async function neighbourhoodFigures(db: Db, period: Period): Promise<NeighbourhoodFigure[]> {
  const rows = await db.kysely
    .selectFrom('installations')
    .innerJoin('beneficiaries', 'beneficiaries.id', 'installations.beneficiary_id')
    .select((eb) => ['beneficiaries.neighbourhood', eb.fn.countAll<number>().as('count')])
    .where('installations.installed_on', '>=', period.from)
    .where('installations.installed_on', '<=', period.to)
    .groupBy('beneficiaries.neighbourhood')
    .execute();
  const shown = suppressSmallCounts(rows.map((r) => Number(r.count)));
  return rows
    .map((r, i) => ({ neighbourhood: r.neighbourhood, installations: shown[i] }))
    .sort((a, b) => (a.neighbourhood === null ? 1 : b.neighbourhood === null ? -1 : a.neighbourhood.localeCompare(b.neighbourhood, 'fr')));
}

/**
 * Primary suppression: every count below 5 is shown as "< 5". That alone is not enough: the
 * table's total is as good as published (it is the number of installations, and
 * `householdsEquipped` equals it whenever no household was equipped twice), so a single "< 5"
 * would be the total minus the cells shown. Omitting a total line would not help for the same
 * reason, hence secondary suppression: as soon as one count is hidden, the smallest counts of
 * 5 or more are masked too, until the hidden cells hold at least one unit more than the least
 * they could (each "< 5" at least 1, each masked cell at least 5, the rule being public). Then
 * even someone who knows the exact sum of the hidden cells finds at least two possible values
 * for each of them. If no count is below 5, everything is shown.
 */
export function suppressSmallCounts(counts: number[]): NeighbourhoodCount[] {
  const shown: NeighbourhoodCount[] = counts.map((n) => (n < SMALL_COUNT ? SMALL : n));
  if (!shown.includes(SMALL)) return shown;
  let slack = counts.reduce((sum, n) => (n < SMALL_COUNT ? sum + n - 1 : sum), 0);
  let masked = 0;
  const bigAscending = counts.map((n, i) => ({ n, i })).filter((c) => c.n >= SMALL_COUNT).sort((a, b) => a.n - b.n);
  for (const { n, i } of bigAscending) {
    if (masked > 0 && slack >= 1) break;
    shown[i] = MASKED;
    masked++;
    slack += n - SMALL_COUNT;
  }
  return shown;
}
