import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { nowIso, nowMs } from '../clock.js';
import type { Db } from '../db/connection.js';
import { newId } from '../db/ids.js';
import { withCommitHook, type Trx } from '../db/transaction.js';
import { problemBody, ProblemError } from './problem.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Honour an `Idempotency-Key` header: the first answer is replayed for the same key. */
    idempotent?: boolean;
  }
}

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const RETENTION_MS = 24 * 3600 * 1000;

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function fingerprint(request: FastifyRequest): string {
  return createHash('sha256').update(`${request.method} ${request.url}\n${stableJson(request.body)}`).digest('hex');
}

interface Claim {
  apiKeyId: string;
  key: string;
  hash: string;
  /** This request: the row it writes carries it, so a concurrent twin cannot pass for it. */
  id: string;
  /** Set once a transaction of this request recorded the key (then commits with it). */
  recorded: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyClaim?: Claim;
  }
}

/** How long a key and its answer are kept; older rows are swept on start and every hour. */
export const IDEMPOTENCY_RETENTION_MS = RETENTION_MS;
const SWEEP_EVERY_MS = 3600 * 1000;

/**
 * Idempotency-Key on POST (draft-ietf-httpapi-idempotency-key-header): the first answer is
 * stored and replayed; the same key with another body is 422; a key whose first request is
 * still running is 409. Keys are scoped to the API key that sent them.
 *
 * Exactly once, crashes included: the key is written by the work's own transaction (a commit
 * hook, see `withCommitHook`), never before it. A crash before that commit leaves no trace,
 * so the retry runs the work; after it, the key is there and the retry is replayed (or, in
 * the instant between the commit and the storing of the answer, told 409). Two requests with
 * the same key at once both run, but only the first commits: the second's transaction finds
 * the key taken and rolls back.
 */
