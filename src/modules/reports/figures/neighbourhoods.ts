import type { Db } from '../../../db/connection.js';
import { toPeriod, type Period } from '../period.js';

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
 * The month a breakdown by neighbourhood may cover: the last calendar month that lies whole
 * inside the period and is over (before today's month). One month, never several: tables over
 * overlapping spans could be subtracted (October–November minus October is November, exactly,
 * even when November alone is masked), and months are the one grid whose tables never overlap.
 * A month still running changes day by day, so asking again tomorrow would give today's homes.
 * A day or a week holds so few installations that any count could single out a home. Null when
 * the period holds no such month.
 */
export function breakdownMonth(period: Period, today: string): Period | null {
  const from = period.from.endsWith('-01') ? period.from : firstOfNextMonth(period.from);
  const ended = lastOfPreviousMonth(today);
  const whole = isLastDayOfMonth(period.to) ? period.to : lastOfPreviousMonth(period.to);
  const to = whole < ended ? whole : ended;
  if (from > to) return null;
  return toPeriod(`${to.slice(0, 8)}01`, to);
}

function firstOfNextMonth(day: string): string {
  const [year, month] = day.split('-').map(Number);
  return month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
}
function isLastDayOfMonth(day: string): boolean {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).getUTCDate() === 1;
}
function lastOfPreviousMonth(day: string): string {
  return new Date(Date.parse(`${day.slice(0, 8)}01T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

/**
 * Installations completed in the months (by the contract's installation date, as for
 * households), by the beneficiary's neighbourhood. Anonymisation (gdpr/service.ts) keeps
 * the neighbourhood, as it keeps the reference and the contract record: a neighbourhood is not
 * a person, the installation did happen, and the funder's figures must not shrink when someone
 * exercises their right to erasure. What protects people here is the suppression below.
 * Listed by name (not by count, which would hint at the hidden values), unrecorded last.
 * Null when suppression cannot protect the table: it is withheld whole.
 */
export async function neighbourhoodFigures(db: Db, months: Period): Promise<NeighbourhoodFigure[] | null> {
  const rows = await db.kysely
    .selectFrom('installations')
    .innerJoin('beneficiaries', 'beneficiaries.id', 'installations.beneficiary_id')
    .select((eb) => ['beneficiaries.neighbourhood', eb.fn.countAll<number>().as('count')])
    .where('installations.installed_on', '>=', months.from)
    .where('installations.installed_on', '<=', months.to)
    .groupBy('beneficiaries.neighbourhood')
    .execute();
  const shown = suppressSmallCounts(rows.map((r) => Number(r.count)));
  if (!shown) return null;
  return rows
    .map((r, i) => ({ neighbourhood: r.neighbourhood, installations: shown[i] }))
    .sort((a, b) => (a.neighbourhood === null ? 1 : b.neighbourhood === null ? -1 : a.neighbourhood.localeCompare(b.neighbourhood, 'fr')));
}

type Bounds = [low: number, high: number];

/** What a reader who knows the rule and the table's total can tell of each cell: its range. */
function ranges(counts: number[], shown: NeighbourhoodCount[]): Bounds[] {
  const total = counts.reduce((sum, n) => sum + n, 0);
  const bounds: Bounds[] = shown.map((s, i) => (s === SMALL ? [1, SMALL_COUNT - 1] : s === MASKED ? [SMALL_COUNT, Infinity] : [counts[i], counts[i]]));
  const low = bounds.reduce((sum, [l]) => sum + l, 0);
  const finiteHigh = bounds.reduce((sum, [, h]) => (h === Infinity ? sum : sum + h), 0);
  const unbounded = bounds.filter(([, h]) => h === Infinity).length;
  return bounds.map(([l, h]) => {
    // The most the other cells can hold together (unbounded as soon as one of them is masked).
    const othersHigh = unbounded - (h === Infinity ? 1 : 0) > 0 ? Infinity : finiteHigh - (h === Infinity ? 0 : h);
    return [Math.max(l, total - othersHigh), Math.min(h, total - (low - l))];
  });
}

/**
 * Primary suppression: every count below 5 is shown as "< 5". That alone is not enough: the
 * table's total is as good as published (it is the number of installations, and
 * `householdsEquipped` equals it whenever no household was equipped twice), so a single "< 5"
 * would be the total minus the cells shown, and two "< 5" summing to 8 would both be 4. Hence
 * complementary suppression: while a hidden cell's value can be worked out from the total, the
 * other cells and the rule (each "< 5" is 1 to 4, each masked cell 5 or more), the smallest
 * count still shown is masked too. When nothing is left to mask and a hidden cell is still
 * exact (one neighbourhood alone, or all its cells small and tight), the table is withheld:
 * null. If no count is below 5, everything is shown.
 */
export function suppressSmallCounts(counts: number[]): NeighbourhoodCount[] | null {
  const shown: NeighbourhoodCount[] = counts.map((n) => (n < SMALL_COUNT ? SMALL : n));
  if (!shown.includes(SMALL)) return shown;
  const bigAscending = counts.map((n, i) => ({ n, i })).filter((c) => c.n >= SMALL_COUNT).sort((a, b) => a.n - b.n);
  const exposed = () => ranges(counts, shown).some(([low, high], i) => typeof shown[i] !== 'number' && low === high);
  while (exposed()) {
    const next = bigAscending.shift();
    if (!next) return null;
    shown[next.i] = MASKED;
  }
  return shown;
}
