import http from 'node:http';
import os from 'node:os';
import autocannon from 'autocannon';
import { today } from '../../src/clock.js';
import { createDb } from '../../src/db/connection.js';
import { acceptInvitation, createUser } from '../../src/modules/users/service.js';
import { renderAttendanceSheet, type SheetFacts } from '../../src/modules/training/sheet.js';
import { scratchDatabase } from '../../test/helpers/database.js';
import { percentile, processCpuMs, startBuiltServer } from './harness.js';

/**
 * `npm run bench:training`:
 *   1. the attendance sheet of a 20-person session rendered in-process, N times: p50 / p95 / max
 *      (goal < 100 ms);
 *   2. saving one attendance tap (`PUT /training/sessions/{id}/attendance`, one person, the
 *      status alternating so every request writes and works completion out again) against the
 *      production build in its own process, on a cycle of 10 sessions and 20 people: latency with
 *      one connection (a trainer's taps, one after the other: the server's time plus loopback;
 *      goal p95 < 30 ms), then with 10 connections (several tablets at once); and the server
 *      process's CPU time per save, which a busy machine inflates far less than latency;
 *   3. the same tap as a phone sends it: a trainer (staff user of role trainer, assigned to the
 *      cycle) signed in to the web app, `POST /formations/seances/{id}/presences` with JSON, the
 *      session cookie and the CSRF token, TAPS requests one after the other over a kept-alive
 *      connection (on loopback, the server's time): p50 / p95 (goal p95 < 30 ms).
 * BENCH_POSTGRES_URL=postgres://… runs parts 2 and 3 on PostgreSQL; BENCH_SECONDS (default 5), BENCH_RENDERS (200),
 * BENCH_TAPS (300); BENCH_ONLY=render skips parts 2 and 3, BENCH_ONLY=web runs part 3 only.
 */
