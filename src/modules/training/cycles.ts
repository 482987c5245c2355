import type { Db } from '../../db/connection.js';
import { newId } from '../../db/ids.js';
import { inTransaction, nowIso, type Executor, type Trx } from '../../db/transaction.js';
import { decodeCursor, toPage } from '../../http/pagination.js';
import { conflict, notFound, ProblemError } from '../../http/problem.js';
import type { Actor } from '../api-keys/service.js';
import { lockCycle, seesEverything, trainerIdOf, viewOf } from './access.js';
import { recomputeCompletion } from './completion.js';
import { promoteWaiting } from './enrolments.js';
import type { CreateCycle, ListCyclesQuery, Partner, UpdateCycle } from './schemas.js';
import { getCycleRow, loadCycle, ruleColumns, selectCycles, toCycle, trainersOf } from './store.js';

// ---- partners ----

export async function createPartner(db: Db, name: string): Promise<Partner> {
  return inTransaction(db, async (trx) => {
    const existing = await trx.selectFrom('training_partners').select('id').where('name', '=', name).executeTakeFirst();
    if (existing) throw conflict(`A partner named "${name}" already exists`, { partnerId: existing.id });
    const row = { id: newId(), name, created_at: nowIso() };
    await trx.insertInto('training_partners').values(row).execute();
    return { id: row.id, name: row.name, createdAt: row.created_at };
  });
}

export async function listPartners(db: Db): Promise<Partner[]> {
  const rows = await db.kysely.selectFrom('training_partners').selectAll().orderBy('name').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at }));
}

async function checkOrganiser(db: Executor, id: string): Promise<void> {
  const row = await db.selectFrom('training_partners').select('id').where('id', '=', id).executeTakeFirst();
  if (!row) throw new ProblemError(422, `No partner organisation has the id ${id}`, {}, [{ path: 'organiserId', message: 'unknown partner' }]);
}

/**
 * Trainer identities must be active staff users or live API keys, of role trainer: a typo (or a
 * collector's id) would silently lock the trainer out, or let the wrong person in.
 */
async function checkTrainers(db: Executor, ids: string[]): Promise<string[]> {
  const unique = [...new Set(ids)];
  if (!unique.length) return unique;
  const keys = await db.selectFrom('api_keys').select('id').where('id', 'in', unique).where('role', '=', 'trainer').where('revoked_at', 'is', null).execute();
  const users = await db.selectFrom('staff_users').select('id').where('id', 'in', unique).where('role', '=', 'trainer').where('active', '=', 1).execute();
  const known = new Set([...keys, ...users].map((r) => r.id));
  const errors = ids
    .map((id, i) => ({ id, i }))
    .filter(({ id }) => !known.has(id))
    .map(({ i }) => ({ path: `trainerIds.${i}`, message: 'neither an active staff user nor an active API key of role trainer' }));
  if (errors.length) throw new ProblemError(422, 'Every trainer must be an active staff user or API key of role trainer', {}, errors);
  return unique;
}

async function setTrainers(trx: Trx, cycleId: string, ids: string[]): Promise<void> {
  await trx.deleteFrom('training_cycle_trainers').where('cycle_id', '=', cycleId).execute();
  if (ids.length) await trx.insertInto('training_cycle_trainers').values(ids.map((trainer_id) => ({ cycle_id: cycleId, trainer_id }))).execute();
}

// ---- cycles ----

