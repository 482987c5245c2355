import { PostgresAdapter, sql } from 'kysely';
import type { Executor } from '../../db/transaction.js';
import { forbidden, notFound } from '../../http/problem.js';
import type { Actor } from '../api-keys/service.js';

/**
 * Who sees what in the training module (issue 14, point 7):
 * - `full`: installer and admin — names, prescriber, withdrawal and override reasons, individual self-assessments;
 * - `names`: a trainer on a cycle they are assigned to — the enrolled people's names, nothing else about them;
 * - `references`: every other role — references and counts.
 * A trainer never learns that a cycle they are not assigned to exists (404, and lists leave it out).
 * No view of this module ever holds an address, a phone, an e-mail or an installation.
 */
export type View = 'full' | 'names' | 'references';

export const seesEverything = (actor: Actor) => actor.role === 'admin' || actor.role === 'installer';

/**
 * A trainer's identity as cycles list it (`trainerIds`): a staff user's id for someone signed in
 * to the web app (their actor's key id is `user:<id>`), else the API key's id. Both are ids from
 * `newId()`, so one list holds either without ambiguity.
 */
export const trainerIdOf = (actor: Actor) => (actor.keyId.startsWith(STAFF_PREFIX) ? actor.keyId.slice(STAFF_PREFIX.length) : actor.keyId);
const STAFF_PREFIX = 'user:';

export async function isAssigned(db: Executor, cycleId: string, actor: Actor): Promise<boolean> {
  const row = await db
    .selectFrom('training_cycle_trainers')
    .select('cycle_id')
    .where('cycle_id', '=', cycleId)
    .where('trainer_id', '=', trainerIdOf(actor))
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The actor's view of a cycle; a trainer not assigned to it gets the same 404 as for a cycle that
 * does not exist. `asked` names what the request asked for (e.g. `Training session <id>`) when
 * it is not the cycle itself: the 404 must name only that, never the id of the cycle behind it.
 */
export async function viewOf(db: Executor, cycleId: string, actor: Actor, asked = `Training cycle ${cycleId}`): Promise<View> {
  if (seesEverything(actor)) return 'full';
  if (actor.role !== 'trainer') return 'references';
  if (await isAssigned(db, cycleId, actor)) return 'names';
  throw notFound(asked);
}

/** For documents and writes that carry names: installer, admin, or a trainer of this cycle. */
export async function requireNames(db: Executor, cycleId: string, actor: Actor, asked?: string): Promise<View> {
  const view = await viewOf(db, cycleId, actor, asked);
  if (view === 'references') throw forbidden(`The role ${actor.role} may not see the names of the people enrolled; allowed: admin, installer, a trainer of the cycle`);
  return view;
}

/** Locks a cycle's row until commit (PostgreSQL; SQLite's write transaction is already exclusive). */
export async function lockCycle(db: Executor, cycleId: string): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`select id from training_cycles where id = ${cycleId} for update`.execute(db);
  }
}
