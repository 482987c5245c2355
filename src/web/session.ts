import { now as nowDate, nowMs } from '../clock.js';
import type { Db } from '../db/connection.js';
import { nowIso } from '../db/transaction.js';
import type { Actor } from '../modules/api-keys/service.js';
import type { Role } from '../modules/api-keys/schemas.js';
import { randomSecret, sha256 } from '../modules/users/service.js';

export const IDLE_MS = 8 * 3600 * 1000;
export const ABSOLUTE_MS = 7 * 24 * 3600 * 1000;
/** last_seen_at is written at most this often: a page view is not a write. */
const TOUCH_MS = 60 * 1000;

export interface StaffSession {
  idHash: string;
  userId: string;
  email: string;
  /** The same shape as an API key's actor: the staff member's name is recorded on every change. */
  actor: Actor;
}

export const staffActor = (user: { id: string; name: string; role: Role }): Actor => ({ keyId: `user:${user.id}`, name: user.name, role: user.role });

/** A new session; the cookie gets the random id, the database only its hash. */
export async function openSession(db: Db, userId: string): Promise<string> {
  const id = randomSecret();
  const now = nowDate();
  await db.kysely
    .insertInto('staff_sessions')
    .values({ id_hash: sha256(id), user_id: userId, created_at: now.toISOString(), last_seen_at: now.toISOString(), expires_at: new Date(now.getTime() + ABSOLUTE_MS).toISOString() })
    .execute();
  return id;
}

/**
 * The session of a cookie, read on every page: an unknown, idle (8 h), expired (7 days) session
 * or one of a deactivated user is no session. The user's name and role are read each time, so a
 * change of role or a deactivation takes effect on the next page.
 */
export async function findSession(db: Db, id: string): Promise<StaffSession | undefined> {
  const idHash = sha256(id);
  const row = await db.kysely
    .selectFrom('staff_sessions')
    .innerJoin('staff_users', 'staff_users.id', 'staff_sessions.user_id')
    .select(['staff_sessions.last_seen_at', 'staff_sessions.expires_at', 'staff_users.id', 'staff_users.name', 'staff_users.email', 'staff_users.role', 'staff_users.active'])
    .where('staff_sessions.id_hash', '=', idHash)
    .executeTakeFirst();
  if (!row) return undefined;
  const now = nowMs();
  const lastSeen = Date.parse(row.last_seen_at);
  if (row.active !== 1 || now - lastSeen > IDLE_MS || now > Date.parse(row.expires_at)) {
    await db.kysely.deleteFrom('staff_sessions').where('id_hash', '=', idHash).execute();
    return undefined;
  }
  if (now - lastSeen > TOUCH_MS) await db.kysely.updateTable('staff_sessions').set({ last_seen_at: nowIso() }).where('id_hash', '=', idHash).execute();
  return { idHash, userId: row.id, email: row.email, actor: staffActor({ id: row.id, name: row.name, role: row.role as Role }) };
}

export async function closeSession(db: Db, idHash: string): Promise<void> {
  await db.kysely.deleteFrom('staff_sessions').where('id_hash', '=', idHash).execute();
}

/** "Se déconnecter partout": every session of the user, on every device. */
export async function closeAllSessions(db: Db, userId: string): Promise<void> {
  await db.kysely.deleteFrom('staff_sessions').where('user_id', '=', userId).execute();
}
