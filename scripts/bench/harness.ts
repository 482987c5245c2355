import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../../test/helpers/server.js';

/** Shared by the benchmarks: the production build in a child process, /proc readings, statistics. */

/** The middle value (the upper of the two middle ones for an even count). */
export function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

/** Nearest-rank percentile of an ascending list. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export interface BuiltServer {
  port: number;
  /** Its admin key (`ADMIN_API_KEY`). */
  key: string;
  process: ChildProcess;
}

/**
 * `tsc -p tsconfig.build.json`, then `node dist/src/server.js` on a free port, as the Dockerfile
 * runs it: memory figures without tsx's own. Resolves once `/health` answers.
 */
export async function startBuiltServer(env: { DATABASE_URL: string; PUBLIC_URL: string; LOG_LEVEL: string } & Record<string, string>, attempts: number): Promise<BuiltServer> {
  console.log('building (tsc -p tsconfig.build.json)…');
  execFileSync(process.execPath, [path.resolve('node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  const port = await freePort();
  const key = `bench-${'k'.repeat(30)}`;
  const server = spawn(process.execPath, [...dockerNodeFlags(), 'dist/src/server.js'], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', ADMIN_API_KEY: key },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) break;
    } catch {
      if (i > attempts) throw new Error('the server did not start');
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { port, key, process: server };
}

/** The Node flags the Dockerfile's CMD starts the server with (e.g. the young generation's cap). */
function dockerNodeFlags(): string[] {
  const cmd = /^CMD \[(.*)\]$/m.exec(fs.readFileSync('Dockerfile', 'utf8'))?.[1] ?? '';
  return (JSON.parse(`[${cmd}]`) as string[]).filter((arg) => arg.startsWith('--'));
}

/** A memory figure of a process from /proc/PID/status, in kB: VmRSS (now) or VmHWM (peak since start). */
export function procMemoryKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
}

/** CPU time of a process so far, ms (utime + stime from /proc, in clock ticks of 10 ms). */
export function processCpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
