import { hash, randomBytes } from 'node:crypto';
import type { Db } from '../../db/connection.js';
import { newId } from '../../db/ids.js';
import type { ApiKeyRow } from '../../db/schema.js';
import { cachedSqlite } from '../../db/statements.js';
import { nowIso } from '../../db/transaction.js';
import { notFound } from '../../http/problem.js';
import type { ApiKey, CreateApiKey, Role } from './schemas.js';

export interface Actor {
  keyId: string;
  name: string;
  role: Role;
}

/** Keys carry 256 random bits, so a plain SHA-256 is enough to store them (no slow hash needed). */
export function hashKey(secret: string): string {
  // One-shot: no Hash object per request (every authenticated request hashes its key).
  return hash('sha256', secret, 'hex');
}

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    keyPrefix: row.key_prefix,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

export async function createApiKey(db: Db, input: CreateApiKey, secret = `opk_${randomBytes(32).toString('base64url')}`) {
  const row: ApiKeyRow = {
    id: newId(),
    name: input.name,
    role: input.role,
    key_hash: hashKey(secret),
    key_prefix: secret.slice(0, 10),
    created_at: nowIso(),
    revoked_at: null,
  };
  await db.kysely.insertInto('api_keys').values(row).execute();
  return { ...toApiKey(row), key: secret };
}

export async function listApiKeys(db: Db): Promise<ApiKey[]> {
  const rows = await db.kysely.selectFrom('api_keys').selectAll().orderBy('id').execute();
  return rows.map(toApiKey);
}

export async function revokeApiKey(db: Db, id: string): Promise<void> {
  const result = await db.kysely
    .updateTable('api_keys')
    .set({ revoked_at: nowIso() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw notFound(`Active API key ${id}`);
  forgetKeys((actor) => actor.keyId === id);
}

/**
 * Valid keys checked in the last second, by the hash of their secret (never the secret itself):
 * a key's lookup was, with its read transaction, a tenth of the scan route's server CPU.
 * Only keys that authenticated are kept, so a wrong key is looked up every time and no dump of
 * this process lists the guesses. A revocation or role change made by this process forgets the
 * key at once; one made elsewhere (another instance, `npm run api-key -- revoke`) is seen within
 * KEY_CACHE_MS, when the entry is next looked up again.
 */
const KEY_CACHE_MS = 1000;
const KEY_CACHE_SIZE = 1000;
interface CachedKey {
  db: Db;
  actor: Actor;
  /** performance.now() of the lookup: a monotonic reading, not a business time. */
  checkedAt: number;
}
const keyCache = new Map<string, CachedKey>();
/** Bumped by every forget, so that a lookup begun before a revocation is not cached after it. */
let keyCacheGeneration = 0;

function forgetKeys(which: (actor: Actor) => boolean): void {
  keyCacheGeneration++;
  for (const [hash, entry] of keyCache) if (which(entry.actor)) keyCache.delete(hash);
}

/**
 * Checked on every request; a revoked key stops working at once in this process and within a
 * second on every other (see `keyCache`). The lookup is by the hash of a 256-bit secret: there
 * is nothing for a timing attack to learn. On SQLite the answer comes without a promise: this
 * runs on every request, and a promise (with the async hook around it) cost a measurable share
 * of the scan route's throughput.
 */
export function authenticateKey(db: Db, secret: string): Actor | undefined | Promise<Actor | undefined> {
  const hash = hashKey(secret);
  const cached = keyCache.get(hash);
  if (cached && cached.db === db && performance.now() - cached.checkedAt < KEY_CACHE_MS) return cached.actor;
  const generation = keyCacheGeneration;
  const remember = (row: KeyRow | undefined) => {
    const actor = toActor(row);
    if (actor && generation === keyCacheGeneration) {
      if (keyCache.size >= KEY_CACHE_SIZE) keyCache.clear();
      keyCache.set(hash, { db, actor, checkedAt: performance.now() });
    } else keyCache.delete(hash);
    return actor;
  };
  const statement = cachedSqlite(db, 'select id, name, role from api_keys where key_hash = ? and revoked_at is null');
  if (statement) return remember(statement.get(hash) as KeyRow | undefined);
  return db.kysely
    .selectFrom('api_keys')
    .select(['id', 'name', 'role'])
    .where('key_hash', '=', hash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
    .then(remember);
}

type KeyRow = Pick<ApiKeyRow, 'id' | 'name' | 'role'>;
function toActor(row: KeyRow | undefined): Actor | undefined {
  return row ? Object.freeze({ keyId: row.id, name: row.name, role: row.role as Role }) : undefined;
}

export async function countActiveKeys(db: Db): Promise<number> {
  const row = await db.kysely
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('revoked_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export class RevokedAdminKeyError extends Error {}

/**
 * For automated set-ups: makes sure an admin key with exactly this secret exists. A key once
 * revoked stays revoked (revocation is what an administrator does to a leaked secret): if the
 * secret is one of them, this throws instead of bringing it back, and the server refuses to start.
 */
export async function ensureAdminKey(db: Db, secret: string): Promise<boolean> {
  const existing = await db.kysely.selectFrom('api_keys').select(['id', 'role', 'revoked_at']).where('key_hash', '=', hashKey(secret)).executeTakeFirst();
  if (existing?.revoked_at) {
    throw new RevokedAdminKeyError(
      `ADMIN_API_KEY holds the secret of API key ${existing.id}, revoked at ${existing.revoked_at}. ` +
        'Revocation is permanent: set ADMIN_API_KEY to a new secret of 24+ characters, or unset it.',
    );
  }
  if (existing?.role === 'admin') return false;
  if (existing) {
    await db.kysely.updateTable('api_keys').set({ role: 'admin' }).where('id', '=', existing.id).execute();
    forgetKeys((actor) => actor.keyId === existing.id);
  }
  else await createApiKey(db, { name: 'admin (ADMIN_API_KEY)', role: 'admin' }, secret);
  return true;
}
