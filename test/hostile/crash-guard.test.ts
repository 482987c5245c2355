import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/server.js';

// The guard is process-wide, so it is proven in a process of its own. Not database-bound:
// it runs once, whatever the project.
const ROOT = path.resolve(import.meta.dirname, '../..');
let child: ChildProcess;
let url: string;
let output = '';

beforeAll(async () => {
  const port = await freePort();
  child = spawn(process.execPath, ['--import', 'tsx', 'test/hostile/fixtures/crashing-server.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (c) => (output += c));
  child.stderr!.on('data', (c) => (output += c));
  url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (!output.includes('listening')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`fixture did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}, 40_000);

afterAll(() => {
  child?.kill('SIGTERM');
});

describe('the process-level crash guard', () => {
  it('when pdfkit meets each malformed image asynchronously, then that request is a 500 problem and the process keeps answering', async () => {
    const shapes = ['alpha + garbage zlib', 'grey-alpha + garbage zlib', 'alpha + truncated zlib', 'alpha + empty IDAT', 'RGB + garbage zlib', 'palette without PLTE', 'bad CRC', 'truncated file'];
    for (const shape of shapes) {
      const res = await fetch(`${url}/pdf/${encodeURIComponent(shape)}`, { signal: AbortSignal.timeout(10_000) });
      // pdfkit decodes alpha images in zlib callbacks (the crash); others it embeds as they are.
      if (/alpha/.test(shape)) expect(res.status, shape).toBe(500);
      expect((await fetch(`${url}/health`)).status, `alive after ${shape}`).toBe(200);
    }
    expect(child.exitCode).toBeNull();
  });

  it('when a timer started by a handler throws, then the request is answered 500 and the process lives', async () => {
    const res = await fetch(`${url}/timer`, { signal: AbortSignal.timeout(10_000) });
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect(output).toContain('uncaught exception in a request');
  });
});
