import type { Db } from '../../db/connection.js';
import type { TrainingSessionRow } from '../../db/schema.js';
import { inTransaction, nowIso, type Executor } from '../../db/transaction.js';
import { today } from '../../clock.js';
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
    .select(['e.id', 'b.reference', 'b.first_name', 'b.last_name', 'a.status', 'e.completed_on', 'e.status as enrolment_status', 'e.withdrawn_on'])
    .where('e.cycle_id', '=', session.cycle_id)
    .where('e.status', '!=', 'waiting')
    .execute();
  return rows
    .filter((r) => r.enrolment_status === 'enrolled' || r.status !== null || (r.withdrawn_on !== null && r.withdrawn_on > session.held_on))
    .map((r) => ({ enrolmentId: r.id, reference: r.reference, firstName: r.first_name, lastName: r.last_name, status: r.status, completedOn: r.completed_on }))
    .sort((a, b) => collate(a.lastName, b.lastName) || collate(a.firstName, b.firstName) || a.reference.localeCompare(b.reference));
}

const collator = new Intl.Collator('fr', { sensitivity: 'base' });
const collate = (a: string | null, b: string | null) => collator.compare(a ?? '', b ?? '');

function toAttendance(session: Attendance['session'], people: SheetPerson[], view: View): Attendance {
  const names = view !== 'references';
  return {
    session,
    items: people.map((p) => ({
      enrolmentId: p.enrolmentId,
      beneficiaryReference: p.reference,
      firstName: names ? p.firstName : null,
      lastName: names ? p.lastName : null,
      status: p.status,
      completedOn: p.completedOn,
    })),
  };
}

export async function getAttendance(db: Db, sessionId: string, actor: Actor): Promise<Attendance> {
  const session = await getSessionRow(db.kysely, sessionId);
  const view = await viewOf(db.kysely, session.cycle_id, actor, `Training session ${sessionId}`);
  return toAttendance(await loadSession(db.kysely, sessionId), await sessionPeople(db.kysely, session), view);
}

/**
 * Records present / absent / excused for the people listed (null clears a record), then works
 * out their completion again, in one transaction with the cycle locked. Setting a status a
 * person already has changes nothing: a tap queued offline and sent twice counts once.
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
    input.records.forEach((record, i) => {
      const enrolment = byId.get(record.enrolmentId);
      if (!enrolment || enrolment.cycle_id !== session.cycle_id) errors.push({ path: `records.${i}.enrolmentId`, message: 'not enrolled in this session’s cycle' });
      else if (enrolment.status === 'waiting') errors.push({ path: `records.${i}.enrolmentId`, message: 'on the waiting list, without a place' });
    });
    const seen = new Set<string>();
    input.records.forEach((record, i) => {
      if (seen.has(record.enrolmentId)) errors.push({ path: `records.${i}.enrolmentId`, message: 'listed twice' });
      seen.add(record.enrolmentId);
    });
    if (errors.length) throw new ProblemError(422, 'Some records do not name a person holding a place in this cycle', {}, errors);
    // A presence recorded ahead of the day would complete the person on a date still to come
    // and count them in reports before they attended; clearing a record stays allowed.
    if (session.held_on > today() && input.records.some((r) => r.status !== null)) {
      throw new ProblemError(422, `The session is on ${session.held_on}, after today: attendance is recorded on the day or after`, {}, [{ path: 'sessionId', message: `session on ${session.held_on}, after today` }]);
    }

    const now = nowIso();
    const cleared = input.records.filter((r) => r.status === null).map((r) => r.enrolmentId);
    if (cleared.length) await trx.deleteFrom('training_attendance').where('session_id', '=', sessionId).where('enrolment_id', 'in', cleared).execute();
    const set = input.records.filter((r): r is { enrolmentId: string; status: AttendanceStatus } => r.status !== null);
    if (set.length) {
      await trx
        .insertInto('training_attendance')
        .values(set.map((r) => ({ session_id: sessionId, enrolment_id: r.enrolmentId, status: r.status, recorded_by: actor.name, recorded_at: now })))
        .onConflict((oc) =>
          oc
            .columns(['session_id', 'enrolment_id'])
            .doUpdateSet((eb) => ({ status: eb.ref('excluded.status'), recorded_by: eb.ref('excluded.recorded_by'), recorded_at: eb.ref('excluded.recorded_at') }))
            // Unchanged statuses keep who recorded them and when.
            .where((w) => w('training_attendance.status', '!=', w.ref('excluded.status'))),
        )
        .execute();
    }
    await recomputeCompletion(trx, await getCycleRow(trx, session.cycle_id), ids);
    return toAttendance(await loadSession(trx, sessionId), await sessionPeople(trx, session), view);
  });
}
