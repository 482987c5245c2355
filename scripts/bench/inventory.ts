/**
 * Inventory benchmark: 100,000 devices and 500,000 events in SQLite, then, against the app
 * running in a child process (so that its resident memory is measured alone, from /proc):
 *   - the CSV export of all 100,000 devices (rows/s, peak resident memory of the server),
 *   - a filtered list page of 50 (p50/p99 over HTTP with keep-alive, auth included),
 *   - the programme report (with an installation and a beneficiary per completion, and the
 *     exchange ledger of the dispatches and deliveries), the inventory summary and the change feed (ms).
 * The database is seeded once by another child process and kept in data/bench-inventory.sqlite
 * for the next runs; pass --reseed to rebuild it (needed after a new index migration), and
 * --reports to time only the reports, the inventory summary and the feed (a shorter run).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb, openSqlite } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { newId } from '../../src/db/ids.js';
import { percentile, processCpuMs, procMemoryKb, startBuiltServer } from './harness.js';

const DEVICES = 100_000;
const EVENTS = 500_000;
const FILE = path.resolve('data/bench-inventory.sqlite');
const KINDS = ['laptop', 'laptop', 'laptop', 'desktop', 'desktop', 'all_in_one', 'monitor', 'tablet', 'smartphone', 'printer'];
const GRADES = ['A', 'B', 'B', 'C', 'parts', null];
const DAY = 86_400_000;

/** Paths through the lifecycle (event types after intake) and how many devices take each. */
const PATHS: [weight: number, status: string, steps: [string, string][]][] = [
  [15, 'collected', []],
  [10, 'shipped', [['dispatch', 'shipped']]],
  [20, 'ready', [['dispatch', 'shipped'], ['deliver', 'ready']]],
  [5, 'reserved', [['recondition', 'ready'], ['schedule', 'reserved']]],
  [30, 'installed', [['dispatch', 'shipped'], ['deliver', 'ready'], ['schedule', 'reserved'], ['complete', 'installed']]],
  [5, 'returned', [['recondition', 'ready'], ['schedule', 'reserved'], ['complete', 'installed'], ['return', 'returned']]],
  [15, 'scrapped', [['scrap', 'scrapped']]],
];

