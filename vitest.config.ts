import { defineConfig } from 'vitest/config';

// The suite runs once per database: SQLite always, PostgreSQL when TEST_DATABASE_URL is set.
const postgresUrl = process.env.TEST_DATABASE_URL;
if (!postgresUrl) {
  console.warn('\n[tests] TEST_DATABASE_URL is not set: the PostgreSQL run is SKIPPED (SQLite only).\n');
}

// The tests' programme identity (the shipped templates/programme.json holds example values only).
const programme = { PROGRAMME_FILE: 'test/fixtures/programme.json' };
const common = { include: ['test/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 };

export default defineConfig({
  test: {
    projects: [
      { test: { ...common, name: 'sqlite', env: { TEST_DIALECT: 'sqlite', ...programme } } },
      ...(postgresUrl ? [{ test: { ...common, name: 'postgres', env: { TEST_DIALECT: 'postgres', ...programme } } }] : []),
    ],
  },
});
