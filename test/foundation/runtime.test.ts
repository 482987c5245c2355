import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REQUIRED_NODE_MAJOR } from '../../src/runtime.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('the Node.js version', () => {
  it('when package.json states the supported Node, then it is the version the service checks at start', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe(`>=${REQUIRED_NODE_MAJOR}`);
  });

  it('when the server starts on an older Node, then it stops at once naming the version needed, before touching the database', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ordipratique-runtime-'));
    // Node 20 as far as the service can tell: the preload rewrites process.versions.node.
    const preload = path.join(dir, 'node20.cjs');
    fs.writeFileSync(preload, "Object.defineProperty(process.versions, 'node', { value: '20.20.2' });\n");
    const database = path.join(dir, 'never.sqlite');
    const result = await promisify(execFile)(process.execPath, ['--require', preload, '--import', 'tsx', 'src/server.ts'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: `sqlite:${database}`, PORT: '0' },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`needs Node.js ${REQUIRED_NODE_MAJOR} or later; this is Node.js 20.20.2`);
    expect(result.stderr).toContain('source scripts/node24.sh');
    expect(fs.existsSync(database)).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
