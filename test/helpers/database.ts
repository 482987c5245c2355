import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A throw-away database: a PostgreSQL schema of its own when `postgresUrl` is given (named
 * `{name}_…`), else a temporary SQLite file. For the test files and the benchmarks alike, so it
 * imports no test framework.
 */
export async function scratchDatabase(postgresUrl: string | undefined, name: string, randomBytesCount = 6): Promise<TestDatabase> {
  if (postgresUrl) {
    const schema = `${name}_${randomBytes(randomBytesCount).toString('hex')}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const url = new URL(postgresUrl);
    url.searchParams.set('schema', schema);
    return {
      url: url.toString(),
      drop: async () => {
        const client = new pg.Client({ connectionString: postgresUrl });
        await client.connect();
        await client.query(`drop schema ${schema} cascade`);
        await client.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ordipratique-${name}-`));
  return { url: `sqlite:${path.join(dir, `${name}.sqlite`)}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}
