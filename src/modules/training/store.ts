import type { ExpressionBuilder } from 'kysely';
import type { Database, TrainingCycleRow, TrainingSessionRow } from '../../db/schema.js';
import type { Executor } from '../../db/transaction.js';
import { notFound } from '../../http/problem.js';
import type { View } from './access.js';
import type { CompletionRule, Cycle, Enrolment, Session } from './schemas.js';

// Row ↔ API shape, in one place: column names never leave this file.

export function ruleOf(row: Pick<TrainingCycleRow, 'rule_kind' | 'rule_min_sessions' | 'rule_min_percent'>): CompletionRule {
  return row.rule_kind === 'hours' ? { kind: 'hours', minPercent: Number(row.rule_min_percent) } : { kind: 'sessions', minSessions: Number(row.rule_min_sessions) };
}

export function ruleColumns(rule: CompletionRule) {
  return rule.kind === 'hours'
    ? { rule_kind: 'hours' as const, rule_min_sessions: null, rule_min_percent: rule.minPercent }
    : { rule_kind: 'sessions' as const, rule_min_sessions: rule.minSessions, rule_min_percent: null };
}

export async function getCycleRow(db: Executor, id: string): Promise<TrainingCycleRow> {
  const row = await db.selectFrom('training_cycles').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`Training cycle ${id}`);
  return row;
}

const countWhere = (eb: ExpressionBuilder<Database, 'training_cycles'>, status: 'enrolled' | 'waiting' | 'withdrawn') =>
  eb.selectFrom('training_enrolments as e').select((e) => e.fn.countAll<number>().as('n')).whereRef('e.cycle_id', '=', 'training_cycles.id').where('e.status', '=', status);

/** Cycles with their counts, one query (subqueries on indexed columns). */
export function selectCycles(db: Executor) {
  return db
    .selectFrom('training_cycles')
    .innerJoin('training_partners', 'training_partners.id', 'training_cycles.organiser_id')
    .selectAll('training_cycles')
    .select((eb) => [
      'training_partners.name as organiser_name',
      eb.selectFrom('training_sessions as s').select((s) => s.fn.countAll<number>().as('n')).whereRef('s.cycle_id', '=', 'training_cycles.id').as('session_count'),
      eb.selectFrom('training_sessions as s').select((s) => s.fn.sum<number>('s.minutes').as('m')).whereRef('s.cycle_id', '=', 'training_cycles.id').as('planned_minutes'),
      countWhere(eb, 'enrolled').as('enrolled_count'),
      countWhere(eb, 'waiting').as('waiting_count'),
      countWhere(eb, 'withdrawn').as('withdrawn_count'),
      eb.selectFrom('training_enrolments as e').select((e) => e.fn.countAll<number>().as('n')).whereRef('e.cycle_id', '=', 'training_cycles.id').where('e.completed_on', 'is not', null).as('completed_count'),
    ]);
}
type CycleSelection = Awaited<ReturnType<ReturnType<typeof selectCycles>['executeTakeFirstOrThrow']>>;

