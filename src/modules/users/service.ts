import { hash, verify } from '@node-rs/argon2';
import { createHash, randomBytes } from 'node:crypto';
import commonPasswords from 'fxa-common-password-list';
import type { Db } from '../../db/connection.js';
import { nowMs } from '../../clock.js';
import { newId } from '../../db/ids.js';
import type { StaffUserRow } from '../../db/schema.js';
import { inTransaction, nowIso, type Executor } from '../../db/transaction.js';
import { conflict, notFound, ProblemError } from '../../http/problem.js';
import type { Role } from '../api-keys/schemas.js';
import { MIN_PASSWORD_LENGTH, type CreateUser, type StaffUser } from './schemas.js';

export const INVITATION_HOURS = 72;
/** Failed sign-ins counted over this window; past the limits, sign-in waits until old failures age out. */
export const FAILURE_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_ADDRESS = 20;

/** Tokens and session ids carry 256 random bits: a plain SHA-256 is enough to store them. */
export const sha256 = (secret: string) => createHash('sha256').update(secret).digest('hex');
export const randomSecret = () => randomBytes(32).toString('base64url');

export function toStaffUser(row: StaffUserRow): StaffUser {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    active: row.active === 1,
    hasPassword: row.password_hash !== null,
    createdAt: row.created_at,
  };
}

export type PasswordProblem = 'too-short' | 'common' | 'mismatch';

/** Why a new password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string, confirmation = password): PasswordProblem | undefined {
  // Spaces pad a password without making it harder to guess: only the rest counts.
  if ([...password.replace(/\s/g, '')].length < MIN_PASSWORD_LENGTH) return 'too-short';
  if (commonPasswords.test(password) || commonPasswords.test(password.toLowerCase())) return 'common';
  if (password !== confirmation) return 'mismatch';
  return undefined;
}

let dummy: Promise<string> | undefined;
/** A hash of a random password, with the same parameters as the real ones: verified against when there is no account. */
const dummyHash = () => (dummy ??= hashPassword(randomBytes(32).toString('base64url')));

/** argon2id with the library's defaults (19 MiB, 2 passes: OWASP's minimum). */
export const hashPassword = (password: string) => hash(password);

export async function createUser(db: Db, input: CreateUser, createdBy: string): Promise<{ user: StaffUser; token: string }> {
  return inTransaction(db, async (trx) => {
    const taken = await trx.selectFrom('staff_users').select('id').where('email', '=', input.email).executeTakeFirst();
    if (taken) throw new ProblemError(409, `A user with the e-mail ${input.email} already exists`, {}, [{ path: 'email', message: 'already used' }]);
    const now = nowIso();
    const row: StaffUserRow = { id: newId(), email: input.email, name: input.name, role: input.role, password_hash: null, active: 1, created_at: now, updated_at: now };
    await trx.insertInto('staff_users').values(row).execute();
    const token = randomSecret();
    await trx.insertInto('staff_invitations').values(invitationRow(row.id, token, createdBy)).execute();
    return { user: toStaffUser(row), token };
  });
}

function invitationRow(userId: string, token: string, createdBy: string) {
  const now = nowMs();
  return {
    token_hash: sha256(token),
    user_id: userId,
    created_by: createdBy,
    created_at: new Date(now).toISOString(),
    expires_at: new Date(now + INVITATION_HOURS * 3600 * 1000).toISOString(),
    used_at: null,
  };
}

/** A new one-time link for an existing user (the earlier unused links stop working). */
export async function inviteAgain(db: Db, userId: string, createdBy: string): Promise<string> {
  return inTransaction(db, async (trx) => {
    await getUserRow(trx, userId);
    const now = nowIso();
    await trx.updateTable('staff_invitations').set({ used_at: now }).where('user_id', '=', userId).where('used_at', 'is', null).execute();
    const token = randomSecret();
    await trx.insertInto('staff_invitations').values(invitationRow(userId, token, createdBy)).execute();
    return token;
  });
}

export const invitationPath = (token: string) => `/invitation/${token}`;

/** The user an invitation link is for, while the link is unused, unexpired and the user active. */
export async function invitationUser(db: Db, token: string): Promise<StaffUser | undefined> {
  const row = await db.kysely
    .selectFrom('staff_invitations')
    .innerJoin('staff_users', 'staff_users.id', 'staff_invitations.user_id')
    .selectAll('staff_users')
    .where('staff_invitations.token_hash', '=', sha256(token))
    .where('staff_invitations.used_at', 'is', null)
    .where('staff_invitations.expires_at', '>', nowIso())
    .where('staff_users.active', '=', 1)
    .executeTakeFirst();
  return row ? toStaffUser(row) : undefined;
}

