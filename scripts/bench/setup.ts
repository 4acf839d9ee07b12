import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { createDb, type Database } from '@/server/db/client';
import { ensureDatabase, migrateDatabase } from '@/server/db/migrate';
import { createTenant } from '@/server/admin/tenants';
import { createRedis } from '@/server/queue/connection';
import { profiledWorkerNodeArgs } from '@/test/worker-process';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const BENCH_TENANT = 'bench-club';

export interface BenchEnv {
  databaseUrl: string;
  prefix: string;
  db: Database;
  drop(): Promise<void>;
}

/** A fresh database (real migrations) and queue prefix of its own, so a run never touches anything else. */
export async function freshBenchEnv(label: string): Promise<BenchEnv> {
  const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/crm');
  const suffix = `${label}_${randomBytes(3).toString('hex')}`;
  base.pathname = `/crm_bench_${suffix}`;
  const databaseUrl = base.toString();
  await ensureDatabase(databaseUrl);
  await migrateDatabase(databaseUrl);
  const db = createDb({ url: databaseUrl, max: 4, owner: true });
  // Through the real admin code, so the club has its system segments and every event pays for them.
  await createTenant(db, { id: BENCH_TENANT, name: 'Bench Golf Club', country: 'ZA' });
  const prefix = `bench:${suffix}`;
  return {
    databaseUrl,
    prefix,
    db,
    async drop() {
      await db.$client.end({ timeout: 5 });
      const redis = createRedis();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 2000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
      redis.disconnect();
      const adminUrl = new URL(databaseUrl);
      adminUrl.pathname = '/postgres';
      const admin = postgres(adminUrl.toString(), { max: 1, onnotice: () => {} });
      await admin.unsafe(`drop database if exists "${decodeURIComponent(new URL(databaseUrl).pathname.slice(1))}" with (force)`);
      await admin.end();
    },
  };
}

export interface WorkerHandle {
  child: ChildProcess;
  port: number;
  memory(): Promise<{ rss: number; heapUsed: number } | null>;
  stop(): Promise<void>;
}

let nextPort = 19400;

/** Starts a real worker process (workers/main.ts) on the bench database and prefix. */
export function startWorker(env: BenchEnv, extra: Record<string, string> = {}): WorkerHandle {
  const port = nextPort++;
  const child = spawn(process.execPath, profiledWorkerNodeArgs(), {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: env.databaseUrl,
      QUEUE_PREFIX: env.prefix,
      LOG_LEVEL: process.env.BENCH_WORKER_LOG ? 'debug' : 'error',
      WORKER_HEALTH_PORT: String(port),
      ...extra,
    },
    // BENCH_WORKER_LOG=<file>: the workers' debug log goes there (batch re-runs, lock waits, table maintenance),
    // appended. It holds a line per event (~215 MB for a million), which costs the worker CPU: a run with it is for
    // reading the log, not a figure of record (the million took 751.3 s with it against 596.5 s without, 2026-12-07).
    stdio: ['ignore', process.env.BENCH_WORKER_LOG ? openSync(process.env.BENCH_WORKER_LOG, 'a') : 'ignore', 'inherit'],
  });
  return {
    child,
    port,
    async memory() {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/metrics`);
        return (await res.json()) as { rss: number; heapUsed: number };
      } catch {
        return null;
      }
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, onTick?: () => Promise<void>) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await onTick?.();
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Timed out after ${Math.round(timeoutMs / 1000)} s`);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}