export async function createCycle(db: Db, input: CreateCycle, actor: Actor) {
  return inTransaction(db, async (trx) => {
    await checkOrganiser(trx, input.organiserId);
    const trainers = await checkTrainers(trx, input.trainerIds);
    const id = newId();
    const now = nowIso();
    await trx
      .insertInto('training_cycles')
      .values({
        id,
        title: input.title,
        organiser_id: input.organiserId,
        place: input.place,
        capacity: input.capacity,
        starts_on: input.startsOn,
        ends_on: input.endsOn,
        ...ruleColumns(input.completionRule),
        notes: input.notes ?? null,
        created_by: actor.name,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await setTrainers(trx, id, trainers);
    return loadCycle(trx, id, 'full');
  });
}

export async function updateCycle(db: Db, id: string, patch: UpdateCycle) {
  return inTransaction(db, async (trx) => {
    await lockCycle(trx, id);
    const before = await getCycleRow(trx, id);
    if (patch.organiserId) await checkOrganiser(trx, patch.organiserId);
    const startsOn = patch.startsOn ?? before.starts_on;
    const endsOn = patch.endsOn ?? before.ends_on;
    if (startsOn > endsOn) throw new ProblemError(400, 'The cycle would end before it starts', {}, [{ path: patch.endsOn ? 'endsOn' : 'startsOn', message: 'must not be before startsOn' }]);
    if (patch.capacity !== undefined) {
      const enrolled = await trx
        .selectFrom('training_enrolments')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('cycle_id', '=', id)
        .where('status', '=', 'enrolled')
        .executeTakeFirstOrThrow();
      if (patch.capacity < Number(enrolled.n)) {
        throw conflict(`${enrolled.n} people hold a place in this cycle: withdraw some before lowering the capacity to ${patch.capacity}`, { enrolledCount: Number(enrolled.n) });
      }
    }
    if (patch.trainerIds) await setTrainers(trx, id, await checkTrainers(trx, patch.trainerIds));
    await trx
      .updateTable('training_cycles')
      .set({
        title: patch.title,
        organiser_id: patch.organiserId,
        place: patch.place,
        capacity: patch.capacity,
        starts_on: patch.startsOn,
        ends_on: patch.endsOn,
        ...(patch.completionRule ? ruleColumns(patch.completionRule) : {}),
        notes: patch.notes,
        updated_at: nowIso(),
      })
      .where('id', '=', id)
      .execute();
    const after = await getCycleRow(trx, id);
    if (patch.capacity !== undefined) await promoteWaiting(trx, after);
    if (patch.completionRule) await recomputeCompletion(trx, after);
    return loadCycle(trx, id, 'full');
  });
}

export async function getCycle(db: Db, id: string, actor: Actor) {
  const view = await viewOf(db.kysely, id, actor);
  return loadCycle(db.kysely, id, view);
}

/** Newest first; a trainer lists the cycles they are assigned to, and no other. */
export async function listCycles(db: Db, query: ListCyclesQuery, actor: Actor) {
  const after = decodeCursor<string>(query.cursor, 'string');
  let select = selectCycles(db.kysely).orderBy('training_cycles.id', 'desc').limit(query.limit + 1);
  if (after) select = select.where('training_cycles.id', '<', after);
  if (query.organiserId) select = select.where('training_cycles.organiser_id', '=', query.organiserId);
  if (actor.role === 'trainer') {
    select = select.where('training_cycles.id', 'in', (eb) => eb.selectFrom('training_cycle_trainers').select('cycle_id').where('trainer_id', '=', trainerIdOf(actor)));
  }
  const rows = await select.execute();
  const trainers = seesEverything(actor) ? await trainersOf(db.kysely, rows.map((r) => r.id)) : new Map<string, string[]>();
  const view = seesEverything(actor) ? 'full' : actor.role === 'trainer' ? 'names' : 'references';
  return toPage(rows, query.limit, (r) => r.id, (r) => toCycle(r, trainers.get(r.id) ?? [], view));
}

export async function requireCycle(db: Executor, id: string) {
  const row = await db.selectFrom('training_cycles').select('id').where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`Training cycle ${id}`);
}

/** Who may be named in `trainerIds`: active staff users and live API keys of role trainer, by name. */
export async function trainerChoices(db: Db): Promise<{ id: string; name: string; kind: 'user' | 'key' }[]> {
  const users = await db.kysely.selectFrom('staff_users').select(['id', 'name']).where('role', '=', 'trainer').where('active', '=', 1).orderBy('name').execute();
  const keys = await db.kysely.selectFrom('api_keys').select(['id', 'name']).where('role', '=', 'trainer').where('revoked_at', 'is', null).orderBy('name').execute();
  return [...users.map((u) => ({ ...u, kind: 'user' as const })), ...keys.map((k) => ({ ...k, kind: 'key' as const }))];
}
