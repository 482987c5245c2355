import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction, onRequestHookHandler } from 'fastify';
import { authenticateKey, type Actor } from '../modules/api-keys/service.js';
import type { Role } from '../modules/api-keys/schemas.js';
import type { AuthThrottle } from './limits.js';
import { ProblemError } from './problem.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
  }
  interface FastifyContextConfig {
    /** Roles allowed on the route; `admin` is always allowed. Unset: any valid key. */
    roles?: readonly Role[];
    /** No API key needed (health, OpenAPI document). */
    public?: boolean;
  }
}

/**
 * The default for routes that do not name their roles. `trainer` (partner staff) is left out on
 * purpose: it reaches the training routes that name it, and nothing else.
 */
export const ANY_ROLE: readonly Role[] = ['admin', 'collector', 'reconditioner', 'installer', 'viewer'];

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * Checked in onRequest, before the body is even parsed: a caller without the right gets
 * 401 or 403, never a validation answer that would reveal the route's shape.
 *
 * The hook is put on each route as it is registered (onRoute), with the route's roles read
 * there once: a public route gets none, and a request neither builds `request.routeOptions`
 * (a new object on every read) nor makes a closure to check its key. Every route of the scope
 * gets it, the HEAD twin of a GET included (Fastify registers that through onRoute too); an
 * unknown path never reaches a route, so it is answered 404 without asking for a key, as before.
 */
export function registerAuth(app: FastifyInstance, throttle: AuthThrottle): void {
  app.decorateRequest('actor', undefined as unknown as Actor);
  app.addHook('onRoute', (route) => {
    if (route.config?.public) return;
    const roles = route.config?.roles ?? ANY_ROLE;
    // A callback hook, not an async one: on SQLite the key is checked without a promise.
    const authenticate: onRequestHookHandler = function (request, reply, done) {
      const secret = bearer(request);
      const found = secret ? authenticateKey(app.db, secret) : undefined;
      if (found instanceof Promise) found.then((actor) => decide(request, reply, done, throttle, roles, secret, actor), done);
      else decide(request, reply, done, throttle, roles, secret, found);
    };
    route.onRequest = [authenticate, ...(route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest])];
  });
}

function decide(
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
  throttle: AuthThrottle,
  roles: readonly Role[],
  secret: string | undefined,
  actor: Actor | undefined,
): void {
  const refusal = admit(request, reply, roles, secret, actor);
  if (actor || !secret) return done(refusal);
  // A wrong or revoked key counts against the address (a missing one is no guess); past its
  // budget the address gets 429. A right key still passes: staff behind the same office
  // address keep working while someone there floods wrong keys, and guessing a key is hopeless.
  const blocked = throttle.refuse(request, reply);
  if (blocked) return done(blocked);
  throttle.failed(request, reply).then((tooMany) => done(tooMany ?? refusal), done);
}

/** The problem that refuses the request, or undefined once `request.actor` is set. */
function admit(request: FastifyRequest, reply: FastifyReply, roles: readonly Role[], secret: string | undefined, actor: Actor | undefined): ProblemError | undefined {
  if (!actor) {
    reply.header('WWW-Authenticate', 'Bearer realm="ordipratique"');
    return new ProblemError(401, secret ? 'The API key is unknown or revoked' : 'An API key is required: Authorization: Bearer <key>');
  }
  request.actor = actor;
  if (actor.role !== 'admin' && !roles.includes(actor.role)) {
    return new ProblemError(403, `The role ${actor.role} may not do this; allowed: ${['admin', ...roles.filter((r) => r !== 'admin')].join(', ')}`);
  }
  return undefined;
}