const RENDERS = Number(process.env.BENCH_RENDERS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const TAPS = Number(process.env.BENCH_TAPS ?? 300);
const PEOPLE = 20;

const FIRST = ['Aïcha', 'Bernard', 'Chloé', 'Djamel', 'Élodie', 'Fatou', 'Gérard', 'Hélène', 'Ibrahim', 'Joëlle'];
const LAST = ['Benali-Lefèvre', 'Durand', 'Martinez', 'Haddad', 'Lefèvre', 'Diallo', 'Perrin', 'Girard', 'Traoré', 'Rousseau'];

async function renderBench(): Promise<void> {
  const facts: SheetFacts = {
    cycleTitle: 'Premiers pas numériques — printemps 2027',
    organiser: 'Médiathèque Jean-Jacques Rousseau',
    date: '2027-03-09',
    startTime: '14:00',
    endTime: '16:30',
    place: 'Médiathèque Jean-Jacques Rousseau, Chambéry',
    theme: 'E-administration : ameli, CAF, impots.gouv',
    trainer: 'Sophie Martin',
    people: Array.from({ length: PEOPLE }, (_, i) => ({
      enrolmentId: `e${i}`,
      reference: `B-2027-${String(i + 1).padStart(4, '0')}`,
      firstName: FIRST[i % 10],
      lastName: `${LAST[i % 10]}${i >= 10 ? ' Saint-Exupéry' : ''}`,
      status: i % 7 === 0 ? 'absent' : null,
      recordedAt: null,
      completedOn: null,
    })),
  };
  for (let i = 0; i < 10; i++) await renderAttendanceSheet(facts); // warm-up
  const times: number[] = [];
  const cpu: number[] = [];
  let size = 0;
  for (let i = 0; i < RENDERS; i++) {
    const start = process.hrtime.bigint();
    const cpuStart = process.cpuUsage();
    size = (await renderAttendanceSheet(facts)).length;
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  console.log(`attendance sheet, ${PEOPLE} people (${(size / 1024).toFixed(0)} KiB, 2 pages), ${RENDERS} renders: ` +
    `p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms (goal < 100 ms); ` +
    `CPU time per render (less sensitive to a busy machine) p50 ${percentile(cpu, 50).toFixed(1)} ms, p95 ${percentile(cpu, 95).toFixed(1)} ms`);
}

async function attendanceBench(): Promise<void> {
  const database = await scratchDatabase(process.env.BENCH_POSTGRES_URL, 'benchtraining');
  const server = await startBuiltServer({ DATABASE_URL: database.url, PUBLIC_URL: 'https://ordi.example.fr', LOG_LEVEL: 'warn' }, 400);
  const base = `http://127.0.0.1:${server.port}/api/v1`;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, { method, headers: { Authorization: `Bearer ${server.key}`, 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
    return res.json() as Promise<{ id: string }>;
  };
  try {
    const { sessions, enrolments, cycleId } = await seedCycle(call);
    if (process.env.BENCH_ONLY !== 'web') await apiTaps(server, sessions, enrolments);
    await webTaps(server, database.url, call, cycleId, sessions, enrolments);
  } finally {
    server.process.kill('SIGTERM');
    await new Promise((resolve) => server.process.once('exit', resolve));
    await database.drop();
  }
}

type Call = (method: string, path: string, body?: unknown) => Promise<{ id: string }>;

/**
 * Ten weekly sessions, the last one today by the app's clock (the server runs on the system
 * clock, as this script does): attendance for a session after today is refused (422).
 */
function sessionDates(): string[] {
  const last = Date.parse(`${today()}T00:00:00Z`);
  return Array.from({ length: 10 }, (_, i) => new Date(last - (9 - i) * 7 * 86_400_000).toISOString().slice(0, 10));
}

/** A cycle of 10 sessions and 20 people, everyone present at the first 7: a tap on the 8th, 9th or 10th toggles their completion. */
async function seedCycle(call: Call) {
  {
    const dates = sessionDates();
    const partner = await call('POST', '/training/partners', { name: 'Médiathèque Jean-Jacques Rousseau' });
    const cycle = await call('POST', '/training/cycles', {
      title: 'Bench', organiserId: partner.id, place: 'Médiathèque', capacity: PEOPLE, startsOn: dates[0], endsOn: dates[9], completionRule: { kind: 'sessions', minSessions: 8 },
    });
    const sessions: string[] = [];
    for (const [i, date] of dates.entries()) {
      sessions.push((await call('POST', `/training/cycles/${cycle.id}/sessions`, { date, startTime: '14:00', endTime: '16:30', theme: `Atelier ${i + 1}` })).id);
    }
    const enrolments: string[] = [];
    for (let i = 0; i < PEOPLE; i++) {
      const person = await call('POST', '/beneficiaries', { firstName: FIRST[i % 10], lastName: LAST[i % 10], addressLine: '1 rue du Bench', postcode: '73000', city: 'Chambéry' });
      enrolments.push((await call('POST', `/training/cycles/${cycle.id}/enrolments`, { beneficiaryId: person.id })).id);
    }
    // Everyone present at 7 sessions already: a tap on the 8th, 9th or 10th toggles their completion.
    for (const session of sessions.slice(0, 7)) await call('PUT', `/training/sessions/${session}/attendance`, { records: enrolments.map((enrolmentId) => ({ enrolmentId, status: 'present' })) });
    return { sessions, enrolments, cycleId: cycle.id };
  }
}

async function apiTaps(server: Awaited<ReturnType<typeof startBuiltServer>>, sessions: string[], enrolments: string[]) {
  {
    let n = 0;
    const tap = (req: autocannon.Request) => {
      n++;
      const session = sessions[7 + (n % 3)];
      const enrolmentId = enrolments[Math.floor(n / 3) % PEOPLE];
      return { ...req, path: `/api/v1/training/sessions/${session}/attendance`, body: JSON.stringify({ records: [{ enrolmentId, status: n % 2 ? 'present' : 'absent' }] }) };
    };
    for (const connections of [1, 10]) {
      const times: number[] = [];
      const cpuBefore = processCpuMs(server.process.pid!);
      const result = await new Promise<autocannon.Result>((resolve, reject) => {
        const instance = autocannon({
        url: `http://127.0.0.1:${server.port}`,
        connections,
        duration: SECONDS,
        headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' },
        requests: [{ method: 'PUT', setupRequest: tap }],
      }, (error, done) => (error ? reject(error) : resolve(done)));
        instance.on('response', (_client, _status, _bytes, responseTime) => times.push(responseTime));
      });
      times.sort((a, b) => a - b);
      const cpuPerSave = (processCpuMs(server.process.pid!) - cpuBefore) / result.requests.total;
      const errors = result.non2xx + result.errors;
      console.log(`attendance tap, ${connections} connection(s), ${SECONDS} s on ${process.env.BENCH_POSTGRES_URL ? 'PostgreSQL' : 'SQLite'}: ${result.requests.total} saves, ${result.requests.average.toFixed(0)} req/s, ` +
        `latency p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms${errors ? `, ${errors} errors` : ''}` +
        (connections === 1 ? ' (goal p95 < 30 ms)' : '') + `; server CPU per save ${cpuPerSave.toFixed(1)} ms (less sensitive to a busy machine)`);
    }
  }
}

const TRAINER = { email: 'formatrice@example.fr', password: 'bench-trainer-password-long' };

function request(port: number, agent: http.Agent, method: string, path: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const cookiesOf = (headers: http.IncomingHttpHeaders) => (headers['set-cookie'] ?? []).map((c) => c.split(';')[0]);

/** Part 3: the phone's tap, through the web app as a signed-in trainer. */
async function webTaps(server: Awaited<ReturnType<typeof startBuiltServer>>, databaseUrl: string, call: Call, cycleId: string, sessions: string[], enrolments: string[]) {
  const db = createDb(databaseUrl);
  try {
    const { user, token } = await createUser(db, { email: TRAINER.email, name: 'Sophie Martin', role: 'trainer' }, 'bench');
    await acceptInvitation(db, token, TRAINER.password);
    await call('PATCH', `/training/cycles/${cycleId}`, { trainerIds: [user.id] });
  } finally {
    await db.close();
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const origin = `http://127.0.0.1:${server.port}`;
  try {
    const signInPage = await request(server.port, agent, 'GET', '/connexion', {});
    const csrfCookie = cookiesOf(signInPage.headers);
    const formToken = /name="_csrf" value="([^"]+)"/.exec(signInPage.body)![1];
    const signedIn = await request(server.port, agent, 'POST', '/connexion', { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie.join('; '), origin },
      new URLSearchParams({ _csrf: formToken, email: TRAINER.email, password: TRAINER.password, suite: '/formations' }).toString());
    if (signedIn.status !== 303) throw new Error(`sign-in answered ${signedIn.status}`);
    const cookie = [...csrfCookie, ...cookiesOf(signedIn.headers)].join('; ');
    const page = await request(server.port, agent, 'GET', `/formations/seances/${sessions[8]}/presences`, { cookie });
    if (page.status !== 200) throw new Error(`the attendance page answered ${page.status}`);
    const csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(page.body)![1];
    const headers = { cookie, origin, 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': csrf };
    const times: number[] = [];
    let cpuBefore = 0;
    for (let n = 0; n < TAPS + 20; n++) {
      if (n === 20) cpuBefore = processCpuMs(server.process.pid!);
      const body = JSON.stringify({ records: [{ enrolmentId: enrolments[Math.floor(n / 3) % PEOPLE], status: n % 2 ? 'present' : 'absent' }] });
      const path = `/formations/seances/${sessions[7 + (n % 3)]}/presences`;
      const start = process.hrtime.bigint();
      const res = await request(server.port, agent, 'POST', path, headers, body);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (res.status !== 200) throw new Error(`a tap answered ${res.status}: ${res.body.slice(0, 200)}`);
      if (n >= 20) times.push(ms); // the first 20 warm the server up
    }
    const cpuPerTap = (processCpuMs(server.process.pid!) - cpuBefore) / TAPS;
    times.sort((a, b) => a - b);
    console.log(`attendance tap from the web page, signed-in trainer, ${TAPS} sequential taps on ${process.env.BENCH_POSTGRES_URL ? 'PostgreSQL' : 'SQLite'}: ` +
      `p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms (goal p95 < 30 ms); server CPU per tap ${cpuPerTap.toFixed(1)} ms (less sensitive to a busy machine)`);
  } finally {
    agent.destroy();
  }
}

console.log(`${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}, Node ${process.version}`);
if (process.env.BENCH_ONLY !== 'web') await renderBench();
if (process.env.BENCH_ONLY !== 'render') await attendanceBench();
