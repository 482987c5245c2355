import { LogController, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
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

/**
 * One line per request, when it is answered (Fastify's default writes two), with what an
 * operator reads: method, path, status, time. Request logging was the scan route's main cost,
 * so the line is built from four primitives: no serializer runs and nothing is redacted (the
 * path is cut before the query string, where searched names would be; no header is logged).
 * `{"level":30,"time":…,"reqId":"req-1","method":"GET","path":"/api/v1/scan/OP-000042","statusCode":200,"responseTime":0.41,"msg":"request completed"}`
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error || this.isLogDisabled(request)) return super.requestCompleted(error, request, reply);
    const url = request.url;
    const query = url.indexOf('?');
    request.log.info(
      { method: request.method, path: query < 0 ? url : url.slice(0, query), statusCode: reply.statusCode, responseTime: reply.elapsedTime },
      'request completed',
    );
  }
}
