import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The media type the client prefers among those offered (first one on a tie or without an
 * Accept header). `format=csv` in the query wins over the header, for links and browsers.
 */
export function preferredType<T extends string>(request: FastifyRequest, offered: readonly [T, ...T[]]): T {
  const format = (request.query as { format?: string } | undefined)?.format;
  if (format) {
    const byFormat = offered.find((type) => type.endsWith(`/${format}`));
    if (byFormat) return byFormat;
  }
  const header = request.headers.accept;
  if (!header) return offered[0];
  let best: { type: T; q: number } | undefined;
  for (const part of header.split(',')) {
    const [range, ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!(q > 0)) continue;
    for (const type of offered) {
      const [major] = type.split('/');
      const matches = range === type || range === `${major}/*` || range === '*/*';
      // An exact range outranks a wildcard at the same quality.
      const score = q + (range === type ? 0.0001 : 0);
      if (matches && (!best || score > best.q)) best = { type, q: score };
    }
  }
  return best?.type ?? offered[0];
}

/** A strong ETag from the bytes of an answer. */
export function contentEtag(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/** True when an `If-Match` or `If-None-Match` list (`"a", W/"b"` or `*`) names this ETag. */
export function etagListMatches(header: string, etag: string): boolean {
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}

/** True when the client's `If-None-Match` already holds this ETag (answer 304). */
export function isNotModified(request: FastifyRequest, etag: string): boolean {
  const header = request.headers['if-none-match'];
  return header ? etagListMatches(header, etag) : false;
}

/** 304: no body, so no content type and no length (RFC 9110 §15.4.5); the ETag stays. */
export function sendNotModified(reply: FastifyReply) {
  reply.removeHeader('content-type');
  reply.removeHeader('content-length');
  return reply.code(304).send();
}
