import { startWorkerProcess } from '@/test/worker-process';
import type { WorkerMetrics } from '@/workers/health';
import type { Cleanup } from './cleanup';
import { freePort } from '@/test/ports';
import { waitUntil } from './wait';

export interface WorkerTarget {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
}

export interface HealthReading {
  status: number;
  body: { ok?: boolean; redis?: string; postgres?: string; problems?: string[] };
}

let started = 0;

/**
 * A real worker process (workers/main.ts) with its health endpoint on a port of its own. The product's own lock
 * duration (30 s) unless a scenario says otherwise: the chaos run proves the shipped settings.
 */
export async function spawnWorker(cleanup: Cleanup, target: WorkerTarget, extra: Record<string, string> = {}) {
  const port = await freePort();
  const name = `w${++started}`;
  const proc = startWorkerProcess(
    { DATABASE_URL: target.databaseUrl, REDIS_URL: target.redisUrl, QUEUE_PREFIX: target.prefix, WORKER_HEALTH_PORT: String(port) },
    { WORKER_LOCK_MS: '30000', LOG_LEVEL: 'error', ...extra },
  );
  cleanup.add(`worker ${name} (pid ${proc.child.pid})`, async () => {
    proc.kill('SIGKILL');
    await proc.exited;
  });

  async function get(path: string, timeoutMs: number): Promise<{ status: number; body: unknown } | null> {
    try {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
      return { status: res.status, body: await res.json() };
    } catch {
      return null;
    }
  }

  return {
    name,
    pid: proc.child.pid,
    exited: proc.exited,
    get running() {
      return proc.child.exitCode === null && proc.child.signalCode === null;
    },
    output: proc.output,
    /** Why it is gone: exit code or signal and the last lines it printed (for reporting an unexpected death). */
    obituary(): string {
      const tail = proc.output().trim().split('\n').slice(-4).join(' | ').slice(-600);
      return `${name} exited (${proc.child.exitCode ?? proc.child.signalCode}): ${tail || 'no output'}`;
    },
    kill: (signal: NodeJS.Signals) => proc.kill(signal),
    /** GET /health; null when the endpoint does not answer (not started yet, or the process is gone). */
    health: () => get('/health', 5000) as Promise<HealthReading | null>,
    /** GET /metrics: heap in use, the longest event-loop delay since the previous read, stalled jobs found so far. */
    async metrics(): Promise<WorkerMetrics | null> {
      const r = await get('/metrics', 2000);
      return r ? (r.body as WorkerMetrics) : null;
    },
    /** Waits until /health answers 200 (both stores reachable, safe Redis policy). */
    async ready(timeoutMs = 60_000, signal?: AbortSignal) {
      await waitUntil(`worker ${name} ready`, async () => {
        if (proc.child.exitCode !== null) throw new Error(`worker ${name} exited (${proc.child.exitCode}): ${proc.output().slice(-500)}`);
        return (await this.health())?.status === 200;
      }, { timeoutMs, everyMs: 200, signal });
    },
  };
}

export type ChaosWorker = Awaited<ReturnType<typeof spawnWorker>>;
