import fs from 'node:fs';
import Fastify from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDb } from '../../src/db/connection.js';
import { bufferedLogSink, loggerOptions } from '../../src/logger.js';

/**
 * The servers the benchmark measures, in a process of their own so that the load generator
 * does not share their event loop: a bare Fastify route, the app with the production request
 * logs at the default level, info (written to /dev/null), and the app with logs off.
 */
const config = loadConfig({ DATABASE_URL: process.env.BENCH_DATABASE_URL, PUBLIC_URL: 'https://ordi.example.fr', LOG_LEVEL: 'info' });
const db = createDb(config.databaseUrl);

const bare = Fastify();
bare.get('/', async () => ({ hello: 'world' }));
// CPU time of this process, so the benchmark can tell the cost per request apart from the machine's load.
bare.get('/cpu', async () => process.cpuUsage());
const app = await buildApp({ db, config });
// Logs as production writes them (src/server.ts: blocks of 4 KB written synchronously), to /dev/null.
const logged = await buildApp({ db, config, logger: { ...(loggerOptions(config) as object), stream: bufferedLogSink(fs.openSync('/dev/null', 'w')).stream } });

const ports: Record<string, number> = {};
for (const [name, server] of Object.entries({ bare, app, logged })) {
  await server.listen({ host: '127.0.0.1', port: 0 });
  ports[name] = (server.server.address() as { port: number }).port;
}
console.log(JSON.stringify(ports));
process.on('SIGTERM', async () => {
  for (const server of [bare, app, logged]) await server.close();
  await db.close();
  process.exit(0);
});
