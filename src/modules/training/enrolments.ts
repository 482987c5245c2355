import type { Db } from '../../db/connection.js';
import { newId } from '../../db/ids.js';
import type { TrainingCycleRow } from '../../db/schema.js';
import { inTransaction, nowIso, type Executor, type Trx } from '../../db/transaction.js';
import { decodeCursor, toPage } from '../../http/pagination.js';
import { conflict, forbidden, notFound } from '../../http/problem.js';
import { assertNotFuture, today } from '../../shared/business-date.js';
import type { Actor } from '../api-keys/service.js';
import { getBeneficiaryRow } from '../beneficiaries/service.js';
import { lockCycle, viewOf } from './access.js';
import { syncBeneficiary } from './completion.js';
import type { CompletionOverride, EnrolInput, ListEnrolmentsQuery, WithdrawInput } from './schemas.js';
import { getCycleRow, getEnrolmentRow, loadEnrolment, selectEnrolments, toEnrolment } from './store.js';

async function enrolledCount(trx: Executor, cycleId: string): Promise<number> {
  const row = await trx
    .selectFrom('training_enrolments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('cycle_id', '=', cycleId)
    .where('status', '=', 'enrolled')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * A person applies to a cycle: a place while there is one, else the end of the waiting list.
 * The cycle is locked first, so two applicants racing for the last place cannot both get it.
 */
export async function enrol(db: Db, cycleId: string, input: EnrolInput, actor: Actor) {
  return inTransaction(db, async (trx) => {
    await lockCycle(trx, cycleId);
    const cycle = await getCycleRow(trx, cycleId);
    const person = await getBeneficiaryRow(trx, input.beneficiaryId);
    if (person.anonymised_at) throw conflict(`Beneficiary ${person.reference} is anonymised`);
    const existing = await trx
      .selectFrom('training_enrolments')
      .select(['id', 'status'])
      .where('cycle_id', '=', cycleId)
      .where('beneficiary_id', '=', person.id)
      .executeTakeFirst();
    if (existing) throw conflict(`Beneficiary ${person.reference} already applied to this cycle (${existing.status})`, { enrolmentId: existing.id, currentStatus: existing.status });
    const last = await trx.selectFrom('training_enrolments').select((eb) => eb.fn.max<number>('seq').as('seq')).where('cycle_id', '=', cycleId).executeTakeFirst();
    const now = nowIso();
    const hasPlace = (await enrolledCount(trx, cycleId)) < Number(cycle.capacity);
    const id = newId();
    await trx
      .insertInto('training_enrolments')
      .values({
        id,
        cycle_id: cycleId,
        beneficiary_id: person.id,
        seq: Number(last?.seq ?? 0) + 1,
        status: hasPlace ? 'enrolled' : 'waiting',
        prescriber: input.prescriber ?? person.prescriber,
        applied_at: now,
        placed_at: hasPlace ? now : null,
        withdrawn_on: null,
        withdrawal_reason: null,
        attendance_completed_on: null,
        override_completed_on: null,
        override_reason: null,
        override_by: null,
        completed_on: null,
        created_by: actor.name,
        updated_at: now,
      })
      .execute();
    return loadEnrolment(trx, id, 'full');
  });
}

/** Gives freed places to the waiting list, in order of application. Returns the ids promoted. */
export async function promoteWaiting(trx: Trx, cycle: TrainingCycleRow): Promise<string[]> {
  const free = Number(cycle.capacity) - (await enrolledCount(trx, cycle.id));
  if (free <= 0) return [];
  const next = await trx
    .selectFrom('training_enrolments')
    .select('id')
    .where('cycle_id', '=', cycle.id)
    .where('status', '=', 'waiting')
    .orderBy('seq')
    .limit(free)
    .execute();
  if (!next.length) return [];
  const now = nowIso();
  const ids = next.map((r) => r.id);
  await trx.updateTable('training_enrolments').set({ status: 'enrolled', placed_at: now, updated_at: now }).where('id', 'in', ids).execute();
  return ids;
}

export async function withdraw(db: Db, enrolmentId: string, input: WithdrawInput) {
  return inTransaction(db, async (trx) => {
    const { cycle_id: cycleId } = await getEnrolmentRow(trx, enrolmentId);
    await lockCycle(trx, cycleId);
    const enrolment = await getEnrolmentRow(trx, enrolmentId);
    if (enrolment.status === 'withdrawn') throw conflict(`This enrolment was withdrawn on ${enrolment.withdrawn_on}`, { currentStatus: 'withdrawn' });
    const now = nowIso();
    const withdrawnOn = input.withdrawnOn ?? today();
    await trx
      .updateTable('training_enrolments')
      .set({ status: 'withdrawn', withdrawn_on: withdrawnOn, withdrawal_reason: input.reason, updated_at: now })
      .where('id', '=', enrolmentId)
      .execute();
    const cycle = await getCycleRow(trx, cycleId);
    // A place freed once the cycle is over (by the withdrawal's date) is no place: nobody on the
    // waiting list can follow workshops that are behind them, and they must stay free to apply
    // to the next cycle rather than be marked enrolled in one they never attended.
    const placeFreed = enrolment.status === 'enrolled' && withdrawnOn < cycle.ends_on;
    const promoted = placeFreed ? await promoteWaiting(trx, cycle) : [];
    return {
      enrolment: await loadEnrolment(trx, enrolmentId, 'full'),
      promoted: promoted.length ? await loadEnrolment(trx, promoted[0], 'full') : null,
    };
  });
}

export async function getEnrolment(db: Db, id: string, actor: Actor) {
  const row = await getEnrolmentRow(db.kysely, id);
  return loadEnrolment(db.kysely, id, await viewOf(db.kysely, row.cycle_id, actor, `Training enrolment ${id}`));
}

/** In order of application (the waiting list's order). */
export async function listEnrolments(db: Db, cycleId: string, query: ListEnrolmentsQuery, actor: Actor) {
  const view = await viewOf(db.kysely, cycleId, actor);
  await getCycleRow(db.kysely, cycleId);
  const after = decodeCursor<number>(query.cursor, 'number');
  let select = selectEnrolments(db.kysely).where('training_enrolments.cycle_id', '=', cycleId).orderBy('training_enrolments.seq').limit(query.limit + 1);
  if (after !== undefined) select = select.where('training_enrolments.seq', '>', after);
  if (query.status) select = select.where('training_enrolments.status', '=', query.status);
  return toPage(await select.execute(), query.limit, (r) => Number(r.seq), (r) => toEnrolment(r, view));
}

/** Admin only: the person counts as having completed this cycle on `completedOn`, whatever the attendance says. */
export async function overrideCompletion(db: Db, enrolmentId: string, input: CompletionOverride, actor: Actor) {
  if (actor.role !== 'admin') throw forbidden('Only an admin may override a completion');
  // A completion dated ahead would count the person as trained in a period still to come.
  assertNotFuture(input.completedOn, 'completedOn', 'A completion');
  return inTransaction(db, async (trx) => {
    const { cycle_id: cycleId } = await getEnrolmentRow(trx, enrolmentId);
    await lockCycle(trx, cycleId);
    const enrolment = await getEnrolmentRow(trx, enrolmentId);
    if (enrolment.status === 'waiting') throw conflict('A person on the waiting list has not followed this cycle', { currentStatus: 'waiting' });
    await trx
      .updateTable('training_enrolments')
      .set({ override_completed_on: input.completedOn, override_reason: input.reason, override_by: actor.name, completed_on: input.completedOn, updated_at: nowIso() })
      .where('id', '=', enrolmentId)
      .execute();
    await syncBeneficiary(trx, enrolment.beneficiary_id);
    return loadEnrolment(trx, enrolmentId, 'full');
  });
}

/** Removes the override: the completion is the attendance's again. */
export async function removeOverride(db: Db, enrolmentId: string, actor: Actor) {
  if (actor.role !== 'admin') throw forbidden('Only an admin may override a completion');
  return inTransaction(db, async (trx) => {
    const { cycle_id: cycleId } = await getEnrolmentRow(trx, enrolmentId);
    await lockCycle(trx, cycleId);
    const enrolment = await getEnrolmentRow(trx, enrolmentId);
    if (!enrolment.override_completed_on) throw notFound(`A completion override on enrolment ${enrolmentId}`);
    await trx
      .updateTable('training_enrolments')
      .set({ override_completed_on: null, override_reason: null, override_by: null, completed_on: enrolment.attendance_completed_on, updated_at: nowIso() })
      .where('id', '=', enrolmentId)
      .execute();
    await syncBeneficiary(trx, enrolment.beneficiary_id);
    return loadEnrolment(trx, enrolmentId, 'full');
  });
}
