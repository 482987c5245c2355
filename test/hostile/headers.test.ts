import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { createBeneficiary, scheduleKit } from '../helpers/installations.js';

describe('headers, CORS off (the default)', () => {
  const ctx = useTestApp();

  it('when personal data is answered, then no cache may keep it', async () => {
    const beneficiary = await createBeneficiary(ctx);
    const { installation } = await scheduleKit(ctx, { beneficiary });
    for (const url of ['/api/v1/beneficiaries', `/api/v1/beneficiaries/${beneficiary.id}`, `/api/v1/beneficiaries/${beneficiary.id}/export`, `/api/v1/installations/${installation.id}`, '/api/v1/installations']) {
      const res = await ctx.api('installer').get(url);
      expect(res.status, url).toBe(200);
      expect(res.headers['cache-control'], url).toMatch(/no-store/);
    }
    const created = await ctx.api('installer').post('/api/v1/beneficiaries').send({ firstName: 'A', lastName: 'B', addressLine: '1 rue', postcode: '73000', city: 'Chambéry' });
    expect(created.headers['cache-control']).toMatch(/no-store/);
    // Problems too (they may quote an input).
    expect((await ctx.api('installer').get('/api/v1/beneficiaries/zzzz')).headers['cache-control']).toMatch(/no-store/);
  });

  it('when a browser origin calls, then no CORS header is given; OPTIONS is answered 204 with Allow', async () => {
    const res = await ctx.api().get('/api/v1/donors').set('Origin', 'https://evil.example');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const options = await ctx.anonymous().options('/api/v1/donors').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'GET');
    expect(options.status).toBe(204);
    expect(options.headers.allow).toContain('GET');
    expect(options.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('when /ready is asked anonymously, then it says ready and nothing about the database', async () => {
    for (const url of ['/ready', '/api/v1/ready']) {
      const res = await ctx.anonymous().get(url);
      expect(res.body).toEqual({ status: 'ready' });
      expect(res.text).not.toMatch(/sqlite|postgres/i);
    }
  });

  it('when the docs are opened on another host than PUBLIC_URL, then the OpenAPI servers name that host first', async () => {
    for (const url of ['/docs/json', '/api/v1/openapi.json']) {
      const res = await ctx.anonymous().get(url).set('Host', '127.0.0.1:3000');
      expect(res.status, url).toBe(200);
      expect(res.body.servers[0].url, url).toBe('http://127.0.0.1:3000');
      expect(res.body.servers.map((s: { url: string }) => s.url), url).toContain('https://ordi.example.fr');
    }
  });
});

describe('headers, CORS on for an allow-list', () => {
  const ctx = useTestApp({ CORS_ORIGINS: 'https://tableau.grandchambery.fr' });

  it('when an allowed origin calls or preflights, then it gets CORS headers; another origin gets none', async () => {
    const allowed = await ctx.api('viewer').get('/api/v1/inventory/summary').set('Origin', 'https://tableau.grandchambery.fr');
    expect(allowed.status).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://tableau.grandchambery.fr');
    const preflight = await ctx.anonymous().options('/api/v1/inventory/summary').set('Origin', 'https://tableau.grandchambery.fr').set('Access-Control-Request-Method', 'GET').set('Access-Control-Request-Headers', 'authorization');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://tableau.grandchambery.fr');
    expect(preflight.headers['access-control-allow-headers']).toMatch(/Authorization/i);
    const other = await ctx.api('viewer').get('/api/v1/inventory/summary').set('Origin', 'https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const otherPreflight = await ctx.anonymous().options('/api/v1/inventory/summary').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'GET');
    expect(otherPreflight.headers['access-control-allow-origin']).toBeUndefined();
  });
});