function seed(file: string): void {
  const sqlite = openSqlite(file);
  sqlite.pragma('synchronous = OFF');
  let random = 42;
  const rand = () => ((random = (random * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const start = Date.parse('2024-01-01T08:00:00Z');
  const now = new Date().toISOString();

  const donors = Array.from({ length: 300 }, (_, i) => newId() + i);
  const insertDonor = sqlite.prepare(`insert into donors (id, name, kind, created_at, updated_at) values (?, ?, 'company', ?, ?)`);
  const collections = Array.from({ length: 5000 }, (_, i) => ({
    id: newId() + i,
    donor: donors[i % donors.length],
    on: new Date(start + Math.floor((i / 5000) * 1000) * DAY).toISOString().slice(0, 10),
  }));
  const insertCollection = sqlite.prepare(`insert into collections (id, donor_id, collected_on, created_by, created_at, updated_at) values (?, ?, ?, 'bench', ?, ?)`);
  sqlite.transaction(() => {
    donors.forEach((id, i) => insertDonor.run(id, `Donateur ${i}`, now, now));
    for (const c of collections) insertCollection.run(c.id, c.donor, c.on, now, now);
  })();

  const insertDevice = sqlite.prepare(`insert into devices (id, asset_number, asset_tag, kind, brand, model, serial_number, cpu, ram_gb, storage_gb,
    storage_type, os, grade, weight_kg, notes, status, origin, collection_id, donor_id, version, created_at, updated_at)
    values (?, ?, ?, ?, ?, ?, ?, 'Intel Core i5-8350U', 8, 256, 'ssd', 'Windows 10', ?, ?, ?, ?, 'donation', ?, ?, 1, ?, ?)`);
  const events: [at: string, device: string, type: string, from: string | null, to: string | null][] = [];
  const totalWeight = PATHS.reduce((s, p) => s + p[0], 0);
  sqlite.transaction(() => {
    for (let n = 1; n <= DEVICES; n++) {
      const collection = collections[Math.floor(((n - 1) / DEVICES) * collections.length)];
      const id = newId() + n.toString(36);
      let pick = rand() * totalWeight;
      const route = PATHS.find((p) => (pick -= p[0]) < 0) ?? PATHS[0];
      let t = Date.parse(`${collection.on}T09:00:00Z`) + Math.floor(rand() * 3600_000);
      const deviceEvents: typeof events = [[new Date(t).toISOString(), id, 'intake', null, 'collected']];
      let status = 'collected';
      for (const [type, to] of route[2]) {
        t += Math.floor((1 + rand() * 20) * DAY);
        deviceEvents.push([new Date(t).toISOString(), id, type, status, to]);
        status = to;
      }
      while (deviceEvents.length < EVENTS / DEVICES) {
        t += Math.floor(rand() * 5 * DAY);
        deviceEvents.push([new Date(t).toISOString(), id, 'update', status, status]);
      }
      events.push(...deviceEvents);
      const kind = KINDS[n % KINDS.length];
      const updated = deviceEvents[deviceEvents.length - 1][0];
      insertDevice.run(id, n, `OP-${String(n).padStart(6, '0')}`, kind, n % 3 ? 'HP' : 'Dell', `Modèle ${n % 97}`, `SN${n}X${Math.floor(rand() * 1e9)}`,
        GRADES[n % GRADES.length], kind === 'monitor' ? 4.5 : 1 + (n % 20) / 10, n % 50 ? null : 'clavier QWERTY, "touche" manquante', status,
        collection.id, collection.donor, deviceEvents[0][0], updated);
    }
  })();
  // The report's other sources: a beneficiary and an installation for each `complete`, in 8
  // neighbourhoods (one of them small), and the exchange ledger (a credit per dispatch, a receipt per delivery).
  const NEIGHBOURHOODS = ['Les Hauts de Chambéry', 'Le Biollay', 'Bissy', 'Le Covet', 'Chantemerle', 'Mérande', 'Bellevue', 'Joppet'];
  const insertBeneficiary = sqlite.prepare(`insert into beneficiaries (id, reference, neighbourhood, created_at, updated_at) values (?, ?, ?, ?, ?)`);
  const insertInstallation = sqlite.prepare(`insert into installations (id, beneficiary_id, status, scheduled_on, accessories, installed_on, created_by, created_at, updated_at)
    values (?, ?, 'completed', ?, '[]', ?, 'bench', ?, ?)`);
  const insertEntry = sqlite.prepare(`insert into exchange_entries (id, type, occurred_on, units_milli, balance_milli, device_id, created_by, created_at) values (?, ?, ?, ?, ?, ?, 'bench', ?)`);
  const ledger = events.filter((e) => e[2] === 'dispatch' || e[2] === 'deliver').sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  sqlite.transaction(() => {
    let n = 0;
    for (const [at, , type] of events) {
      if (type !== 'complete') continue;
      const beneficiary = newId() + (++n).toString(36);
      const neighbourhood = NEIGHBOURHOODS[n % 50 === 0 ? 7 : n % 7];
      insertBeneficiary.run(beneficiary, `B-${at.slice(0, 4)}-${String(n).padStart(5, '0')}`, neighbourhood, at, at);
      insertInstallation.run(newId() + n.toString(36), beneficiary, at.slice(0, 10), at.slice(0, 10), at, at);
    }
    let balance = 0;
    ledger.forEach(([at, device, type], i) => {
      const units = type === 'dispatch' ? 1000 : -1000;
      balance += units;
      insertEntry.run(i + 1, type === 'dispatch' ? 'credit' : 'receipt', at.slice(0, 10), units, balance, device, at);
    });
  })();
  // Ids in time order, as they would have been committed.
  events.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  // The business date (`occurred_on`) is what the report counts by: the day of the event here.
  const insertEvent = sqlite.prepare(`insert into device_events (device_id, type, from_status, to_status, at, occurred_on, actor, data) values (?, ?, ?, ?, ?, ?, 'bench', null)`);
  for (let i = 0; i < events.length; i += 50_000) {
    sqlite.transaction(() => {
      for (const [at, device, type, from, to] of events.slice(i, i + 50_000)) insertEvent.run(device, type, from, to, at, at.slice(0, 10));
    })();
  }
  sqlite.pragma('optimize');
  sqlite.close();
}

/** VmRSS (now) and VmHWM (peak since start) of a process, in MB. */
function memoryOf(pid: number): { rss: number; peak: number } {
  return { rss: procMemoryKb(pid, 'VmRSS') / 1024, peak: procMemoryKb(pid, 'VmHWM') / 1024 };
}

async function main() {
  if (process.argv[2] === '--seed-only') {
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(process.argv[3] + suffix, { force: true });
    const db = createDb(`sqlite:${process.argv[3]}`);
    await migrateToLatest(db.kysely);
    await db.close();
    seed(process.argv[3]);
    return;
  }

  const counts = () => {
    if (!fs.existsSync(FILE)) return undefined;
    const sqlite = openSqlite(FILE);
    try {
      return sqlite
        .prepare('select (select count(*) from devices) as devices, (select count(occurred_on) from device_events) as events, (select count(*) from installations) as installations')
        .get() as { devices: number; events: number; installations: number };
    } catch {
      return undefined;
    } finally {
      sqlite.close();
    }
  };
  const existing = counts();
  if (process.argv.includes('--reseed') || existing?.devices !== DEVICES || existing?.events !== EVENTS || !existing?.installations) {
    const started = Date.now();
    console.log(`seeding ${DEVICES} devices and ${EVENTS} events into ${FILE} …`);
    execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--seed-only', FILE], { stdio: 'inherit' });
    console.log(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  // The production build, as the Dockerfile runs it: memory figures without tsx's own.
  const { port, key, process: server } = await startBuiltServer({ DATABASE_URL: `sqlite:${FILE}`, PUBLIC_URL: 'https://ordi.example.fr', LOG_LEVEL: 'error', EXPENSIVE_PER_MINUTE: '1000' }, 400);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const headers = { authorization: `Bearer ${key}` };
  const get = (url: string, onChunk?: (chunk: Buffer) => void) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: url, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => (onChunk ? onChunk(chunk) : chunks.push(chunk)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      }).on('error', reject);
    });
  const timeIt = async (url: string | ((i: number) => string), runs: number) => {
    const all: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = process.hrtime.bigint();
      const res = await get(typeof url === 'string' ? url : url(i));
      all.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (res.status !== 200) throw new Error(`${typeof url === 'string' ? url : url(i)} answered ${res.status}: ${res.body.slice(0, 300)}`);
    }
    all.sort((a, b) => a - b);
    return { count: runs, median: percentile(all, 50), p99: percentile(all, 99), max: all[all.length - 1] };
  };

  const reportsOnly = process.argv.includes('--reports');
  try {
    if (reportsOnly) {
      await reportFigures(timeIt, server.pid!);
      return;
    }
    // 1. CSV export of everything, streamed over a socket; the server's memory read from /proc
    const before = memoryOf(server.pid!);
    let bytes = 0;
    let lines = 0;
    const t0 = process.hrtime.bigint();
    const csv = await get('/api/v1/devices?format=csv', (chunk) => {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    });
    const csvSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const after = memoryOf(server.pid!);
    if (csv.status !== 200) throw new Error(`CSV answered ${csv.status}`);
    const rows = lines - 1; // the seeded notes hold no line break: one line per device after the header

    // 2. Filtered list pages of 50
    const first = JSON.parse((await get('/api/v1/devices?status=ready&limit=500')).body) as { nextCursor: string };
    const donors = await get('/api/v1/devices?limit=1&status=installed');
    const donor = (JSON.parse(donors.body) as { items: { donorId: string }[] }).items[0].donorId;
    const queries = [
      'status=ready&kind=laptop',
      'status=ready,reserved&kind=desktop,all_in_one',
      `donorId=${donor}&status=installed`,
      'kind=tablet&status=collected',
      `status=ready&kind=laptop&cursor=${first.nextCursor}`,
      'status=installed&kind=laptop&q=dell',
    ];
    const page = (i: number) => `/api/v1/devices?${queries[i % queries.length]}&limit=50`;
    for (let i = 0; i < 300; i++) await get(page(i));
    const list = await timeIt(page, 3000);
    const recent = new Date(Date.now() - 30 * DAY).toISOString();
    const since = await timeIt(`/api/v1/devices?updatedSince=${recent}&limit=50`, 50);

    const verdict = (ok: boolean) => (ok ? 'ok' : 'OVER TARGET');
    console.log(`\nInventory benchmark — SQLite, ${DEVICES.toLocaleString('en')} devices, ${EVENTS.toLocaleString('en')} events (machine load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs)`);
    console.log(`list page of 50 with filters, over HTTP (${list.count} requests): p50 ${list.median.toFixed(2)} ms, p99 ${list.p99.toFixed(2)} ms (target < 15 ms: ${verdict(list.p99 < 15)})`);
    console.log(`  updatedSince (last 30 days) page of 50: median ${since.median.toFixed(2)} ms, p99 ${since.p99.toFixed(2)} ms`);
    console.log(`CSV export: ${rows.toLocaleString('en')} rows, ${(bytes / 1e6).toFixed(1)} MB in ${csvSeconds.toFixed(2)} s = ${Math.round(rows / csvSeconds).toLocaleString('en')} rows/s (target ≥ 50,000: ${verdict(rows / csvSeconds >= 50_000)})`);
    console.log(`  server resident memory: ${before.rss.toFixed(0)} MB before, ${after.rss.toFixed(0)} MB after, peak ${after.peak.toFixed(0)} MB (target < 200 MB: ${verdict(after.peak < 200)})`);
    await reportFigures(timeIt, server.pid!);
    if (rows !== DEVICES) throw new Error(`the CSV held ${rows} rows, not ${DEVICES}`);
  } finally {
    agent.destroy();
    server.kill('SIGTERM');
  }
}

type Timing = { count: number; median: number; p99: number; max: number };

/** 3. Reports and feed. */
async function reportFigures(time: (url: string, runs: number) => Promise<Timing>, pid: number): Promise<void> {
  // The server's CPU time per request too: on a shared machine it moves far less than the latency.
  const timeIt = async (url: string, runs: number) => {
    const cpu = processCpuMs(pid);
    const timing = await time(url, runs);
    return { ...timing, cpu: (processCpuMs(pid) - cpu) / runs };
  };
  if (process.argv.includes('--reports')) console.log(`\nReports — SQLite, ${DEVICES.toLocaleString('en')} devices, ${EVENTS.toLocaleString('en')} events (machine load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} CPUs)`);
  const report = await timeIt('/api/v1/reports/summary?from=2024-01-01&to=2026-12-31', 21);
  const reportPdf = await timeIt('/api/v1/reports/summary.pdf?from=2024-01-01&to=2026-12-31', 11);
  const inventory = await timeIt('/api/v1/inventory/summary', 5);
  const feed = await timeIt('/api/v1/events?after=250000&limit=500', 20);
  console.log(`programme report, 36 months (JSON): median ${report.median.toFixed(1)} ms, max ${report.max.toFixed(1)} ms, server CPU ${report.cpu.toFixed(0)} ms a request (target < 176 ms: ${report.median < 176 ? 'ok' : 'OVER TARGET'})`);
  console.log(`programme report PDF: median ${reportPdf.median.toFixed(1)} ms, server CPU ${reportPdf.cpu.toFixed(0)} ms a request`);
  console.log(`inventory summary: median ${inventory.median.toFixed(1)} ms`);
  console.log(`change feed page of 500: median ${feed.median.toFixed(1)} ms`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