/** Sets the password and spends the link, in one transaction: a link works once. */
export async function acceptInvitation(db: Db, token: string, password: string): Promise<StaffUser | undefined> {
  const passwordHash = await hashPassword(password);
  return inTransaction(db, async (trx) => {
    const now = nowIso();
    const spent = await trx
      .updateTable('staff_invitations')
      .set({ used_at: now })
      .where('token_hash', '=', sha256(token))
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('user_id')
      .executeTakeFirst();
    if (!spent) return undefined;
    const row = await trx
      .updateTable('staff_users')
      .set({ password_hash: passwordHash, updated_at: now })
      .where('id', '=', spent.user_id)
      .where('active', '=', 1)
      .returningAll()
      .executeTakeFirst();
    // A new password ends the sessions opened with the old one.
    if (row) await trx.deleteFrom('staff_sessions').where('user_id', '=', row.id).execute();
    return row ? toStaffUser(row) : undefined;
  });
}

export async function getUserRow(db: Executor, id: string): Promise<StaffUserRow> {
  const row = await db.selectFrom('staff_users').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`User ${id}`);
  return row;
}

export async function listUsers(db: Db): Promise<StaffUser[]> {
  const rows = await db.kysely.selectFrom('staff_users').selectAll().orderBy('name').orderBy('id').execute();
  return rows.map(toStaffUser);
}

/** Deactivating ends every session of the user at once, in the same transaction. */
export async function setUserActive(db: Db, id: string, active: boolean): Promise<StaffUser> {
  return inTransaction(db, async (trx) => {
    const row = await trx.updateTable('staff_users').set({ active: active ? 1 : 0, updated_at: nowIso() }).where('id', '=', id).returningAll().executeTakeFirst();
    if (!row) throw notFound(`User ${id}`);
    if (!active) {
      await trx.deleteFrom('staff_sessions').where('user_id', '=', id).execute();
      await trx.updateTable('staff_invitations').set({ used_at: nowIso() }).where('user_id', '=', id).where('used_at', 'is', null).execute();
    }
    return toStaffUser(row);
  });
}

export type SignInResult = { user: StaffUser } | { refused: 'credentials' | 'throttled' };

const accountSubject = (email: string) => `account:${email.toLowerCase()}`;
const addressSubject = (address: string) => `address:${address}`;

/**
 * Checks an e-mail and password. Failures are counted per account and per address: past
 * the limits within the window, even the right password is refused until failures age out,
 * and the password is not even checked (no oracle, no CPU spent on guesses).
 */
export async function signIn(db: Db, email: string, password: string, address: string): Promise<SignInResult> {
  const since = new Date(nowMs() - FAILURE_WINDOW_MS).toISOString();
  const counts = await db.kysely
    .selectFrom('sign_in_failures')
    .select(['subject', (eb) => eb.fn.countAll<number>().as('count')])
    .where('subject', 'in', [accountSubject(email), addressSubject(address)])
    .where('at', '>', since)
    .groupBy('subject')
    .execute();
  const count = (subject: string) => Number(counts.find((c) => c.subject === subject)?.count ?? 0);
  if (count(accountSubject(email)) >= MAX_FAILURES_PER_ACCOUNT || count(addressSubject(address)) >= MAX_FAILURES_PER_ADDRESS) {
    return { refused: 'throttled' };
  }
  const row = await db.kysely.selectFrom('staff_users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
  // An unknown or inactive account costs the same argon2 verify, so that timing does not tell which e-mails have one.
  const usable = row?.password_hash && row.active === 1;
  const verified = await verify(usable ? row.password_hash! : await dummyHash(), password).catch(() => false);
  const ok = usable && verified;
  if (!row || !ok) {
    const at = nowIso();
    await db.kysely.insertInto('sign_in_failures').values([{ subject: accountSubject(email), at }, { subject: addressSubject(address), at }]).execute();
    await db.kysely.deleteFrom('sign_in_failures').where('at', '<', since).execute();
    return { refused: 'credentials' };
  }
  await db.kysely.deleteFrom('sign_in_failures').where('subject', '=', accountSubject(email)).execute();
  return { user: toStaffUser(row) };
}

/** For automated set-ups (ADMIN_EMAIL + ADMIN_PASSWORD): an active admin with this password exists. */
export async function ensureAdminUser(db: Db, email: string, password: string): Promise<'created' | 'updated' | 'unchanged'> {
  const address = email.toLowerCase();
  const row = await db.kysely.selectFrom('staff_users').selectAll().where('email', '=', address).executeTakeFirst();
  if (row && row.active === 1 && row.role === 'admin' && row.password_hash && (await verify(row.password_hash, password).catch(() => false))) return 'unchanged';
  const passwordHash = await hashPassword(password);
  const now = nowIso();
  if (row) {
    await db.kysely.updateTable('staff_users').set({ password_hash: passwordHash, role: 'admin', active: 1, updated_at: now }).where('id', '=', row.id).execute();
    return 'updated';
  }
  try {
    await db.kysely
      .insertInto('staff_users')
      .values({ id: newId(), email: address, name: 'Administrateur', role: 'admin', password_hash: passwordHash, active: 1, created_at: now, updated_at: now })
      .execute();
  } catch (error) {
    // Two instances starting at once: the other one created it.
    if (await db.kysely.selectFrom('staff_users').select('id').where('email', '=', address).executeTakeFirst()) return 'unchanged';
    throw error;
  }
  return 'created';
}

export function assertNotSelf(actorUserId: string, userId: string): void {
  if (actorUserId === userId) throw conflict('You cannot deactivate yourself');
}
