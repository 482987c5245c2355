import type { Executor } from '../../db/transaction.js';
import { SKILLS, type TrainingRecord } from './schemas.js';

/** Everything the training module holds about a person, for their right of access. */
export async function trainingRecordOf(db: Executor, beneficiaryId: string): Promise<TrainingRecord[]> {
  const enrolments = await db
    .selectFrom('training_enrolments as e')
    .innerJoin('training_cycles as c', 'c.id', 'e.cycle_id')
    .innerJoin('training_partners as p', 'p.id', 'c.organiser_id')
    .selectAll('e')
    .select(['c.title', 'p.name as organiser'])
    .where('e.beneficiary_id', '=', beneficiaryId)
    .orderBy('e.id')
    .execute();
  if (!enrolments.length) return [];
  const ids = enrolments.map((e) => e.id);
  const attendance = await db
    .selectFrom('training_attendance as a')
    .innerJoin('training_sessions as s', 's.id', 'a.session_id')
    .select(['a.enrolment_id', 'a.session_id', 'a.status', 'a.recorded_by', 'a.recorded_at', 's.held_on', 's.theme'])
    .where('a.enrolment_id', 'in', ids)
    .orderBy('s.held_on')
    .orderBy('s.start_time')
    .execute();
  const evaluations = await db.selectFrom('training_evaluations').selectAll().where('enrolment_id', 'in', ids).orderBy('moment', 'desc').execute();
  const columns = { mouseKeyboard: 'mouse_keyboard', browsing: 'browsing', email: 'email', onlineProcedures: 'online_procedures', onlineSafety: 'online_safety' } as const;
  return enrolments.map((e) => ({
    enrolmentId: e.id,
    cycleId: e.cycle_id,
    cycleTitle: e.title,
    organiser: e.organiser,
    status: e.status,
    appliedAt: e.applied_at,
    placedAt: e.placed_at,
    prescriber: e.prescriber,
    withdrawnOn: e.withdrawn_on,
    withdrawalReason: e.withdrawal_reason,
    completedOn: e.completed_on,
    completionSource: e.override_completed_on ? 'override' : e.attendance_completed_on ? 'attendance' : null,
    overrideReason: e.override_reason,
    attendance: attendance
      .filter((a) => a.enrolment_id === e.id)
      .map((a) => ({ sessionId: a.session_id, date: a.held_on, theme: a.theme, status: a.status, recordedBy: a.recorded_by, recordedAt: a.recorded_at })),
    evaluations: evaluations
      .filter((v) => v.enrolment_id === e.id)
      .map((v) => ({ moment: v.moment, ...Object.fromEntries(SKILLS.map((s) => [s, Number(v[columns[s]])])), recordedAt: v.recorded_at })),
  }));
}

/**
 * On anonymisation: the free-text reasons a person gave for leaving a cycle go; the enrolment,
 * attendance and self-assessments stay, tied to the reference only (the funder's figures and the
 * signed attendance sheets must not change when someone exercises their right to erasure).
 */
export async function redactTrainingRecord(trx: Executor, beneficiaryId: string): Promise<void> {
  await trx.updateTable('training_enrolments').set({ withdrawal_reason: null }).where('beneficiary_id', '=', beneficiaryId).where('withdrawal_reason', 'is not', null).execute();
}
