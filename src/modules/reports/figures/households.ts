import { sql } from 'kysely';
import { monthsTable } from '../period.js';
import type { FigureGroup, Figures } from './types.js';

type Key = 'householdsEquipped';

/**
 * Households equipped: distinct beneficiaries with an installation completed in the period,
 * by the installation date of the signed contract (`installed_on`; installations returned
 * since still count, cancelled ones never have one). By month, a household equipped twice in
 * two months counts in each, so the months may add up to more than the total. Each month's
 * count reads its slice of the (installed_on, beneficiary_id) index only, all months in one
 * statement (see `monthsTable`).
 */
export const householdFigures: Figures<Key> = async (db, period) => {
  const [total, months] = await Promise.all([
    // Distinct beneficiaries as a DISTINCT subquery, not count(DISTINCT …): so worded, SQLite
    // weighs reading them in order from (beneficiary_id, installed_on), counting each once with
    // no temporary B-tree (migration 910), against the slice of (installed_on, beneficiary_id)
    // and a B-tree, and takes the first for a long period, the second for a short one.
    db.kysely
      .selectFrom((eb) =>
        eb
          .selectFrom('installations')
          .select('beneficiary_id')
          .distinct()
          .where('installed_on', '>=', period.from)
          .where('installed_on', '<=', period.to)
          .as('households'),
      )
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow()
      .then((row) => Number(row.count)),
    sql<{ month_key: string; households: number }>`${monthsTable(period)}
      select month_key, (select count(distinct beneficiary_id) from installations
        where installed_on >= months.first_day and installed_on <= months.last_day) as households
      from months`
      .execute(db.kysely)
      .then((result) => result.rows.map((row) => [row.month_key, Number(row.households)] as const)),
  ]);
  const group: FigureGroup<Key> = {
    totals: { householdsEquipped: total },
    byMonth: new Map(months.filter(([, n]) => n > 0).map(([month, n]) => [month, { householdsEquipped: n }])),
  };
  return group;
};
