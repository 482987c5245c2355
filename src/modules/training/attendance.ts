import type { Db } from '../../db/connection.js';
import type { TrainingSessionRow } from '../../db/schema.js';
import { inTransaction, nowIso, type Executor } from '../../db/transaction.js';
import { nowMs, today } from '../../clock.js';
import { ProblemError, type FieldError } from '../../http/problem.js';
import type { Actor } from '../api-keys/service.js';
import { lockCycle, requireNames, viewOf, type View } from './access.js';
import { recomputeCompletion } from './completion.js';
import type { Attendance, AttendanceInput, AttendanceStatus } from './schemas.js';
import { getCycleRow, getSessionRow, loadSession } from './store.js';

export interface SheetPerson {
  enrolmentId: string;
  reference: string;
  firstName: string | null;
  lastName: string | null;
  status: AttendanceStatus | null;
  recordedAt: string | null;
  completedOn: string | null;
}

/**
 * The people expected at a session: those holding a place, and those who withdrew after the
 * session's day (they were there then). Sorted by last name, then first name, as on a sheet.
 * Anyone else with a record (withdrawn since) is listed too, so no recorded presence is hidden.
 */
export async function sessionPeople(db: Executor, session: TrainingSessionRow): Promise<SheetPerson[]> {
  const rows = await db
    .selectFrom('training_enrolments as e')
    .innerJoin('beneficiaries as b', 'b.id', 'e.beneficiary_id')
    .leftJoin('training_attendance as a', (join) => join.onRef('a.enrolment_id', '=', 'e.id').on('a.session_id', '=', session.id))
    .select(['e.id', 'b.reference', 'b.first_name', 'b.last_name', 'a.status', 'a.recorded_at', 'e.completed_on', 'e.status as enrolment_status', 'e.withdrawn_on'])
    .where('e.cycle_id', '=', session.cycle_id)
    .where('e.status', '!=', 'waiting')
    .execute();
  return rows
    .filter((r) => r.enrolment_status === 'enrolled' || r.status !== null || (r.withdrawn_on !== null && r.withdrawn_on > session.held_on))
    .map((r) => ({ enrolmentId: r.id, reference: r.reference, firstName: r.first_name, lastName: r.last_name, status: r.status, recordedAt: r.recorded_at, completedOn: r.completed_on }))
    .sort((a, b) => collate(a.lastName, b.lastName) || collate(a.firstName, b.firstName) || a.reference.localeCompare(b.reference));
}

const collator = new Intl.Collator('fr', { sensitivity: 'base' });
const collate = (a: string | null, b: string | null) => collator.compare(a ?? '', b ?? '');

function toAttendance(session: Attendance['session'], people: SheetPerson[], view: View, superseded: string[] = []): Attendance {
  const names = view !== 'references';
  return {
    session,
    items: people.map((p) => ({
      enrolmentId: p.enrolmentId,
      beneficiaryReference: p.reference,
      firstName: names ? p.firstName : null,
      lastName: names ? p.lastName : null,
      status: p.status,
      recordedAt: p.recordedAt,
      completedOn: p.completedOn,
    })),
    superseded,
  };
}

export async function getAttendance(db: Db, sessionId: string, actor: Actor): Promise<Attendance> {
  const session = await getSessionRow(db.kysely, sessionId);
  const view = await viewOf(db.kysely, session.cycle_id, actor, `Training session ${sessionId}`);
  return toAttendance(await loadSession(db.kysely, sessionId), await sessionPeople(db.kysely, session), view);
}

/** A tap may come this far ahead of the server's clock (a phone's clock is a little off)… */
const TAP_SKEW_MS = 5 * 60 * 1000;
/** …and this old at most: the attendance page's offline queue drops older taps (attendance.js). */
const TAP_MAX_AGE_MS = 2 * 60 * 60 * 1000;

/**
 * Records present / absent / excused for the people listed (null clears a record), then works
 * out their completion again, in one transaction with the cycle locked. The newest tap per
 * person wins, by the time it was tapped (`tappedAt`, the server's time when absent): a tap
 * queued offline and sent later does not undo a mark tapped since on another device (its person
 * is listed in `superseded`, the kept mark in `items`). Setting a status a person already has
 * changes nothing: a tap sent twice counts once.
 */
