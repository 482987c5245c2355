/**
 * 1,000 labels on avery-l7160 through HTTP. The server is the production build (`npm run
 * build`, then `node dist/src/server.js`) in a child process on a temporary SQLite database, so
 * its memory is measured alone: resident memory before, the peak while labels print, and the
 * process's high-water mark. Prints total time, time to first byte, pages/s and labels/s.
 *   npm run bench:labels [-- --labels 1000 --runs 3]
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { FORMATS } from '../../src/modules/labels/formats.js';
import { pageCount } from '../../src/modules/labels/layout.js';
import { procMemoryKb, startBuiltServer } from './harness.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const LABELS = arg('labels', 1000);
const RUNS = arg('runs', 3);
const FORMAT = 'avery-l7160';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-labels-'));
const { port, key, process: server } = await startBuiltServer(
  { DATABASE_URL: `sqlite:${path.join(dir, 'bench.sqlite')}`, PUBLIC_URL: 'https://ordi.grandchambery.fr', LOG_LEVEL: 'silent' },
  200,
);
const memory = (field: 'VmRSS' | 'VmHWM') => procMemoryKb(server.pid!, field) * 1024;
/** The server's CPU time in ms (user + system), from /proc: less sensitive than wall time to a busy machine. */
const cpuMs = () => {
  const fields = fs.readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms (CLK_TCK = 100)
};
const MB = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function call(method: string, url: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`http://127.0.0.1:${port}${url}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

// Seed: one donor, one collection, LABELS devices.
const donor = (await call('POST', '/api/v1/donors', { name: 'Banc d’essai', kind: 'company' })).json as { id: string };
const collection = (await call('POST', '/api/v1/collections', { donorId: donor.id, collectedOn: '2026-11-02' })).json as { id: string };
const tags: string[] = [];
for (let done = 0; done < LABELS; done += 500) {
  const batch = Array.from({ length: Math.min(500, LABELS - done) }, (_, i) => ({
    kind: i % 3 ? 'laptop' : 'desktop',
    brand: i % 2 ? 'HP' : 'Lenovo',
    model: i % 2 ? 'EliteBook 840 G5' : 'ThinkCentre M720q Tiny',
    serialNumber: `BENCH${done + i}`,
  }));
  const res = await call('POST', `/api/v1/collections/${collection.id}/devices`, batch);
  if (res.status !== 201) throw new Error(`intake failed: ${JSON.stringify(res.json)}`);
  tags.push(...(res.json as { items: { assetTag: string }[] }).items.map((d) => d.assetTag));
}

const baselineRss = memory('VmRSS');
let peakRss = baselineRss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, memory('VmRSS'))), 2);

function printLabels(): Promise<{ totalMs: number; firstByteMs: number; bytes: number; status: number }> {
  const body = JSON.stringify({ assetTags: tags, format: FORMAT });
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let firstByteMs = 0;
    let bytes = 0;
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: '/api/v1/labels', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.on('data', (chunk: Buffer) => {
          if (!bytes) firstByteMs = performance.now() - start;
          bytes += chunk.length;
        });
        res.on('end', () => resolve({ totalMs: performance.now() - start, firstByteMs, bytes, status: res.statusCode ?? 0 }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const pages = pageCount(FORMATS[FORMAT], LABELS);
console.log(`labels bench: ${LABELS} labels on ${FORMAT} (${pages} pages) through HTTP, ${RUNS} runs; load average ${os.loadavg()[0].toFixed(1)} on ${os.availableParallelism()} CPUs`);
for (let run = 1; run <= RUNS; run++) {
  const cpuBefore = cpuMs();
  const r = await printLabels();
  const cpu = cpuMs() - cpuBefore;
  if (r.status !== 200) throw new Error(`status ${r.status}`);
  const seconds = r.totalMs / 1000;
  console.log(
    `run ${run}${run === 1 ? ' (cold)' : '       '}: total ${r.totalMs.toFixed(0)} ms, first byte ${r.firstByteMs.toFixed(0)} ms, ` +
      `${(pages / seconds).toFixed(0)} pages/s, ${(LABELS / seconds).toFixed(0)} labels/s, server CPU ${cpu} ms, ${(r.bytes / 1024).toFixed(0)} KiB`,
  );
}
clearInterval(sampler);
console.log(`server RSS before the runs: ${MB(baselineRss)}; peak during the runs: ${MB(peakRss)}; high-water mark: ${MB(memory('VmHWM'))}`);
server.kill('SIGTERM');
await new Promise((resolve) => server.once('exit', resolve));
fs.rmSync(dir, { recursive: true, force: true });
