import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { nowIso, nowMs } from '../clock.js';
import { ProblemError } from './problem.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Honour an `Idempotency-Key` header: the first answer is replayed for the same key. */
    idempotent?: boolean;
  }
  interface FastifyRequest {
    idempotencyKey?: string;
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

/**
 * Idempotency-Key on POST (draft-ietf-httpapi-idempotency-key-header): the first answer is
 * stored and replayed; the same key with another body is 422; a key whose first request is
 * still running is 409. Keys are scoped to the API key that sent them.
 */
export function registerIdempotency(app: FastifyInstance): void {
  // Hooked onto the routes that ask for it only: every other request skips two hooks.
  app.addHook('onRoute', (route) => {
    if (!route.config?.idempotent) return;
    route.preHandler = [...asArray(route.preHandler), claimKey];
    route.onSend = [...asArray(route.onSend), storeAnswer];
  });

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
    const claim = () =>
      db
        .insertInto('idempotency_keys')
        .values({ api_key_id: request.actor.keyId, key, request_hash: hash, state: 'running', response_status: null, response_type: null, response_body: null, created_at: nowIso() })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
    if (Number((await claim()).numInsertedOrUpdatedRows) === 1) {
      request.idempotencyKey = key;
      return;
    }
    const stored = await db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('api_key_id', '=', request.actor.keyId)
      .where('key', '=', key)
      .executeTakeFirst();
    if (!stored) throw new ProblemError(409, 'The Idempotency-Key was just released; retry the request');
    if (Date.parse(stored.created_at) < nowMs() - RETENTION_MS) {
      await db.deleteFrom('idempotency_keys').where('api_key_id', '=', stored.api_key_id).where('key', '=', key).execute();
      if (Number((await claim()).numInsertedOrUpdatedRows) === 1) {
        request.idempotencyKey = key;
        return;
      }
      throw new ProblemError(409, 'A request with this Idempotency-Key is already being processed');
    }
    if (stored.request_hash !== hash) {
      throw new ProblemError(422, 'This Idempotency-Key was already used with a different request');
    }
    if (stored.state === 'running') {
      throw new ProblemError(409, 'A request with this Idempotency-Key is still being processed');
    }
    reply.header('Idempotent-Replayed', 'true');
    return reply.code(stored.response_status ?? 200).type(stored.response_type ?? 'application/json').send(stored.response_body);
  }

  async function storeAnswer(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
    const key = request.idempotencyKey;
    if (!key) return payload;
    request.idempotencyKey = undefined;
    const where = app.db.kysely.updateTable('idempotency_keys').where('api_key_id', '=', request.actor.keyId).where('key', '=', key);
    if (reply.statusCode >= 500 || typeof payload !== 'string') {
      // Nothing durable happened or nothing replayable was sent: let the client retry with the same key.
      await app.db.kysely.deleteFrom('idempotency_keys').where('api_key_id', '=', request.actor.keyId).where('key', '=', key).execute();
      return payload;
    }
    await where
      .set({ state: 'done', response_status: reply.statusCode, response_type: String(reply.getHeader('content-type') ?? 'application/json'), response_body: payload })
      .execute();
    return payload;
  }
}

function asArray<T>(hooks: T | T[] | undefined): T[] {
  return hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];
}
