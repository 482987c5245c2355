import type { FastifyInstance } from 'fastify';
import supertest from 'supertest';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createDb, type Db } from '../../src/db/connection.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createApiKey } from '../../src/modules/api-keys/service.js';
import { ROLES, type Role } from '../../src/modules/api-keys/schemas.js';
import { ContractChecker, fromSupertest } from './contract.js';
import { scratchDatabase, type TestDatabase } from './database.js';

export const dialect = process.env.TEST_DIALECT === 'postgres' ? 'postgres' : 'sqlite';

export type { TestDatabase };

/** A fresh database per test file: a temporary SQLite file, or a PostgreSQL schema of its own. */
export async function freshDatabase(): Promise<TestDatabase> {
  if (dialect !== 'postgres') return scratchDatabase(undefined, 'test');
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('TEST_DATABASE_URL is required for the PostgreSQL run');
  return scratchDatabase(base, 't');
}

export type AuthedAgent = ReturnType<typeof authed>;

export interface TestContext {
  app: FastifyInstance;
  db: Db;
  config: Config;
  keys: Record<Role, string>;
  /** supertest against the app, authenticated with the role's key (admin by default). */
  api(role?: Role): AuthedAgent;
  /** supertest without credentials. */
  anonymous(): supertest.Agent;
  /** The checker every answer goes through, for answers a test gets another way. */
  contract(): ContractChecker;
}

/** Every answer is checked against the OpenAPI document; what breaks it fails the test (see afterEach). */
type Watch = (test: supertest.Test) => supertest.Test;

function authed(app: FastifyInstance, key: string, watch: Watch) {
  const agent = supertest(app.server);
  const withKey = (test: supertest.Test) => watch(test.set('Authorization', `Bearer ${key}`));
  return {
    get: (url: string) => withKey(agent.get(url)),
    post: (url: string) => withKey(agent.post(url)),
    put: (url: string) => withKey(agent.put(url)),
    patch: (url: string) => withKey(agent.patch(url)),
    delete: (url: string) => withKey(agent.delete(url)),
  };
}

/**
 * Limits generous enough that no test is throttled by accident; a test of the limits passes its
 * own values in `env`.
 */
export const UNTHROTTLED: Record<string, string> = {
  AUTH_FAILURES_PER_MINUTE: '100000',
  EXPENSIVE_PER_MINUTE: '100000',
  EXPENSIVE_CONCURRENCY: '1000',
  PUBLIC_PAGE_PER_MINUTE: '100000',
};

/** Builds the app on a fresh, migrated database for the current test file. */
export function useTestApp(env: Record<string, string> = {}): TestContext {
  const ctx = {} as TestContext;
  let database: TestDatabase | undefined;
  const breaches: string[] = [];
  let checker: ContractChecker | undefined;
  const watch: Watch = (test) =>
    test.on('response', (res) => {
      if (checker) breaches.push(...checker.check(fromSupertest(res)));
    });
  beforeAll(async () => {
    database = await freshDatabase();
    const config = loadConfig({ PUBLIC_URL: 'https://ordi.example.fr', ...UNTHROTTLED, ...env, DATABASE_URL: database.url });
    const db = createDb(config.databaseUrl);
    await migrateToLatest(db.kysely);
    const app = await buildApp({ db, config });
    await app.ready();
    const keys = {} as Record<Role, string>;
    for (const role of ROLES) keys[role] = (await createApiKey(db, { name: `test ${role}`, role })).key;
    checker = new ContractChecker(app.swagger() as Record<string, unknown>);
    Object.assign(ctx, {
      app,
      db,
      config,
      keys,
      api: (role: Role = 'admin') => authed(app, keys[role], watch),
      anonymous: () => watched(supertest.agent(app.server), watch),
      contract: () => checker!,
    });
  });
  afterEach(() => {
    const found = breaches.splice(0);
    expect(found, 'answers that break the OpenAPI document').toEqual([]);
  });
  afterAll(async () => {
    await ctx.app?.close();
    await ctx.db?.close();
    await database?.drop();
  });
  return ctx;
}

const VERBS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);

/** The agent, with every request it makes watched. */
function watched(agent: supertest.Agent, watch: Watch): supertest.Agent {
  return new Proxy(agent, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || !VERBS.has(property) || typeof value !== 'function') return value;
      return (...args: unknown[]) => watch(value.apply(target, args));
    },
  });
}
