import fc from 'fast-check';
import { sql } from 'kysely';
import type { Response } from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { createCollection, intake } from '../helpers/factories.js';
import { createCycle, enrol, trainees } from '../helpers/training.js';
import { propertiesOf, type Schema } from '../helpers/openapi-walk.js';

/**
 * A battery of bad inputs thrown at every route the OpenAPI document lists (so routes added
 * later are covered too): every answer must be a 4xx problem, never a 5xx, and nothing may
 * be written.
 */
const ctx = useTestApp();

interface Route {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  pathParams: string[];
  queryParams: string[];
  bodyProperties: string[] | undefined;
  public: boolean;
}


let routes: Route[] = [];
const realIds: Record<string, string> = {};
let before: Snapshot;

interface Snapshot {
  counts: Record<string, number>;
  counters: unknown;
}

async function tableNames(): Promise<string[]> {
  const tables = await ctx.db.kysely.introspection.getTables();
  if (ctx.db.dialect === 'sqlite') return tables.map((t) => t.name);
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(ctx.db.kysely);
  return tables.filter((t) => t.schema === rows[0].schema).map((t) => t.name);
}

async function snapshot(): Promise<Snapshot> {
  const counts: Record<string, number> = {};
  for (const name of await tableNames()) {
    const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(name)}`.execute(ctx.db.kysely);
    counts[name] = Number(rows[0].n);
  }
  const counters = await ctx.db.kysely.selectFrom('counters').selectAll().orderBy('name').execute();
  return { counts, counters: counters.map((c) => ({ ...c, value: Number(c.value) })) };
}

/** A real id where the path names a resource we made, so validation is tried on live rows too. */
function urlFor(route: Route, override?: string): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (override !== undefined) return override;
    if (route.method === 'delete') return 'zzzznosuchid';
    const resource = /\/([a-z-]+)\/\{/.exec(route.path)?.[1] ?? '';
    return realIds[`${resource}.${name}`] ?? 'zzzznosuchid';
  });
}

function send(route: Route, url: string) {
  return ctx.api()[route.method](url);
}

function expectProblem(res: Response, label: string) {
  const where = `${label} → ${res.status} ${(res.text ?? "<binary body>").slice(0, 300)}`;
  expect(res.status, where).toBeGreaterThanOrEqual(400);
  expect(res.status, where).toBeLessThan(500);
  expect(res.headers['content-type'], where).toMatch(/^application\/problem\+json/);
  expect(res.body, where).toMatchObject({ type: expect.any(String), title: expect.any(String), status: res.status, detail: expect.any(String) });
  if (res.status === 400) {
    expect(res.body.errors, where).toEqual(expect.arrayContaining([expect.objectContaining({ path: expect.any(String), message: expect.any(String) })]));
  }
}

/** Either a normal answer or a problem: for inputs that may be legitimately accepted (an emoji in a search). */
function expectNoServerError(res: Response, label: string) {
  const where = `${label} → ${res.status} ${(res.text ?? "<binary body>").slice(0, 300)}`;
  expect(res.status, where).toBeLessThan(500);
  if (res.status >= 400) expectProblem(res, label);
}

const NASTY_STRINGS = [
  '\u0000',
  'a\u0007b\u001b[31m',
  '😀🔥👩‍👩‍👧',
  '\u202eevil',
  '\ud800',
  '',
  ' ',
  'x'.repeat(5000),
  "'; drop table devices; --",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '%00',
];
const HUGE_NUMBERS = [1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -1, 0.5, 2 ** 64];

const garbageValue = fc.oneof(
  fc.constantFrom<unknown>(...NASTY_STRINGS, ...HUGE_NUMBERS, true, false, null, [], {}),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.jsonValue({ maxDepth: 4 }),
);

function garbageBody(properties: string[]) {
  const known = fc.record(Object.fromEntries(properties.map((p) => [p, garbageValue])), { requiredKeys: [] });
  // A field no schema knows makes every strict body invalid, whatever else is generated.
  const object = fc.tuple(known, garbageValue).map(([fields, junk]) => ({ ...fields, 'unknown\u0000😀': junk }));
  return fc.oneof(
    { weight: 4, arbitrary: object },
    { weight: 1, arbitrary: fc.array(object, { minLength: 1, maxLength: 3 }) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(42, 'text', true, [], [1, 2]) },
  );
}

beforeAll(async () => {
  const doc = (await ctx.anonymous().get('/api/v1/openapi.json')).body as {
    paths: Record<string, Record<string, { parameters?: { in: string; name: string }[]; requestBody?: { content: Record<string, { schema: Schema }> }; security?: unknown[] }>>;
    components: { schemas: Record<string, Schema> };
  };
  routes = Object.entries(doc.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, op]) => ({
      method: method as Route['method'],
      path,
      pathParams: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
      queryParams: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      bodyProperties: op.requestBody ? propertiesOf(op.requestBody.content['application/json']?.schema, doc.components.schemas) : undefined,
      public: Array.isArray(op.security) && op.security.length === 0,
    })),
  );
  const collection = await createCollection(ctx);
  const [device] = await intake(ctx, undefined, collection.id);
  Object.assign(realIds, { 'donors.id': collection.donorId, 'collections.id': collection.id, 'devices.id': device.id, 'scan.code': device.assetTag });
  // Training: a cycle with a session and one person enrolled, so bad input meets live rows there too.
  const { cycle, sessions } = await createCycle(ctx, { sessions: 1 });
  const [person] = await trainees(ctx, 1);
  const enrolment = await enrol(ctx, cycle.id, person);
  Object.assign(realIds, { 'cycles.id': cycle.id, 'sessions.id': sessions[0].id, 'enrolments.id': enrolment.id, 'enrolments.moment': 'start' });
  before = await snapshot();
});

describe('bad input on every route', () => {
  it('when the routes are enumerated, then the battery covers all of /api/v1', () => {
    const api = routes.filter((r) => r.path.startsWith('/api/v1/'));
    expect(api.length).toBeGreaterThanOrEqual(17);
    expect(api.filter((r) => r.bodyProperties).length).toBeGreaterThanOrEqual(6);
  });

  it('when no API key is sent, then every non-public route answers a 401 problem', async () => {
    for (const route of routes.filter((r) => !r.public)) {
      const res = await ctx.anonymous()[route.method](urlFor(route)).send(route.method === 'get' ? undefined : {});
      expect(res.status, `${route.method} ${route.path}`).toBe(401);
      expectProblem(res, `${route.method} ${route.path} without key`);
    }
  });

  it('when a body is malformed JSON, not JSON, 10 MB or deeply nested, then every writing route answers a 4xx problem', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    for (const route of routes.filter((r) => r.method !== 'get')) {
      const label = `${route.method} ${route.path}`;
      const url = urlFor(route);
      expectProblem(await send(route, url).set('Content-Type', 'application/json').send('{"name": "x",'), `${label} malformed`);
      expectProblem(await send(route, url).set('Content-Type', 'application/json').send('{"a":1}{"b":2}'), `${label} two documents`);
      expectProblem(await send(route, url).set('Content-Type', 'text/plain').send('hello'), `${label} text/plain`);
      expectProblem(await send(route, url).set('Content-Type', 'application/xml').send('<a/>'), `${label} xml`);
      const huge = await send(route, url).set('Content-Type', 'application/json').send(JSON.stringify({ name: 'x'.repeat(10 * 1024 * 1024) }));
      expectProblem(huge, `${label} 10 MB`);
      expect(huge.status, label).toBe(413);
      expectProblem(await send(route, url).set('Content-Type', 'application/json').send(deep), `${label} deep nesting`);
      expectProblem(await send(route, url).set('Content-Type', 'application/json').send('{"__proto__":{"x":1}}'), `${label} __proto__`);
    }
  });

  it('when a body has wrong types, unknown fields, control characters, emoji and huge numbers, then a 4xx problem (property-based)', async () => {
    for (const route of routes.filter((r) => r.bodyProperties)) {
      const label = `${route.method} ${route.path}`;
      await fc.assert(
        fc.asyncProperty(garbageBody(route.bodyProperties!), async (body) => {
          const res = await send(route, urlFor(route)).set('Content-Type', 'application/json').send(JSON.stringify(body));
          expectProblem(res, `${label} ${JSON.stringify(body).slice(0, 200)}`);
        }),
        { numRuns: 25 },
      );
    }
  });

  it('when every declared field has the wrong type, then 400 names fields of the request', async () => {
    for (const route of routes.filter((r) => r.bodyProperties?.length)) {
      const body = Object.fromEntries(route.bodyProperties!.map((p, i) => [p, i % 2 ? { nested: [[1e308]] } : 2 ** 100]));
      const res = await send(route, urlFor(route)).send(body);
      expectProblem(res, `${route.method} ${route.path}`);
      expect(res.status, `${route.method} ${route.path}`).toBe(400);
    }
  });

  it('when a path parameter is hostile, then a 4xx problem', async () => {
    const values = ['%00', encodeURIComponent('😀'), 'a'.repeat(600), encodeURIComponent("' or 1=1 --"), '%E0%A4%A', encodeURIComponent('\u202e\u0007'), '..%2F..%2Fetc', encodeURIComponent('https://x/d/%E0%A4%A')];
    for (const route of routes.filter((r) => r.pathParams.length)) {
      for (const value of values) {
        const res = await send(route, urlFor(route, value)).send(route.method === 'get' ? undefined : {});
        expectProblem(res, `${route.method} ${route.path} with ${value.slice(0, 40)}`);
      }
    }
  });

  it('when a query parameter is hostile, then never a server error, and a bad page size or cursor is a 400', async () => {
    const values = ['%00', encodeURIComponent('😀'), 'x'.repeat(3000), '1e400', '-1', '[]', encodeURIComponent('\u0007'), '%25%5F', encodeURIComponent("' or 1=1 --")];
    for (const route of routes.filter((r) => r.queryParams.length)) {
      const url = urlFor(route);
      for (const name of route.queryParams) {
        for (const value of values) expectNoServerError(await send(route, `${url}?${name}=${value}`), `${route.path}?${name}=${value.slice(0, 40)}`);
        expectNoServerError(await send(route, `${url}?${name}=a&${name}=b`), `${route.path} repeated ${name}`);
      }
      if (route.queryParams.includes('limit')) {
        for (const bad of ['abc', '0', '501', '1e400', '2.5', '1&limit=2']) expectProblem(await send(route, `${url}?limit=${bad}`), `${route.path}?limit=${bad}`);
      }
      if (route.queryParams.includes('cursor')) {
        const forged = (value: unknown) => Buffer.from(JSON.stringify([value])).toString('base64url');
        for (const bad of ['!!!', forged(1.5), forged(2 ** 60), forged({}), forged(null), Buffer.from('not json').toString('base64url')]) {
          const res = await send(route, `${url}?cursor=${bad}`);
          expectProblem(res, `${route.path}?cursor=${bad}`);
        }
      }
    }
  });

  it('when all the bad requests are done, then no table gained or lost a row and no counter moved', async () => {
    expect(await snapshot()).toEqual(before);
  });
});
