import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createDb, type Db } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { loggerOptions } from '../../src/logger.js';
import { freshDatabase, testClock, type TestDatabase } from './app.js';

export interface LoggedApp {
  app: FastifyInstance;
  db: Db;
  /** Every JSON line the app logged, in order. */
  lines: string[];
}

/**
 * For a test file: an app on a fresh database with the server's logger settings at `level`,
 * writing into memory. `extend` adds routes before the app is ready.
 */
export function useLoggedApp(level: Config['logLevel'], extend?: (app: FastifyInstance) => void): LoggedApp {
  const logged = { lines: [] as string[] } as LoggedApp;
  let database: TestDatabase;
  beforeAll(async () => {
    database = await freshDatabase();
    const config = loadConfig({ DATABASE_URL: database.url, LOG_LEVEL: level });
    logged.db = createDb(config.databaseUrl);
    await migrateToLatest(logged.db.kysely);
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logged.lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    logged.app = await buildApp({ db: logged.db, config, clock: testClock(), logger: { ...(loggerOptions(config) as object), stream: sink } });
    extend?.(logged.app);
    await logged.app.ready();
  });
  afterAll(async () => {
    await logged.app?.close();
    await logged.db?.close();
    await database?.drop();
  });
  return logged;
}
