import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ProblemError, sendProblem, type FieldError } from './problem.js';

const CONTEXT_PREFIX: Record<string, string> = { body: '', querystring: 'query.', params: 'path.', headers: 'headers.' };

/** Turns every error into a problem answer: what is logged stays apart from what is sent. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => sendProblem(reply, 404, `No route for ${request.method} ${request.url.split('?')[0]}`));

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ProblemError) {
      return sendProblem(reply, error.status, error.message, error.extra, error.errors);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const prefix = CONTEXT_PREFIX[error.validationContext ?? 'body'] ?? '';
      const errors = error.validation.flatMap((issue): FieldError[] => {
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
