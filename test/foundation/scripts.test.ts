import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/db/connection.js';
import { authenticateKey } from '../../src/modules/api-keys/service.js';
import { dialect, freshDatabase, type TestDatabase } from '../helpers/app.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
let database: TestDatabase;
let db: Db;

async function run(script: string, args: string[] = []) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: database.url },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => {
  await db?.close();
  await database.drop();
});

describe('command-line scripts', () => {
  it('when migrate runs on an empty database, then it lists what it applied, and the second time nothing', async () => {
    const first = await run('migrate');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/applied 001_core/);
    const second = await run('migrate');
    expect(second.stdout).toMatch(/Already up to date/);
    db = createDb(database.url);
  });

  it('when a key is created, then its secret is printed once and works; list never shows it; revoke stops it', async () => {
    const created = await run('api-key', ['create', '--name', 'Poste de la régie', '--role', 'collector']);
    expect(created.code, created.stderr).toBe(0);
    const secret = /^\s+(opk_\S+)$/m.exec(created.stdout)?.[1];
    expect(secret).toBeDefined();
    const actor = await authenticateKey(db, secret!);
    expect(actor).toMatchObject({ name: 'Poste de la régie', role: 'collector' });

    const list = await run('api-key', ['list']);
    expect(list.stdout).toContain('Poste de la régie');
    expect(list.stdout).not.toContain(secret);

    const revoked = await run('api-key', ['revoke', actor!.keyId]);
    expect(revoked.code, revoked.stderr).toBe(0);
    // Revoked by another process: this one keeps a key it checked for at most a second.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await authenticateKey(db, secret!)).toBeUndefined();
    const again = await run('api-key', ['revoke', actor!.keyId]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/not found/);
  });

  it.skipIf(dialect !== 'sqlite')('when the arguments are wrong, then it prints the usage and exits 2', async () => {
    const cases = [[], ['create', '--name', 'x', '--role', 'boss'], ['create', '--role', 'admin', '--colour', 'red'], ['revoke']];
    const answers = await Promise.all(cases.map((args) => run('api-key', args)));
    answers.forEach((res, i) => {
      expect(res.code, JSON.stringify(cases[i])).toBe(2);
      expect(res.stderr).toContain('npm run api-key -- create --name NAME --role ROLE');
    });
  });

  it('when the demo is seeded twice, then about 200 devices exist once', async () => {
    const first = await run('seed-demo');
    expect(first.code, first.stderr).toBe(0);
    const count = async () => Number((await db.kysely.selectFrom('devices').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const devices = await count();
    expect(devices).toBeGreaterThanOrEqual(180);
    expect(devices).toBeLessThanOrEqual(220);
    const kinds = await db.kysely.selectFrom('devices').select('kind').distinct().execute();
    expect(kinds.length).toBeGreaterThanOrEqual(6);
    const donors = await db.kysely.selectFrom('donors').select('kind').execute();
    expect(new Set(donors.map((d) => d.kind))).toEqual(new Set(['company', 'public_body', 'association']));
    const second = await run('seed-demo');
    expect(second.stdout).toMatch(/already/);
    expect(await count()).toBe(devices);
  });

  it.skipIf(dialect !== 'sqlite')('when a backup is taken, then it is one consistent file with every device', async () => {
    const dest = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ordipratique-backup-')), 'copy.sqlite');
    const res = await run('backup', [dest]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/integrity ok/);
    expect(fs.readdirSync(path.dirname(dest))).toEqual(['copy.sqlite']);
    const copy = createDb(`sqlite:${dest}`);
    const original = await db.kysely.selectFrom('devices').select('asset_tag').orderBy('asset_tag').execute();
    expect(await copy.kysely.selectFrom('devices').select('asset_tag').orderBy('asset_tag').execute()).toEqual(original);
    await copy.close();
    fs.rmSync(path.dirname(dest), { recursive: true, force: true });
  });

  it.skipIf(dialect !== 'postgres')('when a backup is asked for on PostgreSQL, then it points to pg_dump', async () => {
    const res = await run('backup');
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/pg_dump/);
  });
});
