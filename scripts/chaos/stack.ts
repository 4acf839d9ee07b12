import { Queue } from 'bullmq';
import { INBOUND_QUEUE } from '@/server/queue/connection';
import { startTcpProxy } from '@/test/tcp-proxy';
import { freshDatabase, viaPort } from './database';
import { compare, settledCount, snapshot, type Comparison } from './model';
import { startRedisServer, type RedisServerOptions } from './redis-server';
import type { ScenarioContext, ScenarioResult } from './types';
import { seconds, waitUntil } from './wait';
import { spawnWorker, type ChaosWorker, type WorkerTarget } from './workers';
import { CHAOS_TENANTS } from './workload';

export interface StackOptions {
  /** Workers reach Postgres through a proxy the scenario can cut. */
  proxyPostgres?: boolean;
  /** Workers reach Redis through a proxy the scenario can freeze. */
  proxyRedis?: boolean;
  tenants?: string[];
  redis?: RedisServerOptions;
}

/**
 * Everything one scenario runs against: its own redis-server, its own database, optional proxies in front of them
 * for the workers, and a producer queue that talks to Redis directly (producers are other systems; the fault is
 * between the CRM's workers and its stores). All of it is torn down by the scenario's cleanup.
 */
export async function startStack(ctx: Pick<ScenarioContext, 'cleanup'>, label: string, options: StackOptions = {}) {
  const redis = await startRedisServer(ctx.cleanup, options.redis);
  const database = await freshDatabase(ctx.cleanup, label, options.tenants ?? [...CHAOS_TENANTS]);
  const pgProxy = options.proxyPostgres ? await startTcpProxy({ host: new URL(database.url).hostname, port: Number(new URL(database.url).port || 5432) }) : null;
  if (pgProxy) ctx.cleanup.add('Postgres proxy', () => pgProxy.close());
  const redisProxy = options.proxyRedis ? await startTcpProxy({ host: '127.0.0.1', port: redis.port }) : null;
  if (redisProxy) ctx.cleanup.add('Redis proxy', () => redisProxy.close());
  const prefix = `chaos:${label}`;
  const target: WorkerTarget = {
    databaseUrl: pgProxy ? viaPort(database.url, pgProxy.port) : database.url,
    redisUrl: redisProxy ? `redis://127.0.0.1:${redisProxy.port}` : redis.url,
    prefix,
  };
  const connection = redis.client();
  const queue = new Queue(INBOUND_QUEUE, { connection, prefix });
  queue.on('error', () => {}); // the feeder sees refused writes and sends again
  ctx.cleanup.add('producer queue', async () => {
    await queue.close().catch(() => {});
    connection.disconnect();
  });

  return {
    redis,
    db: database.db,
    pgProxy,
    redisProxy,
    target,
    queue,
    spawnWorker: (extra: Record<string, string> = {}) => spawnWorker(ctx.cleanup, target, extra),
    settled: () => settledCount(database.db),
    /** Jobs not yet finished (waiting, prioritized, delayed for a retry or an outage, or active). */
    async pending(): Promise<number> {
      const c = await queue.getJobCounts('wait', 'prioritized', 'delayed', 'active');
      return Object.values(c).reduce((a, b) => a + b, 0);
    },
  };
}

export type Stack = Awaited<ReturnType<typeof startStack>>;

/** Workers that died although nobody stopped them, described for the report. */
export function deaths(workers: ChaosWorker[]): string[] {
  return workers.filter((w) => !w.running).map((w) => `worker died during the fault: ${w.obituary()}`);
}

/** Waits until `expected` events are settled and the queue is empty; returns how long it took. */
export async function drain(ctx: Pick<ScenarioContext, 'signal'>, stack: Stack, expected: number, timeoutMs: number): Promise<number> {
  return waitUntil(`${expected} settled events and an empty queue`, async () => (await stack.settled()) >= expected && (await stack.pending()) === 0, {
    timeoutMs,
    everyMs: 500,
    signal: ctx.signal,
  });
}

/** Waits until the settled count moves past `from`; returns how long that took. */
export function progressAfter(ctx: Pick<ScenarioContext, 'signal'>, stack: Stack, from: number, timeoutMs: number): Promise<number> {
  return waitUntil('processing to resume', async () => (await stack.settled()) > from, { timeoutMs, everyMs: 100, signal: ctx.signal });
}

/** Compares the stack's final state with the model and turns it into the table's columns. */
export async function verdict(ctx: ScenarioContext, stack: Stack, extra: { recovery: string; notes: string[]; problems: string[] }): Promise<ScenarioResult & { comparison: Comparison }> {
  const comparison = compare(ctx.model(), await snapshot(stack.db));
  
  return {
    events: ctx.workload.unique,
    lost: comparison.lost,
    duplicated: comparison.duplicated,
    deadLettered: `${comparison.deadLettered} (model ${comparison.modelDeadLettered})`,
    recovery: extra.recovery,
    notes: [...extra.notes, ...comparison.orderDependent],
    problems: [...extra.problems, ...comparison.problems],
    comparison,
  };
}

export { seconds };