export function toCycle(row: CycleSelection, trainerIds: string[], view: View): Cycle {
  return {
    id: row.id,
    title: row.title,
    organiser: { id: row.organiser_id, name: row.organiser_name },
    place: row.place,
    capacity: Number(row.capacity),
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    completionRule: ruleOf(row),
    trainerIds: view === 'full' ? trainerIds : [],
    notes: view === 'full' ? row.notes : null,
    sessionCount: Number(row.session_count ?? 0),
    plannedHours: Math.round((Number(row.planned_minutes ?? 0) / 60) * 100) / 100,
    enrolledCount: Number(row.enrolled_count ?? 0),
    waitingCount: Number(row.waiting_count ?? 0),
    withdrawnCount: Number(row.withdrawn_count ?? 0),
    completedCount: Number(row.completed_count ?? 0),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function trainersOf(db: Executor, cycleIds: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>(cycleIds.map((id) => [id, []]));
  if (!cycleIds.length) return map;
  const rows = await db.selectFrom('training_cycle_trainers').selectAll().where('cycle_id', 'in', cycleIds).orderBy('trainer_id').execute();
  for (const r of rows) map.get(r.cycle_id)?.push(r.trainer_id);
  return map;
}

export async function loadCycle(db: Executor, id: string, view: View): Promise<Cycle> {
  const row = await selectCycles(db).where('training_cycles.id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`Training cycle ${id}`);
  return toCycle(row, (await trainersOf(db, [id])).get(id) ?? [], view);
}

// ---- sessions ----

export async function getSessionRow(db: Executor, id: string): Promise<TrainingSessionRow> {
  const row = await db.selectFrom('training_sessions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`Training session ${id}`);
  return row;
}

const attendanceCount = (eb: ExpressionBuilder<Database, 'training_sessions'>, status: 'present' | 'absent' | 'excused') =>
  eb.selectFrom('training_attendance as a').select((a) => a.fn.countAll<number>().as('n')).whereRef('a.session_id', '=', 'training_sessions.id').where('a.status', '=', status);

export function selectSessions(db: Executor) {
  return db
    .selectFrom('training_sessions')
    .innerJoin('training_cycles', 'training_cycles.id', 'training_sessions.cycle_id')
    .selectAll('training_sessions')
    .select((eb) => [
      'training_cycles.place as cycle_place',
      attendanceCount(eb, 'present').as('present'),
      attendanceCount(eb, 'absent').as('absent'),
      attendanceCount(eb, 'excused').as('excused'),
      // The people expected: enrolled now, or withdrawn after the session's day.
      eb
        .selectFrom('training_enrolments as e')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('e.cycle_id', '=', 'training_sessions.cycle_id')
        .where((w) => w.or([w('e.status', '=', 'enrolled'), w.and([w('e.status', '=', 'withdrawn'), w('e.withdrawn_on', '>', w.ref('training_sessions.held_on'))])]))
        .as('expected'),
    ]);
}
type SessionSelection = Awaited<ReturnType<ReturnType<typeof selectSessions>['executeTakeFirstOrThrow']>>;

export function toSession(row: SessionSelection): Session {
  const present = Number(row.present ?? 0);
  const absent = Number(row.absent ?? 0);
  const excused = Number(row.excused ?? 0);
  return {
    id: row.id,
    cycleId: row.cycle_id,
    date: row.held_on,
    startTime: row.start_time,
    endTime: row.end_time,
    durationMinutes: Number(row.minutes),
    place: row.place ?? row.cycle_place,
    theme: row.theme,
    trainer: row.trainer,
    attendance: { present, absent, excused, unrecorded: Math.max(0, Number(row.expected ?? 0) - present - absent - excused) },
  };
}

export async function loadSession(db: Executor, id: string): Promise<Session> {
  const row = await selectSessions(db).where('training_sessions.id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`Training session ${id}`);
  return toSession(row);
}

export function minutesBetween(start: string, end: string): number {
  const toMinutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
  return toMinutes(end) - toMinutes(start);
}

// ---- enrolments ----

export function selectEnrolments(db: Executor) {
  return db
    .selectFrom('training_enrolments')
    .innerJoin('beneficiaries', 'beneficiaries.id', 'training_enrolments.beneficiary_id')
    .selectAll('training_enrolments')
    .select((eb) => [
      'beneficiaries.reference',
      'beneficiaries.first_name',
      'beneficiaries.last_name',
      eb
        .selectFrom('training_attendance as a')
        .select((a) => a.fn.countAll<number>().as('n'))
        .whereRef('a.enrolment_id', '=', 'training_enrolments.id')
        .where('a.status', '=', 'present')
        .as('sessions_attended'),
      eb
        .selectFrom('training_attendance as a')
        .innerJoin('training_sessions as s', 's.id', 'a.session_id')
        .select((a) => a.fn.sum<number>('s.minutes').as('m'))
        .whereRef('a.enrolment_id', '=', 'training_enrolments.id')
        .where('a.status', '=', 'present')
        .as('minutes_attended'),
      eb
        .selectFrom('training_enrolments as w')
        .select((w) => w.fn.countAll<number>().as('n'))
        .whereRef('w.cycle_id', '=', 'training_enrolments.cycle_id')
        .where('w.status', '=', 'waiting')
        .whereRef('w.seq', '<=', 'training_enrolments.seq')
        .as('waiting_rank'),
    ]);
}
type EnrolmentSelection = Awaited<ReturnType<ReturnType<typeof selectEnrolments>['executeTakeFirstOrThrow']>>;

export function toEnrolment(row: EnrolmentSelection, view: View): Enrolment {
  const full = view === 'full';
  const names = view !== 'references';
  return {
    id: row.id,
    cycleId: row.cycle_id,
    beneficiaryId: row.beneficiary_id,
    beneficiaryReference: row.reference,
    firstName: names ? row.first_name : null,
    lastName: names ? row.last_name : null,
    status: row.status,
    waitingPosition: row.status === 'waiting' ? Number(row.waiting_rank) : null,
    prescriber: full ? row.prescriber : null,
    appliedAt: row.applied_at,
    placedAt: row.placed_at,
    withdrawnOn: row.withdrawn_on,
    withdrawalReason: full ? row.withdrawal_reason : null,
    sessionsAttended: Number(row.sessions_attended ?? 0),
    minutesAttended: Number(row.minutes_attended ?? 0),
    completedOn: row.completed_on,
    completionSource: row.override_completed_on ? 'override' : row.attendance_completed_on ? 'attendance' : null,
    overrideReason: full ? row.override_reason : null,
  };
}

export async function getEnrolmentRow(db: Executor, id: string) {
  const row = await db.selectFrom('training_enrolments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`Training enrolment ${id}`);
  return row;
}

export async function loadEnrolment(db: Executor, id: string, view: View): Promise<Enrolment> {
  const row = await selectEnrolments(db).where('training_enrolments.id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`Training enrolment ${id}`);
  return toEnrolment(row, view);
}