export async function saveAttendance(db: Db, sessionId: string, input: AttendanceInput, actor: Actor): Promise<Attendance> {
  const first = await getSessionRow(db.kysely, sessionId);
  const view = await requireNames(db.kysely, first.cycle_id, actor, `Training session ${sessionId}`);
  return inTransaction(db, async (trx) => {
    await lockCycle(trx, first.cycle_id);
    const session = await getSessionRow(trx, sessionId);
    const ids = [...new Set(input.records.map((r) => r.enrolmentId))];
    const enrolments = await trx.selectFrom('training_enrolments').select(['id', 'cycle_id', 'status']).where('id', 'in', ids).execute();
    const byId = new Map(enrolments.map((e) => [e.id, e]));
    const errors: FieldError[] = [];
    const receivedMs = nowMs();
    input.records.forEach((record, i) => {
      const enrolment = byId.get(record.enrolmentId);
      if (!enrolment || enrolment.cycle_id !== session.cycle_id) errors.push({ path: `records.${i}.enrolmentId`, message: 'not enrolled in this session’s cycle' });
      else if (enrolment.status === 'waiting') errors.push({ path: `records.${i}.enrolmentId`, message: 'on the waiting list, without a place' });
      const tapped = record.tappedAt === undefined ? receivedMs : Date.parse(record.tappedAt);
      if (tapped > receivedMs + TAP_SKEW_MS) errors.push({ path: `records.${i}.tappedAt`, message: 'more than 5 minutes ahead of the server’s clock' });
      else if (tapped < receivedMs - TAP_MAX_AGE_MS) errors.push({ path: `records.${i}.tappedAt`, message: 'more than 2 hours old: a tap queued that long is not sent' });
    });
    const seen = new Set<string>();
    input.records.forEach((record, i) => {
      if (seen.has(record.enrolmentId)) errors.push({ path: `records.${i}.enrolmentId`, message: 'listed twice' });
      seen.add(record.enrolmentId);
    });
    if (errors.length) throw new ProblemError(422, 'Some records do not name a person holding a place in this cycle, or were tapped at an impossible time', {}, errors);
    // A presence recorded ahead of the day would complete the person on a date still to come
    // and count them in reports before they attended; clearing a record stays allowed.
    if (session.held_on > today() && input.records.some((r) => r.status !== null)) {
      throw new ProblemError(422, `The session is on ${session.held_on}, after today: attendance is recorded on the day or after`, {}, [{ path: 'sessionId', message: `session on ${session.held_on}, after today` }]);
    }

    const now = nowIso();
    const kept = new Map(
      (await trx.selectFrom('training_attendance').select(['enrolment_id', 'status', 'recorded_at']).where('session_id', '=', sessionId).where('enrolment_id', 'in', ids).execute()).map((row) => [row.enrolment_id, row]),
    );
    const superseded: string[] = [];
    const cleared: string[] = [];
    const set: { enrolmentId: string; status: AttendanceStatus; at: string }[] = [];
    for (const record of input.records) {
      // ISO-8601 UTC with milliseconds, as nowIso() writes: the same text compares in time order.
      const at = record.tappedAt === undefined ? now : new Date(record.tappedAt).toISOString();
      const stored = kept.get(record.enrolmentId);
      // A record without its tap time is taken as tapped now, so it is the newest.
      if (stored && record.tappedAt !== undefined && stored.recorded_at > at) superseded.push(record.enrolmentId);
      else if (record.status === null) cleared.push(record.enrolmentId);
      // Unchanged statuses keep who recorded them and when.
      else if (stored?.status !== record.status) set.push({ enrolmentId: record.enrolmentId, status: record.status, at });
    }
    if (cleared.length) await trx.deleteFrom('training_attendance').where('session_id', '=', sessionId).where('enrolment_id', 'in', cleared).execute();
    if (set.length) {
      await trx
        .insertInto('training_attendance')
        .values(set.map((r) => ({ session_id: sessionId, enrolment_id: r.enrolmentId, status: r.status, recorded_by: actor.name, recorded_at: r.at })))
        .onConflict((oc) =>
          oc.columns(['session_id', 'enrolment_id']).doUpdateSet((eb) => ({ status: eb.ref('excluded.status'), recorded_by: eb.ref('excluded.recorded_by'), recorded_at: eb.ref('excluded.recorded_at') })),
        )
        .execute();
    }
    await recomputeCompletion(trx, await getCycleRow(trx, session.cycle_id), ids);
    return toAttendance(await loadSession(trx, sessionId), await sessionPeople(trx, session), view, superseded);
  });
}
