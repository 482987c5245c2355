/**
 * Hostile load on the production build (child process, temporary SQLite database):
 *  1. four concurrent completions, each with the worst signature validation still accepts
 *     (2,000 × 1,000 pixels, 16-bit RGBA: the most pixels and bytes per pixel there are), while
 *     /health is polled: peak resident memory of the server (goal < 250 MB) and /health latency;
 *  2. 2,000 requests with wrong keys from one address: time to answer them all, how many 401
 *     and how many 429.
 *   npm run bench:hostile [-- --uploads 4 --keys 2000]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { worstSignaturePng } from '../../test/helpers/hostile-png.js';
import { percentile, procMemoryKb, startBuiltServer } from './harness.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const UPLOADS = arg('uploads', 4);
const WRONG_KEYS = arg('keys', 2000);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-hostile-'));
const { port, key, process: server } = await startBuiltServer(
  { DATABASE_URL: `sqlite:${path.join(dir, 'bench.sqlite')}`, PUBLIC_URL: 'https://ordi.grandchambery.fr', LOG_LEVEL: 'silent' },
  600,
);
const MB = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const base = `http://127.0.0.1:${port}`;

async function call(method: string, url: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${base}${url}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}
function expectStatus(res: { status: number; json: unknown }, status: number, what: string) {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.json).slice(0, 300)}`);
}

// Seed: UPLOADS scheduled installations, each with a ready monitor (no erasure needed).
const donor = await call('POST', '/api/v1/donors', { name: 'Banc d’essai', kind: 'company' });
expectStatus(donor, 201, 'donor');
const collection = await call('POST', '/api/v1/collections', { donorId: donor.json.id, collectedOn: '2026-11-02' });
expectStatus(collection, 201, 'collection');
const installations: string[] = [];
for (let i = 0; i < UPLOADS; i++) {
  const intake = await call('POST', `/api/v1/collections/${collection.json.id}/devices`, [{ kind: 'monitor', brand: 'Dell', model: 'P2419H', serialNumber: `HOSTILE${i}` }]);
  expectStatus(intake, 201, 'intake');
  const device = (intake.json.items as { id: string; assetTag: string }[])[0];
  expectStatus(await call('POST', `/api/v1/devices/${device.id}/recondition`, { grade: 'A', reconditionedOn: '2026-11-10' }), 200, 'recondition');
  const person = await call('POST', '/api/v1/beneficiaries', {
    firstName: 'Banc', lastName: `Essai ${i}`, addressLine: '1 rue du Test', postcode: '73000', city: 'Chambéry', trainingCompletedOn: '2026-10-30',
  });
  expectStatus(person, 201, 'beneficiary');
  const scheduled = await call('POST', '/api/v1/installations', { code: device.assetTag, beneficiaryId: person.json.id, scheduledOn: '2026-11-25' });
  expectStatus(scheduled, 201, 'schedule');
  installations.push(scheduled.json.id as string);
}

// 1. Worst-case signatures, all at once, while /health is polled.
const png = worstSignaturePng().toString('base64');
console.log(`worst accepted signature: 2000 × 1000 px, 16-bit RGBA, ${(png.length / 1024).toFixed(0)} KiB of base64`);
const rssBefore = procMemoryKb(server.pid!, 'VmRSS');
let peak = rssBefore;
let polling = true;
const healthMs: number[] = [];
const poll = (async () => {
  while (polling) {
    peak = Math.max(peak, procMemoryKb(server.pid!, 'VmRSS'));
    const t0 = performance.now();
    await fetch(`${base}/health`);
    healthMs.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 10));
  }
})();
const t0 = performance.now();
const answers = await Promise.all(
  installations.map((id) => call('POST', `/api/v1/installations/${id}/complete`, { installedOn: '2026-11-25', installedBy: 'Julien Morel', signature: { imagePng: png, signedBy: 'Banc', signedAt: '2026-11-25T10:00:00Z' } })),
);
const uploadSeconds = (performance.now() - t0) / 1000;
polling = false;
await poll;
peak = Math.max(peak, procMemoryKb(server.pid!, 'VmRSS'));
healthMs.sort((a, b) => a - b);
console.log(`${UPLOADS} concurrent completions: statuses ${answers.map((a) => a.status).join(', ')} in ${uploadSeconds.toFixed(2)} s`);
console.log(`server RSS: before ${MB(rssBefore)}, peak while uploading ${MB(peak)}, high-water mark ${MB(procMemoryKb(server.pid!, 'VmHWM'))} (goal < 250 MB: ${peak < 250 * 1024 ? 'met' : 'NOT met'})`);
console.log(`/health during the uploads: ${healthMs.length} polls, p50 ${percentile(healthMs, 50).toFixed(0)} ms, max ${healthMs.at(-1)!.toFixed(0)} ms`);

// 2. Wrong keys from one address (last: it blocks this address's keys for a minute).
const counts: Record<number, number> = {};
const started = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: 20 }, async () => {
    while (next < WRONG_KEYS) {
      const i = next++;
      const res = await fetch(`${base}/api/v1/donors`, { headers: { authorization: `Bearer opk_wrong_${i}_${'x'.repeat(30)}` } });
      await res.arrayBuffer();
      counts[res.status] = (counts[res.status] ?? 0) + 1;
    }
  }),
);
const keySeconds = (performance.now() - started) / 1000;
console.log(`${WRONG_KEYS} wrong keys from one address: ${keySeconds.toFixed(2)} s; ${Object.entries(counts).map(([s, n]) => `${n} × ${s}`).join(', ')}`);

server.kill('SIGTERM');
fs.rmSync(dir, { recursive: true, force: true });
