import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { authenticateKey, ensureAdminKey } from '../../src/modules/api-keys/service.js';
import { useTestApp } from '../helpers/app.js';

describe('configuration', () => {
  it('when nothing is set, then the documented defaults apply', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: 'sqlite:./data/ordipratique.sqlite',
      publicUrl: 'http://localhost:3000',
      assetTagPrefix: 'OP',
      adminApiKey: undefined,
      logLevel: 'info',
      contractTemplate: undefined,
      retentionMonths: 24,
      corsOrigins: [],
      trustProxy: false,
      limits: { authFailuresPerMinute: 10, expensivePerMinute: 30, expensiveConcurrency: 2, publicPagePerMinute: 60, labelsMax: 5000 },
    });
  });

  it('when the limits, CORS origins and proxies are set, then they are read, and a bad one is named', () => {
    const config = loadConfig({ CORS_ORIGINS: 'https://app.example.fr, http://127.0.0.1:5173', TRUST_PROXY: '10.0.0.0/8,127.0.0.1', LABELS_MAX: '200' });
    expect(config.corsOrigins).toEqual(['https://app.example.fr', 'http://127.0.0.1:5173']);
    expect(config.trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1']);
    expect(config.limits.labelsMax).toBe(200);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    const oneHop = loadConfig({ TRUST_PROXY: '1' }).trustProxy as (address: string, hop: number) => boolean;
    expect([oneHop('10.0.0.1', 0), oneHop('10.0.0.1', 1)]).toEqual([true, false]);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://app.example.fr/path' })).toThrow(/CORS_ORIGINS/);
    expect(() => loadConfig({ LABELS_MAX: '0' })).toThrow(/LABELS_MAX/);
    expect(() => loadConfig({ TRUST_PROXY: 'yes please' })).toThrow(/TRUST_PROXY/);
  });

  it('when PORT is set and PUBLIC_URL is not, then label links follow the port', () => {
    expect(loadConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(loadConfig({ PUBLIC_URL: 'https://ordi.example.fr/' }).publicUrl).toBe('https://ordi.example.fr');
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['PUBLIC_URL', 'ftp://example.fr'],
    ['ASSET_TAG_PREFIX', 'op-'],
    ['ADMIN_API_KEY', 'short'],
    ['LOG_LEVEL', 'loud'],
  ])('when %s is %j, then loading fails naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`\\b${name}\\b`));
  });

  it('when a variable is empty, then it counts as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).port).toBe(3000);
  });

  it('when DATABASE_URL names SQLite or PostgreSQL, then it is accepted as given', () => {
    expect(loadConfig({ DATABASE_URL: 'sqlite:/var/lib/op.sqlite' }).databaseUrl).toBe('sqlite:/var/lib/op.sqlite');
    expect(loadConfig({ DATABASE_URL: 'postgresql://u@h/db' }).databaseUrl).toBe('postgresql://u@h/db');
  });
});

describe('ADMIN_API_KEY', () => {
  const ctx = useTestApp();
  const secret = 'automated-setup-secret-0123456789';

  it('when the key does not exist yet, then it is created as an admin key that works at once', async () => {
    expect(await ensureAdminKey(ctx.db, secret)).toBe(true);
    const res = await ctx.anonymous().get('/api/v1/api-keys').set('Authorization', `Bearer ${secret}`);
    expect(res.status).toBe(200);
    expect(res.body.items.filter((k: { name: string }) => k.name === 'admin (ADMIN_API_KEY)')).toHaveLength(1);
  });

  it('when started again with the same secret, then no second key is made', async () => {
    expect(await ensureAdminKey(ctx.db, secret)).toBe(false);
    const res = await ctx.api().get('/api/v1/api-keys');
    expect(res.body.items.filter((k: { name: string }) => k.name === 'admin (ADMIN_API_KEY)')).toHaveLength(1);
  });

  it('when that key was revoked, then it stays revoked: the next start is refused naming ADMIN_API_KEY', async () => {
    const list = await ctx.api().get('/api/v1/api-keys');
    const key = list.body.items.find((k: { name: string }) => k.name === 'admin (ADMIN_API_KEY)');
    expect((await ctx.api().delete(`/api/v1/api-keys/${key.id}`)).status).toBe(204);
    expect(await authenticateKey(ctx.db, secret)).toBeUndefined();
    await expect(ensureAdminKey(ctx.db, secret)).rejects.toThrow(/ADMIN_API_KEY.*revoked/);
    expect(await authenticateKey(ctx.db, secret)).toBeUndefined();
  });
});
