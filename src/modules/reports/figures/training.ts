import { sql, type Expression } from 'kysely';
import type { Db } from '../../../db/connection.js';
import type { Period } from '../period.js';
import { suppressSmallCounts, type NeighbourhoodCount } from './neighbourhoods.js';
import { addTo, type FigureGroup, type Figures } from './types.js';

type Key = 'peopleTrained' | 'peopleTrainedInCycles' | 'peopleAttended' | 'workshopsHeld' | 'trainingHours';

const month = (column: Expression<string | null>) => sql<string>`substr(${column}, 1, 7)`;
const hours = (minutes: number) => Math.round((minutes / 60) * 100) / 100;

/**
 * Every training completion dated in [from, to], one row each: a recorded cycle's (its
 * completion date, from attendance or an admin's override; `in_cycle` 1) and the date entered
 * by hand on the person (`trainingCompletedOn`, what the installation check reads; `in_cycle`
 * 0). A person the training module completed has their earliest cycle's date there too, so
 * count distinct people. Anonymisation keeps both dates (tied to the reference only, as the
 * installations and the neighbourhood are): the figures do not shrink when someone exercises
 * their right to erasure.
 */
function completions(db: Db, from: string, to: string) {
  const k = db.kysely;
  return k
    .selectFrom('training_enrolments')
    .select(['beneficiary_id', 'completed_on as day', sql<number>`1`.as('in_cycle')])
    .where('completed_on', '>=', from)
    .where('completed_on', '<=', to)
    .unionAll(
      k
        .selectFrom('beneficiaries')
        .select(['id as beneficiary_id', 'training_completed_on as day', sql<number>`0`.as('in_cycle')])
        .where('training_completed_on', '>=', from)
        .where('training_completed_on', '<=', to),
    );
}

/** Distinct people trained, and of them those who completed a recorded cycle. */
const trainedCounts = sql<number>`count(distinct c.beneficiary_id)`;
const trainedInCycles = sql<number>`count(distinct case when c.in_cycle = 1 then c.beneficiary_id end)`;

/**
 * The training side of the funder's three headline figures (issue 14; the third, computers
 * installed, is a movement: figures/movements.ts), each over the period
 * and by month, one grouped query per figure:
 * - `peopleTrained`: distinct people whose training completion falls in the period, whether
 *   recorded through a cycle (its completion date) or entered by hand on the person
 *   (`trainingCompletedOn`) — a person counts once, however many completions they have; and
 *   `peopleTrainedInCycles`, those of them with a recorded cycle completed in the period;
 * - `peopleAttended`: distinct people present at one workshop of the period at least;
 * - `workshopsHeld`: sessions of the period where someone was present (a planned session
 *   nobody attended, or not recorded yet, was not held), and `trainingHours` their duration.
 * By month, a person counts in each month they qualify in, so months may add up to more.
 */
export const trainingFigures: Figures<Key> = async (db, period) => {
  const k = db.kysely;
  const [trained, attended, held] = await Promise.all([
    k
      .selectFrom(completions(db, period.from, period.to).as('c'))
      .select((eb) => [month(eb.ref('c.day')).as('month'), trainedCounts.as('n'), trainedInCycles.as('cycles')])
      .groupBy(sql`substr(c.day, 1, 7)`)
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
  for (const r of trained) {
    addTo(byMonth, r.month, 'peopleTrained', Number(r.n));
    addTo(byMonth, r.month, 'peopleTrainedInCycles', Number(r.cycles));
  }
  for (const r of attended) addTo(byMonth, r.month, 'peopleAttended', Number(r.n));
  for (const r of held) {
    addTo(byMonth, r.month, 'workshopsHeld', Number(r.n));
    addTo(byMonth, r.month, 'trainingHours', hours(Number(r.minutes)));
  }

  // Distinct people over the whole period: not the sum of the months.
  const [trainedTotal, attendedTotal] = await Promise.all([
    k.selectFrom(completions(db, period.from, period.to).as('c')).select([trainedCounts.as('n'), trainedInCycles.as('cycles')]).executeTakeFirstOrThrow(),
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
      peopleTrainedInCycles: Number(trainedTotal.cycles),
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
 * People trained (as `peopleTrained`: a cycle or a date entered by hand) and people who
 * attended in the period, by the beneficiary's neighbourhood,
 * with the report's small-count suppression applied to each list on its own (as for
 * installations). Listed by name, unrecorded last.
 */
export async function trainingByNeighbourhood(db: Db, period: Period): Promise<{ peopleTrained: PeopleByNeighbourhood[] | null; peopleAttended: PeopleByNeighbourhood[] | null }> {
  const k = db.kysely;
  const [trained, attended] = await Promise.all([
    k
      .selectFrom(completions(db, period.from, period.to).as('c'))
      .innerJoin('beneficiaries', 'beneficiaries.id', 'c.beneficiary_id')
      .select(['beneficiaries.neighbourhood', trainedCounts.as('n')])
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
