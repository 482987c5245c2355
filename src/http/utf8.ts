import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError, sendProblem } from './problem.js';

const NOT_UTF8 = 'is not valid UTF-8';

/** A URL part's bytes once its %XX escapes are undone (what a decoder would turn into text). */
function unescapedBytes(part: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < part.length; i++) {
    const escape = part[i] === '%' ? /^[0-9a-fA-F]{2}$/.exec(part.slice(i + 1, i + 3)) : null;
    if (escape) {
      bytes.push(parseInt(escape[0], 16));
      i += 2;
    } else {
      bytes.push(part.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

const NOT_PLAIN_ASCII = /[%\u0080-\uffff]/;

/** Where a URL holds percent-escaped bytes that are not UTF-8: `path`, `query.<name>`, or null. */
export function invalidUtf8InUrl(url: string): string | null {
  // Plain ASCII without escapes (nearly every URL) is UTF-8 as it stands.
  if (!NOT_PLAIN_ASCII.test(url)) return null;
  const mark = url.indexOf('?');
  const path = mark < 0 ? url : url.slice(0, mark);
  if (!isUtf8(unescapedBytes(path))) return 'path';
  if (mark < 0) return null;
  for (const pair of url.slice(mark + 1).split('&')) {
    const [name, value = ''] = pair.split('=', 2) as [string, string?];
    const nameOk = isUtf8(unescapedBytes(name));
    if (!nameOk || !isUtf8(unescapedBytes(value))) return nameOk ? `query.${name}` : 'query';
  }
  return null;
}

/**
 * Text is UTF-8 everywhere in this service. Decoders quietly turn bytes that are not into U+FFFD,
 * so a name or a search would be stored or matched mangled: refuse them instead, 400 naming
 * where (the path, the query parameter, the body). Registered once at the root: the API and the
 * pages alike.
 */
export function registerUtf8Checks(app: FastifyInstance): void {
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done) => {
    const where = invalidUtf8InUrl(request.url);
    if (!where) return done();
    void sendProblem(reply, 400, `The ${where === 'path' ? 'path' : 'query string'} ${NOT_UTF8}`, {}, [{ path: where, message: NOT_UTF8 }]);
  });
  // The JSON parser, on bytes: checked before they are decoded, then parsed as Fastify would.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    if (!isUtf8(body)) {
      done(new ProblemError(400, `The body ${NOT_UTF8}`, {}, [{ path: 'body', message: NOT_UTF8 }]), undefined);
      return;
    }
    parseJson(request, body.toString('utf8'), done);
  });
}

