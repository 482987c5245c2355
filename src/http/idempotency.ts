import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { nowIso, nowMs } from '../clock.js';
import type { Db } from '../db/connection.js';
import { newId } from '../db/ids.js';
import { withCommitHook, type Trx } from '../db/transaction.js';
import { problemBody, ProblemError } from './problem.js';

/**
 * How an idempotent route's answer follows from its transaction's result, so that the answer
 * is stored by that transaction. By default the route answers its one 2xx status with the
 * result itself (`reply.code(201).send(await service(...))`).
 */
export interface IdempotentAnswer {
  /** The status of a success; by default the one 2xx status of the route's response schema. */
  status?: number;
  /** The body sent for the transaction's result, when it is not the result itself. */
  body?: (result: never, request: FastifyRequest) => unknown;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Honour an `Idempotency-Key` header: the first answer is replayed for the same key. */
    idempotent?: boolean | IdempotentAnswer;
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
  /** The answer a transaction of this request recorded with the key (then commits with it). */
  recorded?: StoredAnswer;
}

interface StoredAnswer {
  response_status: number;
  response_type: string;
  response_body: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';

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
 * Exactly once, crashes included: the key and the answer are written by the work's own
 * transaction (a commit hook, see `withCommitHook`), never before it nor after it. A crash
 * before that commit leaves no trace, so the retry runs the work; after it, the retry is
 * replayed. The answer is the route's success status and its response serializer applied to
 * the transaction's result (`IdempotentAnswer` when the body is shaped otherwise); a route whose
 * sent answer differs from it is a bug, logged at error level. Two requests with the same key
 * at once both run, but only the first commits: the second's transaction finds the key taken
 * and rolls back. A request refused before any transaction (a 4xx) stores its refusal after.
 */
export function registerIdempotency(app: FastifyInstance): void {
  // Hooked onto the routes that ask for it only: every other request skips two hooks.
  app.addHook('onRoute', (route) => {
    if (!route.config?.idempotent) return;
    route.preHandler = [...asArray(route.preHandler), claimKey];
    route.onSend = [...asArray(route.onSend), storeAnswer];
    const answerOf = answerMaker(route.config.idempotent, route.schema?.response);
    const handler = route.handler;
    route.handler = function (this: FastifyInstance, request, reply) {
      const claim = request.idempotencyClaim;
      if (!claim) return handler.call(this, request, reply);
      return withCommitHook((trx, result) => recordKey(trx, claim, answerOf(result, request, reply)), () => handler.call(this, request, reply));
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
      request.idempotencyClaim = { apiKeyId, key, hash, id: newId() };
      return;
    }
    if (stored.request_hash !== hash) {
      throw new ProblemError(422, 'This Idempotency-Key was already used with a different request');
    }
    if (stored.state !== 'done') {
      // Only rows written before answers were stored with the work (they age out in 24 hours).
      throw new ProblemError(409, 'A request with this Idempotency-Key was carried out and its answer was not kept; look the result up');
    }
    reply.header('Idempotent-Replayed', 'true');
    return reply.code(stored.response_status ?? 200).type(stored.response_type ?? 'application/json').send(stored.response_body);
  }

  async function storeAnswer(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
    const claim = request.idempotencyClaim;
    if (!claim) return payload;
    request.idempotencyClaim = undefined;
    if (!claim.recorded && reply.statusCode < 300) {
      request.log.error({ route: request.routeOptions.url }, 'idempotent route succeeded without recording its key in a transaction (inTransaction): a retry would run it again');
    }
    if (claim.recorded) {
      // The work committed with its answer; whatever is sent now (even a 500 of a later step) is not what a retry gets.
      if (reply.statusCode === claim.recorded.response_status && payload !== claim.recorded.response_body) {
        request.log.error({ route: request.routeOptions.url }, 'idempotent route answered other than its transaction\'s result: a replay would differ');
      }
      return payload;
    }
    const refusal = reply.statusCode >= 400 && reply.statusCode < 500 && typeof payload === 'string';
    if (!refusal) return payload; // a 5xx, or a success that wrote nothing: the retry runs again
    // Refused before or inside a rolled-back transaction (a 4xx): nothing was written, the refusal is replayed.
    await app.db.kysely
      .insertInto('idempotency_keys')
      .values({ api_key_id: claim.apiKeyId, key: claim.key, request_hash: claim.hash, claim_id: claim.id, created_at: nowIso(), state: 'done', response_status: reply.statusCode, response_type: String(reply.getHeader('content-type') ?? 'application/problem+json'), response_body: payload })
      .onConflict((oc) => oc.doNothing())
      .execute();
    return payload;
  }
}

/**
 * Inside the work's transaction, just before commit: the key is this request's, or the work
 * rolls back; its answer is stored with it. A request whose work takes two transactions
 * records the answer of the last.
 */
async function recordKey(trx: Trx, claim: Claim, answer: StoredAnswer): Promise<void> {
  await trx
    .insertInto('idempotency_keys')
    .values({ api_key_id: claim.apiKeyId, key: claim.key, request_hash: claim.hash, state: 'done', claim_id: claim.id, created_at: nowIso(), ...answer })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const row = await trx.selectFrom('idempotency_keys').select('claim_id').where('api_key_id', '=', claim.apiKeyId).where('key', '=', claim.key).executeTakeFirstOrThrow();
  if (row.claim_id !== claim.id) throw new ProblemError(409, 'A request with this Idempotency-Key was carried out at the same time; retry to get its answer');
  if (claim.recorded) {
    await trx.updateTable('idempotency_keys').set(answer).where('api_key_id', '=', claim.apiKeyId).where('key', '=', claim.key).execute();
  }
  claim.recorded = answer;
}

type AnswerOf = (result: unknown, request: FastifyRequest, reply: FastifyReply) => StoredAnswer;

/** What a route sends for its transaction's result, serialized as Fastify would send it. */
function answerMaker(config: boolean | IdempotentAnswer, responseSchemas: unknown): AnswerOf {
  const options = typeof config === 'object' ? config : {};
  const status = options.status ?? successStatusOf(responseSchemas);
  const bodyOf = (options.body ?? ((result: unknown) => result)) as (result: unknown, request: FastifyRequest) => unknown;
  const hasSchema = Boolean(responseSchemas && (responseSchemas as Record<string, unknown>)[status]);
  return (result, request, reply) => {
    const body = bodyOf(result, request);
    return { response_status: status, response_type: JSON_TYPE, response_body: hasSchema ? (reply.serializeInput(body as Record<string, unknown>, String(status)) as string) : JSON.stringify(body) };
  };
}

function successStatusOf(responseSchemas: unknown): number {
  const codes = Object.keys((responseSchemas as Record<string, unknown> | undefined) ?? {}).map(Number).filter((code) => code >= 200 && code < 300);
  if (codes.length !== 1) throw new Error(`an idempotent route needs one 2xx response schema, or config.idempotent.status (found ${codes.join(', ') || 'none'})`);
  return codes[0];
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
