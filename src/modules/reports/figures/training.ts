import { sql, type Expression } from 'kysely';
import type { Db } from '../../../db/connection.js';
import type { Period } from '../period.js';
import { suppressSmallCounts, type NeighbourhoodCount } from './neighbourhoods.js';
import { addTo, type FigureGroup, type Figures } from './types.js';

type Key = 'peopleTrained' | 'peopleAttended' | 'workshopsHeld' | 'trainingHours';

const month = (column: Expression<string | null>) => sql<string>`substr(${column}, 1, 7)`;
const hours = (minutes: number) => Math.round((minutes / 60) * 100) / 100;

/**
 * The training side of the funder's three headline figures (issue 14; the third, computers
 * installed, is a movement: figures/movements.ts), each over the period
 * and by month, one grouped query per figure:
 * - `peopleTrained`: distinct people whose completion date of a cycle (from attendance, or an
 *   admin's override) falls in the period — a person completing two cycles counts once;
 * - `peopleAttended`: distinct people present at one workshop of the period at least;
 * - `workshopsHeld`: sessions of the period where someone was present (a planned session
 *   nobody attended, or not recorded yet, was not held), and `trainingHours` their duration.
 * By month, a person counts in each month they qualify in, so months may add up to more.
 */
export const trainingFigures: Figures<Key> = async (db, period) => {
  const k = db.kysely;
  const [trained, attended, held] = await Promise.all([
    k
      .selectFrom('training_enrolments')
      .select((eb) => [month(eb.ref('completed_on')).as('month'), eb.fn.count<number>('beneficiary_id').distinct().as('n')])
      .where('completed_on', '>=', period.from)
      .where('completed_on', '<=', period.to)
      .groupBy(sql`substr(completed_on, 1, 7)`)
      .execute(),
    k
      .selectFrom('training_attendance')
      .innerJoin('training_sessions', 'training_sessions.id', 'training_attendance.session_id')
      .innerJoin('training_enrolments', 'training_enrolments.id', 'training_attendance.enrolment_id')
      .select((eb) => [month(eb.ref('training_sessions.held_on')).as('month'), eb.fn.count<number>('training_enrolments.beneficiary_id').distinct().as('n')])
      .where('training_attendance.status', '=', 'present')
      .where('training_sessions.held_on', '>=', period.from)
      .where('training_sessions.held_on', '<=', period.to)
      .groupBy(sql`substr(training_sessions.held_on, 1, 7)`)
      .execute(),
    k
      .selectFrom('training_sessions')
      .select((eb) => [month(eb.ref('held_on')).as('month'), eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('minutes').as('minutes')])
      .where('held_on', '>=', period.from)
      .where('held_on', '<=', period.to)
      .where((eb) =>
        eb.exists(eb.selectFrom('training_attendance').select('session_id').whereRef('training_attendance.session_id', '=', 'training_sessions.id').where('training_attendance.status', '=', 'present')),
      )
      .groupBy(sql`substr(held_on, 1, 7)`)
      .execute(),
  ]);

  const byMonth: FigureGroup<Key>['byMonth'] = new Map();
  for (const r of trained) addTo(byMonth, r.month, 'peopleTrained', Number(r.n));
  for (const r of attended) addTo(byMonth, r.month, 'peopleAttended', Number(r.n));
  for (const r of held) {
    addTo(byMonth, r.month, 'workshopsHeld', Number(r.n));
    addTo(byMonth, r.month, 'trainingHours', hours(Number(r.minutes)));
  }

  // Distinct people over the whole period: not the sum of the months.
  const [trainedTotal, attendedTotal] = await Promise.all([
    k
      .selectFrom('training_enrolments')
      .select((eb) => eb.fn.count<number>('beneficiary_id').distinct().as('n'))
      .where('completed_on', '>=', period.from)
      .where('completed_on', '<=', period.to)
      .executeTakeFirstOrThrow(),
    k
      .selectFrom('training_attendance')
      .innerJoin('training_sessions', 'training_sessions.id', 'training_attendance.session_id')
      .innerJoin('training_enrolments', 'training_enrolments.id', 'training_attendance.enrolment_id')
      .select((eb) => eb.fn.count<number>('training_enrolments.beneficiary_id').distinct().as('n'))
      .where('training_attendance.status', '=', 'present')
      .where('training_sessions.held_on', '>=', period.from)
      .where('training_sessions.held_on', '<=', period.to)
      .executeTakeFirstOrThrow(),
  ]);
  return {
    totals: {
      peopleTrained: Number(trainedTotal.n),
      peopleAttended: Number(attendedTotal.n),
      workshopsHeld: held.reduce((sum, r) => sum + Number(r.n), 0),
      trainingHours: hours(held.reduce((sum, r) => sum + Number(r.minutes), 0)),
    },
    byMonth,
  };
};

export interface PeopleByNeighbourhood {
  neighbourhood: string | null;
  people: NeighbourhoodCount;
}

/**
 * People trained and people who attended in the period, by the beneficiary's neighbourhood,
 * with the report's small-count suppression applied to each list on its own (as for
 * installations). Listed by name, unrecorded last.
 */
export async function trainingByNeighbourhood(db: Db, period: Period): Promise<{ peopleTrained: PeopleByNeighbourhood[] | null; peopleAttended: PeopleByNeighbourhood[] | null }> {
  const k = db.kysely;
  const [trained, attended] = await Promise.all([
    k
      .selectFrom('training_enrolments')
      .innerJoin('beneficiaries', 'beneficiaries.id', 'training_enrolments.beneficiary_id')
      .select((eb) => ['beneficiaries.neighbourhood', eb.fn.count<number>('training_enrolments.beneficiary_id').distinct().as('n')])
      .where('training_enrolments.completed_on', '>=', period.from)
      .where('training_enrolments.completed_on', '<=', period.to)
      .groupBy('beneficiaries.neighbourhood')
      .execute(),
    k
      .selectFrom('training_attendance')
      .innerJoin('training_sessions', 'training_sessions.id', 'training_attendance.session_id')
      .innerJoin('training_enrolments', 'training_enrolments.id', 'training_attendance.enrolment_id')
      .innerJoin('beneficiaries', 'beneficiaries.id', 'training_enrolments.beneficiary_id')
      .select((eb) => ['beneficiaries.neighbourhood', eb.fn.count<number>('training_enrolments.beneficiary_id').distinct().as('n')])
      .where('training_attendance.status', '=', 'present')
      .where('training_sessions.held_on', '>=', period.from)
      .where('training_sessions.held_on', '<=', period.to)
      .groupBy('beneficiaries.neighbourhood')
      .execute(),
  ]);
  return { peopleTrained: suppressed(trained), peopleAttended: suppressed(attended) };
}

/** Null: withheld, the suppression could not protect it (see suppressSmallCounts). */
function suppressed(rows: { neighbourhood: string | null; n: number }[]): PeopleByNeighbourhood[] | null {
  const shown = suppressSmallCounts(rows.map((r) => Number(r.n)));
  if (!shown) return null;
  return rows
    .map((r, i) => ({ neighbourhood: r.neighbourhood, people: shown[i] }))
    .sort((a, b) => (a.neighbourhood === null ? 1 : b.neighbourhood === null ? -1 : a.neighbourhood.localeCompare(b.neighbourhood, 'fr')));
}
