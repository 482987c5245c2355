import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { createCollection } from '../helpers/factories.js';

const ctx = useTestApp();

function expectProblem(res: { status: number; headers: Record<string, string>; body: Record<string, unknown> }, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) });
}

describe('health and readiness', () => {
  it('when the process is up, then /health answers without a key, at the root and under /api/v1', async () => {
    for (const url of ['/health', '/api/v1/health']) {
      const res = await ctx.anonymous().get(url);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
    }
  });

  it('when the database answers, then /ready says so and nothing more', async () => {
    const res = await ctx.anonymous().get('/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready' });
  });

  it('when the server address itself is opened, then it leads to the staff web app, which asks to sign in first', async () => {
    const res = await ctx.anonymous().get('/');
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/connexion/);
  });

  it('when the OpenAPI document and docs are asked for, then they are served without a key', async () => {
    const doc = await ctx.anonymous().get('/api/v1/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(doc.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/v1/donors', '/api/v1/scan/{code}', '/api/v1/collections/{id}/devices']));
    const docs = await ctx.anonymous().get('/docs/');
    expect(docs.status).toBe(200);
    // The docs share the staff session's origin: they carry a CSP like every page.
    expect(docs.headers['content-security-policy']).toMatch(/script-src 'self'/);
  });
});

describe('security headers', () => {
  it('when any answer is sent, success or problem, then it carries the usual security headers', async () => {
    for (const res of [await ctx.anonymous().get('/health'), await ctx.anonymous().get('/api/v1/devices'), await ctx.api().get('/api/v1/nothing')]) {
      expect(res.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'referrer-policy': 'no-referrer',
        'strict-transport-security': 'max-age=31536000; includeSubDomains',
        'cross-origin-opener-policy': 'same-origin',
      });
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });
});

describe('protocol errors are problems', () => {
  it('when the route does not exist, then 404 problem, with or without a key', async () => {
    expectProblem(await ctx.anonymous().get('/api/v1/nothing-here'), 404);
    expectProblem(await ctx.api().post('/api/v1/donors/x/y/z').send({}), 404);
  });

  it('when a known path is asked with a method it does not answer, then 405 problem with Allow', async () => {
    const res = await ctx.api().delete('/api/v1/donors/abc');
    expectProblem(res, 405);
    expect(res.headers.allow).toBe('GET, HEAD, PATCH');
    const list = await ctx.anonymous().put('/api/v1/devices');
    expectProblem(list, 405);
    expect(list.headers.allow).toBe('GET, HEAD');
  });

  it('when the body is larger than 1 MB, then 413 problem and nothing is written', async () => {
    const res = await ctx.api('collector').post('/api/v1/donors').send({ name: 'x'.repeat(2 * 1024 * 1024), kind: 'company' });
    expectProblem(res, 413);
    expect((await ctx.api().get('/api/v1/donors')).body.items).toEqual([]);
  });

  it('when the body is not JSON, then 415 problem', async () => {
    const res = await ctx.api('collector').post('/api/v1/donors').set('Content-Type', 'text/plain').send('name=x');
    expectProblem(res, 415);
    const form = await ctx.api('collector').post('/api/v1/donors').type('form').send({ name: 'x', kind: 'company' });
    expectProblem(form, 415);
  });

  it('when the JSON is malformed, then 400 problem pointing at the body', async () => {
    const res = await ctx.api('collector').post('/api/v1/donors').set('Content-Type', 'application/json').send('{"name": "x",');
    expectProblem(res, 400);
    expect(res.body.errors).toEqual([{ path: 'body', message: 'The body is not valid JSON' }]);
  });

  it('when a prototype-polluting key is sent, then 400 problem', async () => {
    const res = await ctx.api('collector').post('/api/v1/donors').set('Content-Type', 'application/json').send('{"name":"x","kind":"company","__proto__":{"admin":true}}');
    expectProblem(res, 400);
  });

  it('when an intake batch has one bad item, then 400 names its index and field and nothing is written', async () => {
    const collection = await createCollection(ctx);
    const res = await ctx.api('collector').post(`/api/v1/collections/${collection.id}/devices`).send([{ kind: 'laptop' }, { kind: 'toaster' }]);
    expectProblem(res, 400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain('1.kind');
    expect((await ctx.api().get(`/api/v1/collections/${collection.id}`)).body.deviceCount).toBe(0);
  });

  it('when more than 500 devices come at once, then 400 and nothing is written', async () => {
    const collection = await createCollection(ctx);
    const res = await ctx.api('collector').post(`/api/v1/collections/${collection.id}/devices`).send(Array.from({ length: 501 }, () => ({ kind: 'monitor' })));
    expectProblem(res, 400);
    expect((await ctx.api().get(`/api/v1/collections/${collection.id}`)).body.deviceCount).toBe(0);
  });
});
