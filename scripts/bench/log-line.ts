import fs from 'node:fs';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDb } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { bufferedLogSink, loggerOptions } from '../../src/logger.js';
import { scratchDatabase } from '../../test/helpers/database.js';
import { median } from './harness.js';

/**
 * What one request log line costs, in CPU time of this process: the same /health requests
 * (app.inject, no socket) against the app with logs at the default level, info, written to
 * /dev/null through the server's own sink (blocks of 4 KB, `bufferedLogSink`), and with logs off, alternated in
 * rounds; the difference per request is the log line (target < 10 µs).
 * `npx tsx scripts/bench/log-line.ts`.
 */
const REQUESTS = 5000;
const ROUNDS = 8;

const target = await scratchDatabase(undefined, 'bench');
const config = loadConfig({ DATABASE_URL: target.url, PUBLIC_URL: 'https://ordi.example.fr' });
const db = createDb(config.databaseUrl);
await migrateToLatest(db.kysely);
const sink = bufferedLogSink(fs.openSync('/dev/null', 'w'));
let lines = 0;
const logged = await buildApp({ db, config, logger: { ...(loggerOptions(config) as object), stream: { write: (line: string) => (lines++, sink.stream.write(line)) } } });
const quiet = await buildApp({ db, config });

async function cpuPerRequest(app: typeof quiet): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < REQUESTS; i++) {
    await app.inject({ method: 'GET', url: '/health' });
    // Over a socket the event loop turns between requests. An awaited inject never leaves the
    // microtask queue, and light-my-request acknowledges each write with setImmediate: without
    // this turn every request stayed reachable from the immediate queue until the end (1.1 GB
    // after GC over the 90,000 requests, and ~40 µs more CPU per request from the GC it costs).
    await new Promise((resolve) => setImmediate(resolve));
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / REQUESTS;
}

await cpuPerRequest(logged);
await cpuPerRequest(quiet);
const on: number[] = [];
const off: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  on.push(await cpuPerRequest(logged));
  off.push(await cpuPerRequest(quiet));
}
const cost = median(on) - median(off);
console.log(`logs at ${config.logLevel}: ${median(on).toFixed(1)} µs CPU per request; logs off: ${median(off).toFixed(1)} µs (medians of ${ROUNDS} rounds of ${REQUESTS}; ${lines} lines written)`);
console.log(`log line: ${cost.toFixed(1)} µs per request (target < 10 µs) ${cost < 10 ? 'OK' : 'ABOVE TARGET'}`);
await logged.close();
await quiet.close();
await db.close();
await target.drop();
