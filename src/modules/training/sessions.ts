import type { Db } from '../../db/connection.js';
import { newId } from '../../db/ids.js';
import type { TrainingCycleRow } from '../../db/schema.js';
import { inTransaction, nowIso, type Executor } from '../../db/transaction.js';
import { badRequest, conflict, ProblemError } from '../../http/problem.js';
import { today } from '../../shared/business-date.js';
import type { Actor } from '../api-keys/service.js';
import { lockCycle, viewOf } from './access.js';
import { recomputeCompletion } from './completion.js';
import type { CreateSession, UpdateSession } from './schemas.js';
import { getCycleRow, getSessionRow, loadSession, minutesBetween, selectSessions, toSession } from './store.js';

function checkWithinCycle(cycle: TrainingCycleRow, date: string): void {
  if (date < cycle.starts_on || date > cycle.ends_on) {
    throw badRequest(`The session must fall within the cycle (${cycle.starts_on} to ${cycle.ends_on})`, [{ path: 'date', message: 'outside the cycle’s dates' }]);
  }
}

/** A workshop of the cycle. Adding one changes the planned hours, so completions are worked out again. */
export async function createSession(db: Db, cycleId: string, input: CreateSession) {
  return inTransaction(db, async (trx) => {
    await lockCycle(trx, cycleId);
    const cycle = await getCycleRow(trx, cycleId);
    checkWithinCycle(cycle, input.date);
    const id = newId();
    const now = nowIso();
    await trx
      .insertInto('training_sessions')
      .values({
        id,
        cycle_id: cycleId,
        held_on: input.date,
        start_time: input.startTime,
        end_time: input.endTime,
        minutes: minutesBetween(input.startTime, input.endTime),
        place: input.place ?? null,
        theme: input.theme,
        trainer: input.trainer ?? null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await recomputeCompletion(trx, cycle);
    return loadSession(trx, id);
  });
}

export async function updateSession(db: Db, id: string, patch: UpdateSession) {
  return inTransaction(db, async (trx) => {
    const { cycle_id: cycleId } = await getSessionRow(trx, id);
    await lockCycle(trx, cycleId);
    const before = await getSessionRow(trx, id);
    const cycle = await getCycleRow(trx, cycleId);
    if (patch.date) checkWithinCycle(cycle, patch.date);
    // Attendance is recorded on the day or after (attendance.ts): a session with records moved
    // past today would hold presences dated ahead and complete people on a day still to come.
    if (patch.date && patch.date > today()) {
      const recorded = await trx.selectFrom('training_attendance').select('enrolment_id').where('session_id', '=', id).executeTakeFirst();
      if (recorded) {
        throw new ProblemError(422, `Attendance is recorded for this session: it cannot move to ${patch.date}, after today`, { sessionId: id }, [
          { path: 'date', message: 'after today, and attendance is recorded for this session' },
        ]);
      }
    }
    const start = patch.startTime ?? before.start_time;
    const end = patch.endTime ?? before.end_time;
    if (start >= end) throw badRequest('The session would end before it starts', [{ path: patch.endTime ? 'endTime' : 'startTime', message: 'must be after startTime' }]);
    await trx
      .updateTable('training_sessions')
      .set({ held_on: patch.date, start_time: patch.startTime, end_time: patch.endTime, minutes: minutesBetween(start, end), place: patch.place, theme: patch.theme, trainer: patch.trainer, updated_at: nowIso() })
      .where('id', '=', id)
      .execute();
    await recomputeCompletion(trx, cycle);
    return loadSession(trx, id);
  });
}

/** Only a session without attendance may go: a recorded presence is evidence for the funder. */
export async function deleteSession(db: Db, id: string): Promise<void> {
  await inTransaction(db, async (trx) => {
    const { cycle_id: cycleId } = await getSessionRow(trx, id);
    await lockCycle(trx, cycleId);
    const recorded = await trx.selectFrom('training_attendance').select('enrolment_id').where('session_id', '=', id).executeTakeFirst();
    if (recorded) throw conflict('Attendance is recorded for this session: clear it first', { sessionId: id });
    await trx.deleteFrom('training_sessions').where('id', '=', id).execute();
    await recomputeCompletion(trx, await getCycleRow(trx, cycleId));
  });
}

export async function listSessions(db: Db, cycleId: string, actor: Actor) {
  await viewOf(db.kysely, cycleId, actor);
  await getCycleRow(db.kysely, cycleId);
  const rows = await sessionsOf(db.kysely, cycleId);
  return { items: rows, nextCursor: null };
}

export async function sessionsOf(db: Executor, cycleId: string) {
  const rows = await selectSessions(db)
    .where('training_sessions.cycle_id', '=', cycleId)
    .orderBy('training_sessions.held_on')
    .orderBy('training_sessions.start_time')
    .orderBy('training_sessions.id')
    .execute();
  return rows.map(toSession);
}

export async function getSession(db: Db, id: string, actor: Actor) {
  const row = await getSessionRow(db.kysely, id);
  await viewOf(db.kysely, row.cycle_id, actor, `Training session ${id}`);
  return loadSession(db.kysely, id);
}
