import type { FastifyServerOptions } from 'fastify';
import type { Config } from './config.js';

/**
 * Request logs carry the method and path only: query strings may hold searched names and
 * bodies hold personal data, so neither is ever logged; secrets are redacted.
 */
export function loggerOptions(config: Pick<Config, 'logLevel'>): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    redact: ['req.headers.authorization', 'req.headers["idempotency-key"]'],
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
    },
  };
}
