import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Limits } from '../config.js';
import { preferredType } from './negotiate.js';
import { ProblemError } from './problem.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Counts against the per-key limits of costly answers (PDFs, labels, CSV, reports). Unset:
     * decided by `expensiveKind` from the route's URL; `false` opts a route out.
     */
    expensive?: boolean;
  }
}

const MINUTE = 60_000;
/** Routes that answer CSV on demand: expensive only when CSV is asked for. */
const CSV_ROUTES = new Set(['/api/v1/devices', '/api/v1/exchange/entries']);

function tooMany(detail: string, retryAfterSeconds: number, reply: FastifyReply): ProblemError {
  reply.header('Retry-After', String(Math.max(1, retryAfterSeconds)));
  return new ProblemError(429, detail, { retryAfter: Math.max(1, retryAfterSeconds) });
}

/** Registers @fastify/rate-limit (no global limit: each use below is explicit). */
export async function registerRateLimiting(app: FastifyInstance): Promise<void> {
  await app.register(rateLimit, { global: false, addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false } });
}

/**
 * Failed authentication, per client address: beyond `authFailuresPerMinute` wrong or revoked
 * keys in a minute, the address gets 429 with Retry-After for every further wrong key until
 * the minute is over (a right key still gets in). The blocked list is bounded.
 */
export class AuthThrottle {
  private readonly blocked = new Map<string, number>();
  private readonly count: (request: FastifyRequest) => Promise<{ isAllowed: boolean; isExceeded?: boolean; ttlInSeconds?: number }>;

  constructor(app: FastifyInstance, private readonly limits: Limits) {
    this.count = app.createRateLimit({ max: limits.authFailuresPerMinute, timeWindow: MINUTE, keyGenerator: (request) => `auth:${request.ip}` });
  }

  /** The 429 for an address still blocked, or undefined. Synchronous: it runs on every keyed request. */
  refuse(request: FastifyRequest, reply: FastifyReply): ProblemError | undefined {
    if (this.blocked.size === 0) return undefined;
    const until = this.blocked.get(request.ip);
    if (until === undefined) return undefined;
    const left = until - Date.now();
    if (left <= 0) {
      this.blocked.delete(request.ip);
      return undefined;
    }
    return tooMany(`Too many failed authentications from this address: at most ${this.limits.authFailuresPerMinute} a minute`, Math.ceil(left / 1000), reply);
  }

  /** Counts a failure; the 429 once the address is over the limit. */
  async failed(request: FastifyRequest, reply: FastifyReply): Promise<ProblemError | undefined> {
    const result = await this.count(request);
    if (result.isAllowed || !result.isExceeded) return undefined;
    const seconds = result.ttlInSeconds ?? 60;
    if (this.blocked.size >= 10_000) this.blocked.delete(this.blocked.keys().next().value!);
    this.blocked.set(request.ip, Date.now() + seconds * 1000);
    return tooMany(`Too many failed authentications from this address: at most ${this.limits.authFailuresPerMinute} a minute`, seconds, reply);
  }
}

/** Which routes cost enough to be limited per key: every PDF, label printing, reports, CSV. */
export function expensiveKind(route: Pick<RouteOptions, 'url' | 'method' | 'config'>): 'always' | 'csv' | undefined {
  const explicit = route.config?.expensive;
  if (explicit !== undefined) return explicit ? 'always' : undefined;
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  if (route.url.endsWith('.pdf') || route.url.startsWith('/api/v1/reports/')) return 'always';
  if (methods.includes('POST') && route.url === '/api/v1/labels') return 'always';
  if (methods.includes('GET') && CSV_ROUTES.has(route.url)) return 'csv';
  return undefined;
}

/** Whose costly requests are counted together, and how a refusal reads. */
export interface ExpensiveScope {
  key: (request: FastifyRequest) => string;
  concurrencyDetail: (max: number) => string;
  perMinuteDetail: (max: number) => string;
}

/** The API's scope: per API key. */
export const PER_API_KEY: ExpensiveScope = {
  key: (request) => `key:${request.actor?.keyId ?? request.ip}`,
  concurrencyDetail: (max) => `At most ${max} PDF, label, CSV or report requests at once per API key`,
  perMinuteDetail: (max) => `At most ${max} PDF, label, CSV or report requests a minute per API key`,
};

/**
 * Per API key (or per signed-in person, for the web app's scope): at most `expensiveConcurrency`
 * costly requests in flight and `expensivePerMinute` a minute (counted by @fastify/rate-limit).
 * Added as a preHandler, after authentication, to the routes `expensiveKind` names.
 */
export function registerExpensiveLimits(api: FastifyInstance, limits: Limits, scope: ExpensiveScope = PER_API_KEY): void {
  const inFlight = new Map<string, number>();
  const perMinute = api.createRateLimit({ max: limits.expensivePerMinute, timeWindow: MINUTE, keyGenerator: (request) => `expensive:${scope.key(request)}` });

  async function limit(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const kind = expensiveKind({ url: request.routeOptions.url ?? '', method: request.method as RouteOptions['method'], config: request.routeOptions.config });
    if (kind === 'csv' && preferredType(request, ['application/json', 'text/csv']) !== 'text/csv') return;
    const key = scope.key(request);
    const running = inFlight.get(key) ?? 0;
    if (running >= limits.expensiveConcurrency) {
      throw tooMany(scope.concurrencyDetail(limits.expensiveConcurrency), 1, reply);
    }
    const counted = await perMinute(request);
    if (!counted.isAllowed && counted.isExceeded) {
      throw tooMany(scope.perMinuteDetail(limits.expensivePerMinute), counted.ttlInSeconds, reply);
    }
    inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
    reply.raw.once('close', () => {
      const left = (inFlight.get(key) ?? 1) - 1;
      if (left <= 0) inFlight.delete(key);
      else inFlight.set(key, left);
    });
  }

  api.addHook('onRoute', (route) => {
    if (!expensiveKind(route)) return;
    const existing = route.preHandler === undefined ? [] : Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler];
    route.preHandler = [limit, ...existing];
  });
}

/** The public label page, per client address: a scanner is one person, not an enumeration. */
export function publicPageLimit(app: FastifyInstance, limits: Limits) {
  return app.rateLimit({
    max: limits.publicPagePerMinute,
    timeWindow: MINUTE,
    keyGenerator: (request) => `page:${request.ip}`,
    errorResponseBuilder: (_request, context) =>
      new ProblemError(429, `Too many pages asked from this address: at most ${limits.publicPagePerMinute} a minute; retry in ${context.after}`, {
        retryAfter: Math.ceil(context.ttl / 1000),
      }),
  });
}
