import { createHash, randomBytes } from 'node:crypto';
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
  return createHash('sha256').update(secret).digest('hex');
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
}

/**
 * Looked up on every request, so a revoked key stops working at once on every instance.
 * The lookup is by the hash of a 256-bit secret: there is nothing for a timing attack to learn.
 * On SQLite the answer comes without a promise: this runs on every request, and a promise (with
 * the async hook around it) cost a measurable share of the scan route's throughput.
 */
export function authenticateKey(db: Db, secret: string): Actor | undefined | Promise<Actor | undefined> {
  // No cache of secrets (not even of their hashes keyed by the secret): one SHA-256 of a short
  // string costs about a microsecond, and a process memory dump must not list every key tried.
  const hash = hashKey(secret);
  const statement = cachedSqlite(db, 'select id, name, role from api_keys where key_hash = ? and revoked_at is null');
  if (statement) return toActor(statement.get(hash) as KeyRow | undefined);
  return db.kysely
    .selectFrom('api_keys')
    .select(['id', 'name', 'role'])
    .where('key_hash', '=', hash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
    .then(toActor);
}

type KeyRow = Pick<ApiKeyRow, 'id' | 'name' | 'role'>;
function toActor(row: KeyRow | undefined): Actor | undefined {
  return row ? { keyId: row.id, name: row.name, role: row.role as Role } : undefined;
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
  if (existing) await db.kysely.updateTable('api_keys').set({ role: 'admin' }).where('id', '=', existing.id).execute();
  else await createApiKey(db, { name: 'admin (ADMIN_API_KEY)', role: 'admin' }, secret);
  return true;
}
