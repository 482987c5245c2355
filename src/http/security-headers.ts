import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * helmet's default headers (less the CSP, which a JSON API does not need; the public label
 * page sets its own), asked of helmet once at start: running its middleware on every request
 * cost the scan route a sizeable share of its throughput, and the headers never vary.
 */
function helmetDefaults(): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  helmet({ contentSecurityPolicy: false, crossOriginResourcePolicy: false })(
    {} as IncomingMessage,
    response as unknown as ServerResponse,
    (error?: unknown) => {
      if (error) throw error;
    },
  );
  return Object.freeze(headers);
}

/**
 * Plus `Cache-Control: no-store` on every answer unless its route says otherwise (the public
 * label page, ETag-revalidated reads): anything may carry personal data, and no browser, proxy
 * or shared cache should keep a copy of an installation or a beneficiary.
 */
export const SECURITY_HEADERS = Object.freeze({ ...helmetDefaults(), 'cache-control': 'no-store' });

export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(SECURITY_HEADERS);
    done();
  });
}
