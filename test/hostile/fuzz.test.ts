import fc from 'fast-check';
import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { createCollection, intake } from '../helpers/factories.js';
import { hostileSignatures } from '../helpers/hostile-png.js';
import { propertiesOf, type Schema } from '../helpers/openapi-walk.js';

/**
 * A bounded fuzz over every operation of the OpenAPI document (routes added later included):
 * hostile path parameters, query strings, headers and plausible-but-wrong bodies, sent with
 * a valid admin key, a wrong key and none. Whatever the answer, it is never a 5xx, the server
 * keeps answering, and the process stays under a memory bound. Unlike the bad-input battery it
 * does not make every body invalid: plausible values go deep into the services.
 */
const ctx = useTestApp();
const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 10);
const RSS_BOUND_MB = 1024;

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
interface Operation {
  method: Method;
  path: string;
  pathParams: string[];
  queryParams: string[];
  bodyProperties?: string[];
}

let operations: Operation[] = [];
const realIds: string[] = [];
let signatures: Buffer[] = [];
const tally = new Map<string, { tried: number; serverErrors: number }>();

const HOSTILE = [
  '\u0000', 'a\u0000b', '\u001b[2J', '\t', '\r\n', '😀', '\u202e', '\ud800', '', ' ', 'x'.repeat(3000), "' or 1=1 --", '%', '%00', '%zz',
  '../../etc/passwd', '<img src=x>', '0000-12-31', '9999-12-31', '2026-02-30', '2026-11-23T25:00:00Z', 'NaN', '-0', '1e999', 'OP-000001', 'op-000001',
  'WzEyMzRd', 'WyJcdTAwMDAiXQ', 'true', 'null', '[]', '{}',
];
const string = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ maxLength: 12 }));
const number = fc.oneof(fc.constantFrom(0, -1, 1, 0.5, 1e308, -1e308, 2 ** 53 + 1, 500, 501, 5001, 20), fc.integer());
const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: string },
  { weight: 2, arbitrary: number },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(true, false, null, [], {}, ['\u0000'], ['OP-000001', 'OP-000001']) },
  { weight: 1, arbitrary: fc.array(string, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

function bodyFor(op: Operation) {
  const known = fc.record(Object.fromEntries((op.bodyProperties ?? []).map((p) => [p, value])), { requiredKeys: [] });
  return fc.oneof({ weight: 6, arbitrary: known as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: fc.array(known, { maxLength: 3 }) }, { weight: 1, arbitrary: value });
}

/** Percent-encoded; a lone surrogate (which encodeURIComponent refuses) as the bytes of its UTF-8 form. */
function encode(s: string): string {
  if (/^%/.test(s)) return s;
  try {
    return encodeURIComponent(s);
  } catch {
    return [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
  }
}

const segment = fc.oneof(fc.constantFrom(...HOSTILE).map(encode), fc.constant('REAL'));
const header = fc.constantFrom<[string, string] | undefined>(
  undefined, ['Accept', 'text/csv'], ['Accept', 'application/pdf, */*;q=0'], ['Accept', '*/*;q=abc'], ['If-None-Match', '*'], ['If-None-Match', '"x", W/"y"'],
  ['Idempotency-Key', 'k'.repeat(300)], ['Idempotency-Key', 'fuzz-1'], ['Content-Type', 'application/json; charset=latin1'], ['Authorization', 'Bearer '],
  ['Authorization', `Bearer ${'z'.repeat(5000)}`], ['Authorization', 'Basic Zm9vOmJhcg=='], ['Origin', 'https://evil.example'],
);

function urlOf(op: Operation, segments: string[], query: Record<string, string>): string {
  let i = 0;
  const path = op.path.replace(/\{\w+\}/g, () => {
    const s = segments[i++ % segments.length];
    return s === 'REAL' ? realIds[i % realIds.length] : s;
  });
  const qs = Object.entries(query).map(([k, v]) => `${k}=${encode(v)}`).join('&');
  return qs ? `${path}?${qs}` : path;
}

beforeAll(async () => {
  const doc = (await ctx.anonymous().get('/api/v1/openapi.json')).body as {
    paths: Record<string, Record<string, { parameters?: { in: string; name: string }[]; requestBody?: { content: Record<string, { schema: Schema }> } }>>;
    components: { schemas: Record<string, Schema> };
  };
  operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method as Method,
      path,
      pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
      queryParams: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      bodyProperties: op.requestBody ? propertiesOf(op.requestBody.content['application/json']?.schema, doc.components.schemas) : undefined,
    })),
  );
  const collection = await createCollection(ctx);
  const [device] = await intake(ctx, undefined, collection.id);
  realIds.push(collection.donorId, collection.id, device.id, device.assetTag);
  signatures = Object.values(await hostileSignatures());
}, 60_000);

