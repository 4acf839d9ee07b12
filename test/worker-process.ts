import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { workerNodeArgs } from '@/workers/node-flags';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
}

/**
 * Node's arguments for a worker process, which runs the build (the caller builds first: workers/build.ts). For
 * benchmarks and chaos runs:
 * CRM_CPU_PROF=<dir>: each worker writes a V8 CPU profile there when it exits (open it in Chrome's DevTools);
 * CRM_WORKER_FLAGS="…": more Node or V8 flags, space-separated (`--trace-gc-nvp`, a heap setting to compare).
 */
export function profiledWorkerNodeArgs(): string[] {
  const dir = process.env.CRM_CPU_PROF;
  return workerNodeArgs([...(dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []), ...extraWorkerFlags()]);
}

/** CRM_WORKER_FLAGS as a list (none when unset). */
export function extraWorkerFlags(): string[] {
  return process.env.CRM_WORKER_FLAGS?.split(' ').filter(Boolean) ?? [];
}

/** Starts a real worker process (workers/main.ts) against the test's database and queue prefix. */
export function startWorkerProcess(env: Record<string, string>, extra: Record<string, string> = {}): WorkerProcess {
  const child = spawn(process.execPath, profiledWorkerNodeArgs(), {
    cwd: ROOT,
    env: { ...process.env, WORKER_LOCK_MS: '3000', LOG_LEVEL: 'warn', ...env, ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d.toString()));
  child.stderr?.on('data', (d) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    kill(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
    },
  };
}

/** Polls `check` until it returns true or the time runs out. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
}
