import type { Db } from '../../db/connection.js';
import type { TrainingEvaluationTable } from '../../db/schema.js';
import { inTransaction, nowIso } from '../../db/transaction.js';
import { conflict } from '../../http/problem.js';
import type { Actor } from '../api-keys/service.js';
import { viewOf } from './access.js';
import { SKILL_LABELS, SKILLS, type EvaluationInput, type Review, type Skill } from './schemas.js';
import { SMALL_COUNT } from '../reports/figures/neighbourhoods.js';
import { getCycleRow, getEnrolmentRow } from './store.js';

const COLUMNS: Record<Skill, 'mouse_keyboard' | 'browsing' | 'email' | 'online_procedures' | 'online_safety'> = {
  mouseKeyboard: 'mouse_keyboard',
  browsing: 'browsing',
  email: 'email',
  onlineProcedures: 'online_procedures',
  onlineSafety: 'online_safety',
};

const round2 = (n: number) => Math.round(n * 100) / 100;

type Answers = Record<Skill, number>;
const answersOf = (row: Pick<TrainingEvaluationTable, (typeof COLUMNS)[Skill]>): Answers =>
  Object.fromEntries(SKILLS.map((s) => [s, Number(row[COLUMNS[s]])])) as Answers;

/** The self-assessment at the start or the end of the cycle; recording it again replaces it. */
export async function recordEvaluation(db: Db, enrolmentId: string, moment: 'start' | 'end', input: EvaluationInput, actor: Actor) {
  return inTransaction(db, async (trx) => {
    const enrolment = await getEnrolmentRow(trx, enrolmentId);
    if (enrolment.status === 'waiting') throw conflict('A person on the waiting list has not started this cycle', { currentStatus: 'waiting' });
    const now = nowIso();
    const values = Object.fromEntries(SKILLS.map((s) => [COLUMNS[s], input[s]])) as Record<(typeof COLUMNS)[Skill], number>;
    await trx
      .insertInto('training_evaluations')
      .values({ enrolment_id: enrolmentId, moment, ...values, recorded_by: actor.name, recorded_at: now })
      .onConflict((oc) => oc.columns(['enrolment_id', 'moment']).doUpdateSet({ ...values, recorded_by: actor.name, recorded_at: now }))
      .execute();
    return { enrolmentId, moment, ...input, recordedAt: now };
  });
}

/**
 * The cycle's review ("bilan"): per skill, the average self-assessment at the start and at the
 * end, and the progress of those who answered both times. Individual answers go to installer
 * and admin only; every other role, the cycle's trainers included, gets the aggregates, and
 * only those drawn from at least SMALL_COUNT answers.
 */
export async function cycleReview(db: Db, cycleId: string, actor: Actor): Promise<Review> {
  const view = await viewOf(db.kysely, cycleId, actor);
  await getCycleRow(db.kysely, cycleId);
  const enrolments = await db.kysely
    .selectFrom('training_enrolments as e')
    .innerJoin('beneficiaries as b', 'b.id', 'e.beneficiary_id')
    .select(['e.id', 'e.status', 'e.completed_on', 'b.reference'])
    .where('e.cycle_id', '=', cycleId)
    .where('e.status', '!=', 'waiting')
    .orderBy('e.seq')
    .execute();
  const rows = enrolments.length
    ? await db.kysely.selectFrom('training_evaluations').selectAll().where('enrolment_id', 'in', enrolments.map((e) => e.id)).execute()
    : [];
  const start = new Map<string, Answers>();
  const end = new Map<string, Answers>();
  for (const row of rows) (row.moment === 'start' ? start : end).set(row.enrolment_id, answersOf(row));

  // Below SMALL_COUNT answers an average or a count would give one person's answers away:
  // only installer and admin, who may read those answers anyway, see it.
  const shown = (count: number) => view === 'full' || count >= SMALL_COUNT;
  const mean = (values: number[]) => (values.length && shown(values.length) ? round2(values.reduce((a, b) => a + b, 0) / values.length) : null);
  const skills = SKILLS.map((skill) => {
    const pairs = enrolments.filter((e) => start.has(e.id) && end.has(e.id)).map((e) => end.get(e.id)![skill] - start.get(e.id)![skill]);
    return {
      skill,
      label: SKILL_LABELS[skill],
      startAverage: mean([...start.values()].map((a) => a[skill])),
      endAverage: mean([...end.values()].map((a) => a[skill])),
      pairs: pairs.length,
      averageProgress: mean(pairs),
      improved: shown(pairs.length) ? pairs.filter((d) => d > 0).length : null,
    };
  });
  return {
    cycleId,
    enrolled: enrolments.filter((e) => e.status === 'enrolled').length,
    completed: enrolments.filter((e) => e.completed_on !== null).length,
    startAnswers: start.size,
    endAnswers: end.size,
    skills,
    answers:
      view === 'full'
        ? enrolments
            // Someone who withdrew before answering has nothing to show: a row of "— → —" only.
            .filter((e) => e.status !== 'withdrawn' || start.has(e.id) || end.has(e.id))
            .map((e) => ({ enrolmentId: e.id, beneficiaryReference: e.reference, start: start.get(e.id) ?? null, end: end.get(e.id) ?? null }))
        : null,
  };
}
