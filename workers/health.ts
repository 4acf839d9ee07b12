import http from 'node:http';
import { getHeapStatistics } from 'node:v8';
import { sql } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import type { Database } from '@/server/db/client';
import type { ThreadHeap } from './pipeline-thread';

export interface HealthReport {
  ok: boolean;
  postgres: 'up' | 'down';
  redis: 'up' | 'down';
  problems: string[];
}

const SAFE_POLICIES = new Set(['noeviction']);

/** BullMQ loses jobs silently under an evicting policy: the worker refuses to be ready and says why. */
export async function checkRedisPolicy(redis: Redis): Promise<string | null> {
  const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as [string, string];
  return SAFE_POLICIES.has(policy)
    ? null
    : `Redis maxmemory-policy is "${policy}": queued events could be evicted. Set it to "noeviction".`;
}

export async function checkHealth(db: Database, redis: Redis): Promise<HealthReport> {
  const problems: string[] = [];
  const withTimeout = <T>(p: Promise<T>) =>
    Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000))]);
  let postgres: HealthReport['postgres'] = 'up';
  let redisState: HealthReport['redis'] = 'up';
  try {
    await withTimeout(db.execute(sql`select 1`));
  } catch {
    postgres = 'down';
    problems.push('Postgres is unreachable');
  }
  try {
    await withTimeout(redis.ping());
    const policyProblem = await withTimeout(checkRedisPolicy(redis));
    if (policyProblem) problems.push(policyProblem);
  } catch {
    redisState = 'down';
    problems.push('Redis is unreachable');
  }
  return { ok: problems.length === 0, postgres, redis: redisState, problems };
}

const LAG_TICK_MS = 10;

/**
 * The longest time the event loop was held up since the last read: a 10 ms timer notes how late it fires. (Node 20's
 * monitorEventLoopDelay did not see a 250 ms synchronous stretch here, so it is not used.)
 */
function watchLoopLag() {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last - LAG_TICK_MS);
    last = now;
  }, LAG_TICK_MS);
  timer.unref();
  return {
    /** Milliseconds, and starts over. */
    takeLongest(): number {
      const value = Math.round(longest * 10) / 10;
      longest = 0;
      return value;
    },
    stop: () => clearInterval(timer),
  };
}

/** The body of GET /metrics (bytes, milliseconds, a count). */
export interface WorkerMetrics {
  rss: number;
  /** Every JS heap of the process: the main thread's and the pipeline thread's. */
  heapUsed: number;
  heapTotal: number;
  /** The most each thread's heap may grow to (the worker's V8 flags set both: workers/node-flags.ts). */
  heapLimit: { main: number; pipeline: number };
  eventLoopDelayMaxMs: number;
  stalledJobs: number;
}

/**
 * GET /health (and /ready): 200 when events can make progress, 503 with the reasons otherwise.
 * GET /metrics: this process's memory, how long its event loop was held up since the last read (a held-up loop holds
 * every open batch transaction and every job it has taken), and how many stalled jobs its stalled check has found
 * since it started, for the benchmark and the soak run. A stall is noted when the lag timer next fires, so a read
 * answered right after one reports it the time after.
 */
export function startHealthServer(
  port: number,
  report: () => Promise<HealthReport>,
  counters: () => Pick<WorkerMetrics, 'stalledJobs'> & { pipelineHeap: ThreadHeap },
) {
  const lag = watchLoopLag();
  const server = http.createServer(async (req, res) => {
    if (req.url === '/metrics') {
      const m = process.memoryUsage();
      const { stalledJobs, pipelineHeap } = counters();
      const body: WorkerMetrics = {
        rss: m.rss,
        heapUsed: m.heapUsed + pipelineHeap.used,
        heapTotal: m.heapTotal + pipelineHeap.total,
        heapLimit: { main: getHeapStatistics().heap_size_limit, pipeline: pipelineHeap.limit },
        eventLoopDelayMaxMs: lag.takeLongest(),
        stalledJobs,
      };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    if (req.url !== '/health' && req.url !== '/ready') {
      res.writeHead(404).end();
      return;
    }
    const r = await report();
    res.writeHead(r.ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(r));
  });
  server.on('close', () => lag.stop());
  server.listen(port, '127.0.0.1');
  return server;
}
