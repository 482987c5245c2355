import type { FigureGroup, Figures } from './types.js';

type Key = 'householdsEquipped';

/**
 * Households equipped: distinct beneficiaries with an installation completed in the period,
 * by the installation date of the signed contract (`installed_on`; installations returned
 * since still count, cancelled ones never have one). By month, a household equipped twice in
 * two months counts in each, so the months may add up to more than the total.
 */
export const householdFigures: Figures<Key> = async (db, period) => {
  const rows = await db.kysely
    .selectFrom('installations')
    .select(['beneficiary_id', 'installed_on'])
    .where('installed_on', '>=', period.from)
    .where('installed_on', '<=', period.to)
    .execute();
  const byMonth = new Map<string, Set<string>>();
  for (const row of rows) {
    const month = row.installed_on!.slice(0, 7);
    byMonth.set(month, (byMonth.get(month) ?? new Set()).add(row.beneficiary_id));
  }
  const group: FigureGroup<Key> = {
    totals: { householdsEquipped: new Set(rows.map((r) => r.beneficiary_id)).size },
    byMonth: new Map([...byMonth].map(([month, households]) => [month, { householdsEquipped: households.size }])),
  };
  return group;
};
