import supertest from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/modules/api-keys/service.js';
import { useLoggedApp } from '../helpers/logged-app.js';

// The server's logger settings at the default level, info, writing into memory; a route that
// logs through its request's logger, as a handler meeting trouble does.
const logged = useLoggedApp('info', (app) =>
  app.get('/test/logs-a-warning', (request) => {
    request.log.warn({ detail: 42 }, 'something to look at');
    return { ok: true };
  }),
);
const { lines } = logged;
let key: string;
beforeAll(async () => {
  key = (await createApiKey(logged.db, { name: 'log test', role: 'viewer' })).key;
});

const parsed = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

describe('request logs', () => {
  it('when a request is answered, then one JSON line says its id, method, path without the query, status and time', async () => {
    lines.length = 0;
    const res = await supertest(logged.app.server).get('/api/v1/devices/01nosuchdevice0000000000000?q=Dupont').set('Authorization', `Bearer ${key}`);
    expect(res.status).toBe(404);
    const [line, ...others] = parsed();
    expect(others).toEqual([]);
    expect(line).toMatchObject({ level: 30, reqId: expect.stringMatching(/^req-/), method: 'GET', path: '/api/v1/devices/01nosuchdevice0000000000000', statusCode: 404, msg: 'request completed' });
    expect(Object.keys(line)).toEqual(['level', 'time', 'pid', 'hostname', 'reqId', 'method', 'path', 'statusCode', 'responseTime', 'msg']);
    expect(lines.join('')).not.toContain('Dupont');
  });

  it('when a handler logs through its request, then that line carries the same request id as the completed line', async () => {
    lines.length = 0;
    expect((await supertest(logged.app.server).get('/test/logs-a-warning')).status).toBe(200);
    const [warning, completed] = parsed();
    expect(warning).toMatchObject({ level: 40, msg: 'something to look at', detail: 42, reqId: expect.stringMatching(/^req-/) });
    expect(completed).toMatchObject({ msg: 'request completed', path: '/test/logs-a-warning', reqId: warning.reqId });
  });

  it('when a code is scanned, then the line shows the route, never what was scanned or typed', async () => {
    lines.length = 0;
    expect((await supertest(logged.app.server).get('/api/v1/scan/A%C3%AFcha%20Benali').set('Authorization', `Bearer ${key}`)).status).toBe(404);
    expect(parsed().map((line) => line.path)).toEqual(['/api/v1/scan/:code']);
    expect(lines.join('')).not.toMatch(/Benali|A%C3%AFcha/);
  });

  it('when an invitation link is opened or its form posted, then the line shows the route, never the token', async () => {
    lines.length = 0;
    const token = 'KBbqKdN5ib7zzn1Jn1fUSKWsyz-1EgEV97HSXctcufQ';
    expect((await supertest(logged.app.server).get(`/invitation/${token}`)).status).toBe(410);
    expect((await supertest(logged.app.server).post(`/invitation/${token}?x=1`).type('form').send({ password: 'x' })).status).toBeGreaterThanOrEqual(400);
    expect(parsed().filter((line) => line.msg === 'request completed').map((line) => line.path)).toEqual(['/invitation/:token', '/invitation/:token']);
    expect(lines.join('')).not.toContain(token);
  });
});
