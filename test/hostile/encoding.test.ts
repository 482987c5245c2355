import net from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';

const ctx = useTestApp();
let port = 0;

beforeAll(async () => {
  // A real port: these requests are bytes no HTTP client library agrees to send.
  await new Promise<void>((resolve) => ctx.app.server.listen(0, '127.0.0.1', () => resolve()));
  port = (ctx.app.server.address() as net.AddressInfo).port;
});

/** Sends raw bytes, returns the status, headers and parsed body of the answer. */
function raw(request: Buffer | string): Promise<{ status: number; headers: Record<string, string>; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(rest.join('\r\n') || 'null') });
    });
  });
}

const NOT_UTF8 = Buffer.from([0xc3, 0x28, 0xff]);

describe('text that is not UTF-8', () => {
  it('when a JSON body holds bytes that are not UTF-8, then 400 naming the body and nothing is stored', async () => {
    const body = Buffer.concat([Buffer.from('{"name":"Garage '), NOT_UTF8, Buffer.from('","kind":"company"}')]);
    const head = `POST /api/v1/donors HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ctx.keys.admin}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
    const res = await raw(Buffer.concat([Buffer.from(head), body]));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([{ path: 'body', message: 'is not valid UTF-8' }]);
    const donors = await ctx.api('viewer').get('/api/v1/donors');
    expect(donors.body.items.filter((d: { name: string }) => d.name.startsWith('Garage'))).toEqual([]);
  });

  it('when a query parameter or the path is percent-encoded bytes that are not UTF-8, then 400 naming it', async () => {
    const query = await ctx.api('viewer').get('/api/v1/donors?q=%C3%28%FF');
    expect(query.status).toBe(400);
    expect(query.body.errors).toEqual([{ path: 'query.q', message: 'is not valid UTF-8' }]);
    const cursor = await ctx.api('viewer').get('/api/v1/beneficiaries?limit=5&cursor=%FE');
    expect(cursor.status).toBe(400);
    expect(cursor.body.errors).toEqual([{ path: 'query.cursor', message: 'is not valid UTF-8' }]);
    for (const url of ['/api/v1/donors/%C3%28', '/d/%FF%FE']) {
      const res = await ctx.api('viewer').get(url);
      expect(res.status, url).toBe(400);
      expect(res.body.errors, url).toEqual([{ path: 'path', message: expect.any(String) }]);
    }
    // Well-formed UTF-8 still reads as text.
    expect((await ctx.api('viewer').get('/api/v1/donors?q=%C3%A9cole')).status).toBe(200);
  });
});

describe('requests Node refuses before the application sees them', () => {
  it('when a header line is malformed, then the answer is a 400 problem, not plain text', async () => {
    const res = await raw('GET /health HTTP/1.1\r\nHost: x\r\nNot a header line\r\n\r\n');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 400, title: 'Bad Request', errors: [{ path: 'headers', message: 'malformed' }] });
  });

  it('when the headers are too large, then the answer is a 431 problem', async () => {
    const res = await raw(`GET /health HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(res.status).toBe(431);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 431, detail: 'The request headers are too large' });
  });

  it('when the parser refused a request, then the server still answers the next one', async () => {
    expect((await ctx.anonymous().get('/health')).status).toBe(200);
  });
});
