import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../helpers/app.js';
import { startServer } from '../helpers/server.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  await database.drop();
});

describe('starting the service', () => {
  it('when it starts on an empty database without any key, then the console says how to get one', async () => {
    const server = await startServer({ DATABASE_URL: database.url });
    try {
      // Printed just after listening: give it a moment beyond the first ready answer.
      for (let i = 0; i < 50 && !server.output().includes('npm run api-key'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(server.output()).toContain('npm run api-key -- create --name "your name" --role admin');
      expect((await fetch(`${server.url}/api/v1/devices`)).status).toBe(401);
    } finally {
      await server.stop();
    }
    expect(server.process.exitCode).toBe(0);
  });

  it('when it gets SIGTERM right after answering, then every request line is in its output, one JSON line each', async () => {
    // Lines are written in blocks (src/logger.ts): the ones still buffered must not be lost.
    const server = await startServer({ DATABASE_URL: database.url, LOG_LEVEL: 'info' });
    for (let i = 0; i < 5; i++) expect((await fetch(`${server.url}/api/v1/scan/OP-00000${i}?q=Dupont`)).status).toBe(401);
    await server.stop();
    expect(server.process.exitCode).toBe(0);
    const lines = server.output().split('\n').filter((line) => line.includes('"request completed"')).map((line) => JSON.parse(line));
    // A scanned code may be anything typed: the line shows the route.
    const scans = lines.filter((line) => line.path.startsWith('/api/v1/scan/'));
    expect(scans.map((line) => [line.method, line.path, line.statusCode])).toEqual([0, 1, 2, 3, 4].map(() => ['GET', '/api/v1/scan/:code', 401]));
    expect(server.output()).not.toContain('OP-00000');
    expect(scans.every((line) => typeof line.responseTime === 'number' && typeof line.time === 'number')).toBe(true);
    expect(server.output()).not.toContain('Dupont');
  });

  it('when ADMIN_API_KEY is set, then that secret works as an admin key and no advice is printed', async () => {
    const secret = 'ci-admin-secret-0123456789abcdef';
    const server = await startServer({ DATABASE_URL: database.url, ADMIN_API_KEY: secret });
    try {
      const res = await fetch(`${server.url}/api/v1/api-keys`, { headers: { authorization: `Bearer ${secret}` } });
      expect(res.status).toBe(200);
      await new Promise((r) => setTimeout(r, 300));
      expect(server.output()).not.toContain('No API key exists yet');
    } finally {
      await server.stop();
    }
  });

  it('when ADMIN_API_KEY holds a revoked secret, then the service refuses to start, naming the variable, and the key stays revoked', async () => {
    const secret = 'ci-admin-secret-0123456789abcdef';
    const first = await startServer({ DATABASE_URL: database.url, ADMIN_API_KEY: secret });
    const auth = { authorization: `Bearer ${secret}` };
    try {
      const keys = (await (await fetch(`${first.url}/api/v1/api-keys`, { headers: auth })).json()) as { items: { id: string; name: string }[] };
      const key = keys.items.find((k) => k.name === 'admin (ADMIN_API_KEY)')!;
      expect((await fetch(`${first.url}/api/v1/api-keys/${key.id}`, { method: 'DELETE', headers: auth })).status).toBe(204);
    } finally {
      await first.stop();
    }
    // Spawned by hand rather than polled for readiness: it must exit before listening anywhere.
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: database.url, ADMIN_API_KEY: secret, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr!.on('data', (chunk) => (output += chunk));
    child.stdout!.on('data', (chunk) => (output += chunk));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(output).toMatch(/ADMIN_API_KEY holds the secret of API key .* revoked/);
  });

  it('when a variable is invalid, then it exits at once naming it', async () => {
    await expect(startServer({ DATABASE_URL: database.url, ASSET_TAG_PREFIX: 'op-' })).rejects.toThrow(/ASSET_TAG_PREFIX/);
  });
});
