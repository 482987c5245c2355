import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { registerErrorHandling } from '../../src/http/errors.js';
import { registerExpensiveLimits, registerRateLimiting } from '../../src/http/limits.js';
import { useTestApp } from '../helpers/app.js';
import { deviceInput, intake } from '../helpers/factories.js';

/**
 * Small limits, and a trusted proxy so that each test is its own client address
 * (X-Forwarded-For): a block earned by one test does not spill into the next.
 */
const ctx = useTestApp({
  TRUST_PROXY: 'true',
  AUTH_FAILURES_PER_MINUTE: '5',
  EXPENSIVE_CONCURRENCY: '1',
  EXPENSIVE_PER_MINUTE: '4',
  PUBLIC_PAGE_PER_MINUTE: '3',
  LABELS_MAX: '10',
});

describe('rate limits', () => {
  it('when an address sends wrong keys beyond the threshold, then wrong keys get 429 with Retry-After while a right key from it, and another address, still get in', async () => {
    const from = (ip: string, key: string) => ctx.anonymous().get('/api/v1/donors').set('X-Forwarded-For', ip).set('Authorization', `Bearer ${key}`);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await from('203.0.113.7', `opk_wrong-${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    expect((await from('203.0.113.7', ctx.keys.admin)).status).toBe(200);
    const blocked = await from('203.0.113.7', 'opk_wrong-again');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(blocked.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(blocked.body.detail).toContain('failed authentications');
    expect((await from('203.0.113.8', ctx.keys.admin)).status).toBe(200);
    // No key at all is not a guess: it stays a 401.
    expect((await ctx.anonymous().get('/api/v1/donors').set('X-Forwarded-For', '203.0.113.9')).status).toBe(401);
  });

  it('when one key asks for more reports a minute than allowed, then 429 with Retry-After; another key still may', async () => {
    const report = (role: 'viewer' | 'collector') => ctx.api(role).get('/api/v1/reports/summary?from=2026-01-01&to=2026-01-31').set('X-Forwarded-For', '198.51.100.1');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await report('viewer')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    const refused = await report('viewer');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body.detail).toContain('a minute per API key');
    expect((await report('collector')).status).toBe(200);
    // Cheap routes are not counted.
    expect((await ctx.api('viewer').get('/api/v1/devices?limit=1')).status).toBe(200);
  });

  it('when CSV is asked of the device list, then it counts as expensive; JSON does not', async () => {
    for (let i = 0; i < 6; i++) expect((await ctx.api('reconditioner').get('/api/v1/devices?limit=1')).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await ctx.api('reconditioner').get('/api/v1/devices?format=csv')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
  });

  it('when the public page is asked too often from one address, then 429, and another address still gets it', async () => {
    const page = (ip: string) => ctx.anonymous().get('/d/OP-000001').set('X-Forwarded-For', ip);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await page('192.0.2.10')).status);
    expect(statuses).toEqual([404, 404, 404, 429, 429]);
    expect(Number((await page('192.0.2.10')).headers['retry-after'])).toBeGreaterThan(0);
    expect((await page('192.0.2.11')).status).toBe(404);
  });
});

describe('concurrency of expensive requests', () => {
  it('when one key runs expensive requests at once beyond its concurrency, then the extra ones are 429 until one finishes; other keys are not held up', async () => {
    // A PDF route that finishes when told to: the count of requests in flight is then exact.
    const app = Fastify();
    registerErrorHandling(app);
    await registerRateLimiting(app);
    const release: (() => void)[] = [];
    await app.register(async (api) => {
      api.addHook('onRequest', async (request) => {
        request.actor = { keyId: String(request.headers['x-key']), name: 'test', role: 'admin' };
      });
      registerExpensiveLimits(api, { ...ctx.config.limits, expensiveConcurrency: 2, expensivePerMinute: 100 });
      api.get('/slow.pdf', () => new Promise((resolve) => release.push(() => resolve({ ok: true }))));
    }, { prefix: '/api/v1' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const get = (key: string) => fetch(`http://127.0.0.1:${port}/api/v1/slow.pdf`, { headers: { 'x-key': key } });
    try {
      const held = [get('a'), get('a')];
      while (release.length < 2) await new Promise((r) => setTimeout(r, 10));
      const third = await get('a');
      expect(third.status).toBe(429);
      expect(third.headers.get('retry-after')).toBe('1');
      expect(((await third.json()) as { detail: string }).detail).toContain('at once per API key');
      const other = get('b');
      while (release.length < 3) await new Promise((r) => setTimeout(r, 10));
      release.shift()!();
      expect((await held[0]).status).toBe(200);
      const fourth = get('a');
      while (release.length < 3) await new Promise((r) => setTimeout(r, 10));
      for (const done of release.splice(0)) done();
      expect((await fourth).status).toBe(200);
      expect((await held[1]).status).toBe(200);
      expect((await other).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('the label cap', () => {
  it('when a request asks for more labels than LABELS_MAX, then 422 naming the limit, before printing anything', async () => {
    const devices = await intake(ctx, Array.from({ length: 4 }, () => deviceInput()));
    const tags = devices.map((d) => d.assetTag);
    const post = (body: Record<string, unknown>) => ctx.api('admin').post('/api/v1/labels').set('X-Forwarded-For', '198.51.100.3').send(body);
    const tooMany = await post({ assetTags: tags, copies: 3 });
    expect(tooMany.status).toBe(422);
    expect(tooMany.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(tooMany.body).toMatchObject({ limit: 10, requested: 12 });
    expect(tooMany.body.detail).toContain('LABELS_MAX');
    expect(tooMany.body.errors[0].path).toBe('assetTags');
    const unknown = await post({ assetTags: Array.from({ length: 11 }, (_, i) => `OP-99${i}`) });
    expect(unknown.status, 'counted before the lookup').toBe(422);
    expect((await post({ assetTags: tags, copies: 2 })).status).toBe(200);
  });
});
