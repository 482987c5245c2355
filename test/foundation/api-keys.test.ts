import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';

const ctx = useTestApp();

describe('API keys', () => {
  it('when an admin creates a key, then the secret is shown once and works for its role', async () => {
    const res = await ctx.api().post('/api/v1/api-keys').send({ name: 'Tablette régie', role: 'collector' });
    expect(res.status).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ name: 'Tablette régie', role: 'collector', revokedAt: null, key: expect.stringMatching(/^opk_/) });
    expect(res.body.keyPrefix).toBe(res.body.key.slice(0, 10));
    const use = await ctx.anonymous().get('/api/v1/donors').set('Authorization', `Bearer ${res.body.key}`);
    expect(use.status).toBe(200);
  });

  it('when keys are listed, then no secret nor hash appears', async () => {
    const created = await ctx.api().post('/api/v1/api-keys').send({ name: 'listed', role: 'viewer' });
    const res = await ctx.api().get('/api/v1/api-keys');
    expect(res.status).toBe(200);
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(created.body.key);
    for (const item of res.body.items) {
      expect(Object.keys(item).sort()).toEqual(['createdAt', 'id', 'keyPrefix', 'name', 'revokedAt', 'role']);
    }
    expect(res.body.items.map((k: { id: string }) => k.id)).toContain(created.body.id);
  });

  it('when a key is revoked, then its very next request gets 401 and it shows as revoked', async () => {
    const created = await ctx.api().post('/api/v1/api-keys').send({ name: 'to revoke', role: 'collector' });
    const call = () => ctx.anonymous().get('/api/v1/donors').set('Authorization', `Bearer ${created.body.key}`);
    expect((await call()).status).toBe(200);
    expect((await ctx.api().delete(`/api/v1/api-keys/${created.body.id}`)).status).toBe(204);
    const after = await call();
    expect(after.status).toBe(401);
    expect(after.headers['content-type']).toMatch(/^application\/problem\+json/);
    const list = await ctx.api().get('/api/v1/api-keys');
    expect(list.body.items.find((k: { id: string }) => k.id === created.body.id).revokedAt).toEqual(expect.any(String));
    expect((await ctx.api().delete(`/api/v1/api-keys/${created.body.id}`)).status).toBe(404);
  });

  it('when no key or an unknown key is sent, then 401 says how to authenticate', async () => {
    const none = await ctx.anonymous().get('/api/v1/devices');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(none.body).toMatchObject({ status: 401, title: 'Unauthorized', detail: expect.stringContaining('Authorization: Bearer') });
    const wrong = await ctx.anonymous().get('/api/v1/devices').set('Authorization', 'Bearer opk_not-a-real-key');
    expect(wrong.status).toBe(401);
    const basic = await ctx.anonymous().get('/api/v1/devices').set('Authorization', `Basic ${ctx.keys.admin}`);
    expect(basic.status).toBe(401);
  });

  it('when a route is asked by HEAD, or a role-limited route by the wrong role, then the key is checked as for GET; public routes and unknown paths need none', async () => {
    // The key check is put on each route as it is registered: the HEAD twin Fastify makes of a
    // GET must get it too, or HEAD would tell which scanned codes exist without any key.
    expect((await ctx.anonymous().head('/api/v1/scan/OP-000001')).status).toBe(401);
    expect((await ctx.anonymous().head('/api/v1/devices')).status).toBe(401);
    expect((await ctx.anonymous().head('/api/v1/devices').set('Authorization', `Bearer ${ctx.keys.viewer}`)).status).toBe(200);
    expect((await ctx.anonymous().head('/api/v1/api-keys').set('Authorization', `Bearer ${ctx.keys.viewer}`)).status).toBe(403);
    expect((await ctx.anonymous().get('/api/v1/health')).status).toBe(200);
    expect((await ctx.anonymous().get('/health')).status).toBe(200);
    expect((await ctx.anonymous().get('/api/v1/openapi.json')).status).toBe(200);
    expect((await ctx.anonymous().get('/api/v1/no-such-thing')).status).toBe(404);
  });

  it.each(['collector', 'reconditioner', 'installer', 'viewer', 'trainer'] as const)('when a %s manages keys, then 403 names the allowed roles', async (role) => {
    for (const res of [
      await ctx.api(role).get('/api/v1/api-keys'),
      await ctx.api(role).post('/api/v1/api-keys').send({ name: 'x', role: 'admin' }),
      await ctx.api(role).delete('/api/v1/api-keys/abc'),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.detail).toContain(`role ${role} may not`);
    }
  });

  it('when a viewer writes a donor, then 403 before the body is even validated', async () => {
    const res = await ctx.api('viewer').post('/api/v1/donors').send({ nonsense: true });
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/allowed: admin, collector/);
  });

  it('when the role or name is wrong, then 400 names the field', async () => {
    const res = await ctx.api().post('/api/v1/api-keys').send({ name: '  ', role: 'superuser' });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['name', 'role']);
  });
});
