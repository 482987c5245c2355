/**
 * Pages benchmark: the staff web app over 100,000 devices and 500,000 events (the inventory
 * benchmark's seed, in data/bench-pages.sqlite, kept for the next runs; --reseed rebuilds it).
 * The production build runs in a child process with ADMIN_EMAIL/ADMIN_PASSWORD; the bench signs
 * in like a browser, then asks each page REQUESTS times, one at a time over a kept-alive
 * connection, and reports the p50 and p95 of the time to the whole answer (on localhost, the
 * server's time), plus the JavaScript each page loads, gzipped.
 *
 * Sequential requests rather than autocannon: the goal is one person's page time at p95, not
 * throughput, and autocannon reports no p95.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { openSqlite } from '../../src/db/connection.js';
import { percentile, processCpuMs, startBuiltServer } from './harness.js';

const FILE = path.resolve('data/bench-pages.sqlite');
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const EMAIL = 'bench@example.fr';
const PASSWORD = 'bench-password-long-enough';

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function get(port: number, url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: url, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
    });
    req.on('error', reject);
  });
}

function cookiesOf(headers: http.IncomingHttpHeaders): string {
  return (headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
}

async function signIn(port: number): Promise<string> {
  const page = await get(port, '/connexion');
  const csrfCookie = cookiesOf(page.headers);
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body.toString())![1];
  const body = new URLSearchParams({ _csrf: token, email: EMAIL, password: PASSWORD, suite: '/' }).toString();
  const res = await fetch(`http://127.0.0.1:${port}/connexion`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie, origin: `http://127.0.0.1:${port}` },
    body,
  });
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
  const session = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  return `${csrfCookie}; ${session}`;
}

/**
 * Two installations made through the API on the seed's newest ready devices (each run makes
 * new ones): one scheduled, for the signing page, and one completed, for the return form.
 */
async function installationsToShow(port: number, key: string, codes: string[]): Promise<[string, string]> {
  const post = async (url: string, body: unknown) => {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1${url}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': `bench-${url}-${process.hrtime.bigint()}` },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as { id: string };
  };
  const ids: string[] = [];
  for (const code of codes) {
    const person = await post('/beneficiaries', {
      firstName: 'Aïcha', lastName: 'Benali', addressLine: '12 rue du Bon Pasteur', postcode: '73000', city: 'Chambéry', trainingCompletedOn: '2026-10-30',
    });
    ids.push((await post('/installations', { code, beneficiaryId: person.id, scheduledOn: '2026-11-25', accessories: ['chargeur', 'souris'] })).id);
  }
  await post(`/installations/${ids[1]}/complete`, { installedOn: '2026-11-25', installedBy: 'Julien Morel' });
  return [ids[0], ids[1]];
}