afterAll(() => {
  const rows = [...tally.entries()].map(([route, t]) => `${route.padEnd(60)} ${String(t.tried).padStart(4)} ${String(t.serverErrors).padStart(4)}`);
  const tried = [...tally.values()].reduce((sum, t) => sum + t.tried, 0);
  const errors = [...tally.values()].reduce((sum, t) => sum + t.serverErrors, 0);
  console.log(`hostile fuzz (${ctx.db?.dialect}): ${tally.size} operations, ${tried} requests, ${errors} 5xx, RSS ${Math.round(process.memoryUsage().rss / 1e6)} MB\n${rows.join('\n')}`);
});

describe('bounded fuzz over every operation of the OpenAPI document', () => {
  it('when hostile requests hit every operation, then none is a 5xx, the server keeps answering and memory stays bounded', async () => {
    expect(operations.length).toBeGreaterThan(40);
    const keys = [ctx.keys.admin, ctx.keys.viewer, 'opk_wrong', undefined];
    for (const [index, op] of operations.entries()) {
      const label = `${op.method.toUpperCase()} ${op.path}`;
      const t = { tried: 0, serverErrors: 0 };
      tally.set(label, t);
      const arbitrary = fc.record({
        segments: fc.array(segment, { minLength: 1, maxLength: 3 }),
        query: fc.record(Object.fromEntries([...op.queryParams, 'cursor', 'from', 'to'].map((q) => [q, string])), { requiredKeys: [] }),
        body: bodyFor(op),
        header,
        key: fc.constantFrom(...keys),
      });
      const samples = fc.sample(arbitrary, { numRuns: RUNS_PER_ROUTE, seed: 20261202 + index });
      for (const sample of samples) {
        let request = ctx.anonymous()[op.method](urlOf(op, sample.segments, sample.query as Record<string, string>));
        if (sample.key) request = request.set('Authorization', `Bearer ${sample.key}`);
        if (sample.header) request = request.set(sample.header[0], sample.header[1]);
        let res: Response;
        try {
          res = op.method === 'get' || op.method === 'delete' ? await request : await request.send(sample.body as object);
        } catch (error) {
          // The client refused to build the request (an invalid header value): nothing was sent.
          if (error instanceof TypeError || (error as { code?: string }).code === 'ERR_INVALID_CHAR') continue;
          throw error;
        }
        t.tried++;
        if (res.status >= 500) t.serverErrors++;
        expect(res.status, `${label} ${JSON.stringify(sample).slice(0, 300)} → ${res.text?.slice(0, 200)}`).toBeLessThan(500);
      }
    }
    expect((await ctx.anonymous().get('/health')).status).toBe(200);
    expect(process.memoryUsage().rss / 1e6).toBeLessThan(RSS_BOUND_MB);
  }, 300_000);

  it('when every hostile signature is sent to completion as admin, then 4xx and the server answers', async () => {
    for (const png of signatures) {
      const res = await ctx.api().post('/api/v1/installations/zzzznosuchid/complete').send({ installedOn: '2026-11-25', installedBy: 'X', signature: { imagePng: png.toString('base64'), signedBy: 'Y', signedAt: '2026-11-25T10:00:00Z' } });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    expect((await ctx.anonymous().get('/health')).status).toBe(200);
  });
});