export function registerIdempotency(app: FastifyInstance): void {
  // Hooked onto the routes that ask for it only: every other request skips two hooks.
  app.addHook('onRoute', (route) => {
    if (!route.config?.idempotent) return;
    route.preHandler = [...asArray(route.preHandler), claimKey];
    route.onSend = [...asArray(route.onSend), storeAnswer];
    const handler = route.handler;
    route.handler = function (this: FastifyInstance, request, reply) {
      const claim = request.idempotencyClaim;
      if (!claim) return handler.call(this, request, reply);
      return withCommitHook((trx) => recordKey(trx, claim), () => handler.call(this, request, reply));
    };
  });

  let sweeper: NodeJS.Timeout | undefined;
  // A failed sweep (e.g. an app built on an unmigrated database to print its OpenAPI document) is logged, never fatal.
  const sweep = () => sweepIdempotencyKeys(app.db).catch((err: unknown) => app.log.warn({ err }, 'idempotency sweep failed'));
  app.addHook('onReady', async () => {
    await sweep();
    sweeper = setInterval(sweep, SWEEP_EVERY_MS).unref();
  });
  app.addHook('onClose', async () => clearInterval(sweeper));

  async function claimKey(request: FastifyRequest, reply: FastifyReply) {
    const raw = request.headers['idempotency-key'];
    if (raw === undefined) return;
    const key = Array.isArray(raw) ? raw[0] : raw;
    if (!KEY_PATTERN.test(key)) {
      throw new ProblemError(400, 'Idempotency-Key must be 1 to 255 visible ASCII characters', {}, [
        { path: 'headers.idempotency-key', message: 'invalid key' },
      ]);
    }
    const db = app.db.kysely;
    const hash = fingerprint(request);
    const apiKeyId = request.actor.keyId;
    let stored = await db.selectFrom('idempotency_keys').selectAll().where('api_key_id', '=', apiKeyId).where('key', '=', key).executeTakeFirst();
    if (stored && Date.parse(stored.created_at) < nowMs() - RETENTION_MS) {
      await db.deleteFrom('idempotency_keys').where('api_key_id', '=', apiKeyId).where('key', '=', key).where('created_at', '=', stored.created_at).execute();
      stored = undefined;
    }
    if (!stored) {
      request.idempotencyClaim = { apiKeyId, key, hash, id: newId(), recorded: false };
      return;
    }
    if (stored.request_hash !== hash) {
      throw new ProblemError(422, 'This Idempotency-Key was already used with a different request');
    }
    if (stored.state !== 'done') {
      throw new ProblemError(409, 'A request with this Idempotency-Key was carried out and its answer is not stored yet; retry in a moment, or look the result up');
    }
    reply.header('Idempotent-Replayed', 'true');
    return reply.code(stored.response_status ?? 200).type(stored.response_type ?? 'application/json').send(stored.response_body);
  }

  async function storeAnswer(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
    const claim = request.idempotencyClaim;
    if (!claim) return payload;
    request.idempotencyClaim = undefined;
    const replayable = reply.statusCode < 500 && typeof payload === 'string';
    if (!replayable) return payload; // nothing replayable was sent; a recorded key stays `committed`
    const answer = { state: 'done' as const, response_status: reply.statusCode, response_type: String(reply.getHeader('content-type') ?? 'application/json'), response_body: payload };
    if (claim.recorded) {
      await app.db.kysely.updateTable('idempotency_keys').set(answer).where('api_key_id', '=', claim.apiKeyId).where('key', '=', claim.key).where('claim_id', '=', claim.id).execute();
    } else {
      // Refused before any transaction (a 4xx): nothing was written, the refusal is replayed.
      await app.db.kysely
        .insertInto('idempotency_keys')
        .values({ api_key_id: claim.apiKeyId, key: claim.key, request_hash: claim.hash, claim_id: claim.id, created_at: nowIso(), ...answer })
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    return payload;
  }
}

/** Inside the work's transaction, just before commit: the key is this request's, or the work rolls back. */
async function recordKey(trx: Trx, claim: Claim): Promise<void> {
  await trx
    .insertInto('idempotency_keys')
    .values({ api_key_id: claim.apiKeyId, key: claim.key, request_hash: claim.hash, state: 'committed', claim_id: claim.id, response_status: null, response_type: null, response_body: null, created_at: nowIso() })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const row = await trx.selectFrom('idempotency_keys').select('claim_id').where('api_key_id', '=', claim.apiKeyId).where('key', '=', claim.key).executeTakeFirstOrThrow();
  if (row.claim_id !== claim.id) throw new ProblemError(409, 'A request with this Idempotency-Key was carried out at the same time; retry to get its answer');
  claim.recorded = true;
}

/** Drops the keys older than the retention (24 h): their answers are no longer replayed. */
export async function sweepIdempotencyKeys(db: Db): Promise<number> {
  const result = await db.kysely.deleteFrom('idempotency_keys').where('created_at', '<', new Date(nowMs() - RETENTION_MS).toISOString()).executeTakeFirst();
  return Number(result.numDeletedRows);
}

function asArray<T>(hooks: T | T[] | undefined): T[] {
  return hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];
}

/**
 * Stored answers that name this record (a person's, by id) are forgotten when the person is
 * anonymised: an answer kept for replay must not outlive the data it carries. The key stays,
 * answered 410 from then on: a client's retry of the registration must not bring the person
 * back. Ids are letters and digits, so they hold no LIKE wildcard.
 */
export async function forgetAnswersAbout(trx: Trx, id: string): Promise<void> {
  const gone = problemBody(410, 'The record this request created or changed has since been anonymised: its answer is no longer kept, and the request is not carried out again');
  await trx
    .updateTable('idempotency_keys')
    .set({ state: 'done', response_status: 410, response_type: 'application/problem+json', response_body: JSON.stringify(gone) })
    .where('response_body', 'like', `%"${id}"%`)
    .execute();
}
