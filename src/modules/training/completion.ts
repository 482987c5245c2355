import type { TrainingCycleRow } from '../../db/schema.js';
import type { Executor } from '../../db/transaction.js';
import { recordTrainingCompletion } from '../beneficiaries/service.js';
import { ruleOf } from './store.js';

/**
 * Completion from attendance (issue 14, point 5). Sessions are taken in date and time order;
 * a person completes on the day of the session where their attendance first meets the cycle's
 * rule: the N-th session attended, or the session that brings the hours attended to the
 * required share of the cycle's planned hours. Only `present` counts (excused is not attended).
 * Called inside the transaction that changed attendance, sessions or the rule, with the cycle
 * locked, so two concurrent saves cannot both compute from a stale count.
 */
export async function recomputeCompletion(trx: Executor, cycle: TrainingCycleRow, enrolmentIds?: string[]): Promise<void> {
  if (enrolmentIds && !enrolmentIds.length) return;
  const rule = ruleOf(cycle);
  const sessions = await trx
    .selectFrom('training_sessions')
    .select(['id', 'held_on', 'minutes'])
    .where('cycle_id', '=', cycle.id)
    .orderBy('held_on')
    .orderBy('start_time')
    .orderBy('id')
    .execute();
  const totalMinutes = sessions.reduce((sum, s) => sum + Number(s.minutes), 0);

  let enrolments = trx
    .selectFrom('training_enrolments')
    .select(['id', 'beneficiary_id', 'attendance_completed_on', 'override_completed_on', 'completed_on'])
    .where('cycle_id', '=', cycle.id);
  if (enrolmentIds) enrolments = enrolments.where('id', 'in', enrolmentIds);
  const rows = await enrolments.execute();
  if (!rows.length) return;

  let present = trx
    .selectFrom('training_attendance')
    .innerJoin('training_sessions', 'training_sessions.id', 'training_attendance.session_id')
    .select(['training_attendance.enrolment_id', 'training_attendance.session_id'])
    .where('training_sessions.cycle_id', '=', cycle.id)
    .where('training_attendance.status', '=', 'present');
  if (enrolmentIds) present = present.where('training_attendance.enrolment_id', 'in', enrolmentIds);
  const attended = new Map<string, Set<string>>();
  for (const r of await present.execute()) {
    const set = attended.get(r.enrolment_id) ?? new Set<string>();
    set.add(r.session_id);
    attended.set(r.enrolment_id, set);
  }

  const changedPeople = new Set<string>();
  for (const enrolment of rows) {
    const mine = attended.get(enrolment.id) ?? new Set<string>();
    let count = 0;
    let minutes = 0;
    let completedOn: string | null = null;
    for (const session of sessions) {
      if (!mine.has(session.id)) continue;
      count++;
      minutes += Number(session.minutes);
      const met = rule.kind === 'sessions' ? count >= rule.minSessions : totalMinutes > 0 && minutes * 100 >= rule.minPercent * totalMinutes;
      if (met) {
        completedOn = session.held_on;
        break;
      }
    }
    if (completedOn === enrolment.attendance_completed_on) continue;
    const effective = enrolment.override_completed_on ?? completedOn;
    await trx
      .updateTable('training_enrolments')
      .set({ attendance_completed_on: completedOn, completed_on: effective })
      .where('id', '=', enrolment.id)
      .execute();
    if (effective !== enrolment.completed_on) changedPeople.add(enrolment.beneficiary_id);
  }
  for (const beneficiaryId of changedPeople) await syncBeneficiary(trx, beneficiaryId);
}

/** Copies the person's earliest completed cycle to the beneficiary (the installation gate reads it there). */
export async function syncBeneficiary(trx: Executor, beneficiaryId: string): Promise<void> {
  const row = await trx
    .selectFrom('training_enrolments')
    .select((eb) => eb.fn.min<string>('completed_on').as('first'))
    .where('beneficiary_id', '=', beneficiaryId)
    .executeTakeFirst();
  await recordTrainingCompletion(trx, beneficiaryId, row?.first ?? null);
}
