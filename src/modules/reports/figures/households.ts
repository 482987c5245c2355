import { monthRanges } from '../period.js';
import type { FigureGroup, Figures } from './types.js';

type Key = 'householdsEquipped';

/**
 * Households equipped: distinct beneficiaries with an installation completed in the period,
 * by the installation date of the signed contract (`installed_on`; installations returned
 * since still count, cancelled ones never have one). By month, a household equipped twice in
 * two months counts in each, so the months may add up to more than the total. Each count
 * reads its slice of the (installed_on, beneficiary_id) index only.
 */
export const householdFigures: Figures<Key> = async (db, period) => {
  const households = (from: string, to: string) =>
    db.kysely
      .selectFrom('installations')
      .select((eb) => eb.fn.count<number>('beneficiary_id').distinct().as('count'))
      .where('installed_on', '>=', from)
      .where('installed_on', '<=', to)
      .executeTakeFirstOrThrow()
      .then((row) => Number(row.count));
  const [total, months] = await Promise.all([
    households(period.from, period.to),
    Promise.all(monthRanges(period).map(async (range) => [range.month, await households(range.from, range.to)] as const)),
  ]);
  const group: FigureGroup<Key> = {
    totals: { householdsEquipped: total },
    byMonth: new Map(months.filter(([, n]) => n > 0).map(([month, n]) => [month, { householdsEquipped: n }])),
  };
  return group;
};
