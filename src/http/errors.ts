import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ProblemError, sendProblem, type FieldError } from './problem.js';

const CONTEXT_PREFIX: Record<string, string> = { body: '', querystring: 'query.', params: 'path.', headers: 'headers.' };

/**
 * Errors the router raises before any hook (a malformed percent-encoding, an over-long path
 * parameter) would otherwise be answered in Fastify's own JSON shape: pass as `frameworkErrors`.
 */
export function frameworkErrorProblem(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  const status = error.statusCode ?? 400;
  const detail = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'A path parameter is too long' : 'The URL is not valid';
  return sendProblem(reply, status, detail, {}, status === 400 ? [{ path: 'path', message: detail }] : undefined);
}

/** Turns every error into a problem answer: what is logged stays apart from what is sent. */
export function registerErrorHandling(app: FastifyInstance): void {
  const allowedMethods = collectRoutes(app);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    const allowed = allowedMethods(path);
    // A known path asked with a method it does not answer: 405 and the methods it does (RFC 9110 §15.5.6).
    // OPTIONS alone is the catch-all preflight answer (see registerCors), not a path of its own.
    if (allowed.some((method) => method !== 'OPTIONS')) return sendProblem(reply.header('Allow', allowed.join(', ')), 405, `${request.method} is not allowed on ${path}; use ${allowed.join(', ')}`);
    return sendProblem(reply, 404, `No route for ${request.method} ${path}`);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ProblemError) {
      return sendProblem(reply, error.status, error.message, error.extra, error.errors);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const prefix = CONTEXT_PREFIX[error.validationContext ?? 'body'] ?? '';
      const errors = error.validation.flatMap(unwrapUnion).flatMap((issue): FieldError[] => {
        const base = issue.instancePath.split('/').filter(Boolean).join('.');
        const keys = (issue.params as { keys?: string[] }).keys;
        if (issue.keyword === 'unrecognized_keys' && keys) {
          return keys.map((key) => ({ path: prefix + [base, key].filter(Boolean).join('.'), message: 'unknown field' }));
        }
        const path = base ? prefix + base : prefix.slice(0, -1) || 'body';
        return [{ path, message: issue.message ?? 'invalid' }];
      });
      const fields = [...new Set(errors.map((e) => e.path))].join(', ');
      return sendProblem(reply, 400, `Invalid request: ${fields}`, {}, errors);
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const detail = error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError
        ? 'The body is not valid JSON'
        : error.message;
      return sendProblem(reply, status, detail, {}, status === 400 ? [{ path: 'body', message: detail }] : undefined);
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, 500, 'An unexpected error occurred; it has been logged.');
  });
}

/** Every registered route as a path pattern, to answer which methods a concrete path has. */
function collectRoutes(app: FastifyInstance): (path: string) => string[] {
  const routes: { pattern: RegExp; methods: string[] }[] = [];
  app.addHook('onRoute', (route) => {
    const source = route.url
      .split(/(:[A-Za-z0-9_]+|\*)/)
      .map((part) => (part === '*' ? '.*' : part.startsWith(':') ? '[^/]+' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    const methods = [route.method].flat();
    routes.push({ pattern: new RegExp(`^${source}/?$`), methods: methods.includes('GET') ? [...methods, 'HEAD'] : methods });
  });
  return (path) => [...new Set(routes.filter((r) => r.pattern.test(path)).flatMap((r) => r.methods))].sort();
}

type Issue = { instancePath: string; keyword: string; message?: string; params: Record<string, unknown> };
type ZodIssue = { code: string; path: PropertyKey[]; message: string; keys?: string[] };

/**
 * A union such as "one device or an array of devices" fails as a whole; when the input's shape
 * picked one branch (the others fail on the type alone), name that branch's fields instead.
 */
function unwrapUnion(issue: Issue): Issue[] {
  const branches = issue.keyword === 'invalid_union' ? (issue.params.errors as ZodIssue[][] | undefined) : undefined;
  if (!branches) return [issue];
  const shaped = branches.filter((b) => !(b.length === 1 && b[0].code === 'invalid_type' && b[0].path.length === 0));
  if (shaped.length !== 1) return [issue];
  return shaped[0].flatMap((inner) =>
    unwrapUnion({
      instancePath: `${issue.instancePath}/${inner.path.join('/')}`,
      keyword: inner.code,
      message: inner.message,
      params: { ...inner },
    }),
  );
}