async function main() {
  if (!fs.existsSync(FILE) || process.argv.includes('--reseed')) {
    console.log(`seeding 100,000 devices into ${FILE} (the inventory benchmark's seed)…`);
    execFileSync(process.execPath, [...process.execArgv, path.resolve('scripts/bench/inventory.ts'), '--seed-only', FILE], { stdio: 'inherit' });
  }
  const sqlite = openSqlite(FILE);
  const device = sqlite.prepare(`select id, asset_tag from devices where status = 'installed' order by asset_number desc limit 1`).get() as { id: string; asset_tag: string };
  // A laptop still at the depot: its page weighs its erasure records to offer reconditioning or not.
  const collected = sqlite.prepare(`select id from devices where status = 'collected' and kind = 'laptop' order by asset_number desc limit 1`).get() as { id: string };
  const collection = sqlite.prepare('select collection_id as id from devices where asset_number = 50000').get() as { id: string };
  const donor = sqlite.prepare('select donor_id as id from devices where asset_number = 50000').get() as { id: string };
  const count = (sqlite.prepare('select count(*) as n from devices').get() as { n: number }).n;
  const ready = sqlite.prepare(`select asset_tag from devices where status = 'ready' order by asset_number desc limit 2`).all() as { asset_tag: string }[];
  const reference = (sqlite.prepare(`select reference from beneficiaries order by reference desc limit 1`).get() as { reference: string }).reference;
  const completed = sqlite.prepare(`select id from installations where status = 'completed' order by id limit 1`).get() as { id: string };
  sqlite.close();

  const { port, key, process: server } = await startBuiltServer(
    { DATABASE_URL: `sqlite:${FILE}`, PUBLIC_URL: 'http://127.0.0.1', LOG_LEVEL: 'error', ADMIN_EMAIL: EMAIL, ADMIN_PASSWORD: PASSWORD },
    400,
  );
  try {
    const cookie = await signIn(port);
    const [toSign, toReturn] = await installationsToShow(port, key, ready.map((d) => d.asset_tag));
    const pages: [string, string][] = [
      ['tableau de bord', '/'],
      ['scanner', '/scanner'],
      ['scan → 303', `/scanner?code=${device.asset_tag}`],
      ['fiche appareil', `/appareils/${device.id}`],
      ['fiche (collecté)', `/appareils/${collected.id}`],
      ['donateurs', '/donateurs'],
      ['donateur', `/donateurs/${donor.id}`],
      ['collecte', `/collectes/${collection.id}`],
      ['saisie rapide', `/collectes/${collection.id}/saisie`],
      ['collectes', '/collectes'],
      ['collectes filtrées', '/collectes?q=a&deviceStatus=collected&from=2025-01-01'],
      ['réception', '/receptions/nouvelle'],
      ['réceptions', '/receptions'],
      ['expéditions', '/expeditions'],
      ['utilisateurs', '/administration/utilisateurs'],
      ['installations', '/installations'],
      ['planifier (référence)', `/installations/nouvelle?q=${reference}`],
      ['planifier (nom)', '/installations/nouvelle?q=Benali'],
      ['installation', `/installations/${completed.id}`],
      ['contrat à signer', `/installations/${toSign}/signature`],
      ['restitution (scan)', '/installations/restitution'],
      ['restitution (form.)', `/installations/${toReturn}/restitution`],
    ];
    console.log(`\n${count} devices; ${REQUESTS} sequential requests per page, signed in as an admin\n`);
    // The server's CPU time per request: what a busy machine inflates far less than the time to answer.
    console.log('page                    p50 ms   p95 ms   CPU ms/req   JS gzipped');
    for (const [name, url] of pages) {
      const first = await get(port, url, { cookie });
      if (first.status !== 200 && first.status !== 303) throw new Error(`${url} answered ${first.status}`);
      const times: number[] = [];
      const cpuBefore = processCpuMs(server.pid!);
      for (let i = 0; i < REQUESTS; i++) {
        const start = process.hrtime.bigint();
        await get(port, url, { cookie });
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      const cpuPerRequest = (processCpuMs(server.pid!) - cpuBefore) / REQUESTS;
      times.sort((a, b) => a - b);
      let js = 0;
      for (const [, src] of first.body.toString().matchAll(/<script type="module" src="([^"]+)"/g)) {
        js += (await get(port, src, { 'accept-encoding': 'gzip' })).body.length;
      }
      console.log(`${name.padEnd(22)} ${percentile(times, 50).toFixed(1).padStart(7)} ${percentile(times, 95).toFixed(1).padStart(8)} ${cpuPerRequest.toFixed(1).padStart(12)} ${(js / 1024).toFixed(1).padStart(9)} KB`);
    }
    const scannerPage = (await get(port, '/scanner', { cookie })).body.toString();
    const onUse = ['camera-module', 'jsqr'].map((name) => new RegExp(`<meta name="${name}" content="([^"]+)"`).exec(scannerPage)![1]);
    let camera = 0;
    for (const src of onUse) camera += (await get(port, src, { 'accept-encoding': 'gzip' })).body.length;
    console.log(`\ncamera decoder, loaded only when "Caméra" is pressed: ${(camera / 1024).toFixed(1)} KB gzipped (camera.js + jsQR)`);
  } finally {
    server.kill('SIGTERM');
    agent.destroy();
  }
}

await main();
