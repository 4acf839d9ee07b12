import { Queue } from 'bullmq';
import { sql } from 'drizzle-orm';
import type Redis from 'ioredis';
import type { Database } from '@/server/db/client';
import { withSystemScope } from '@/server/db/scope';
import { errorMessage } from '@/server/errors';
import type { Logger } from '@/server/logger';
import { INBOUND_QUEUE, OUTBOUND_QUEUE } from '@/server/queue/connection';
import { KEEP_COMPLETED, OUTBOUND_KEEP_COMPLETED } from '@/server/queue/job-options';

const EVERY_MS = 60_000;
/** Most jobs one clean call removes (BullMQ deletes them in one Lua script; keep it short), and most outbox rows. */
const CLEAN_LIMIT = 5_000;
/** Sent outbox rows stay as long as crm-outbound keeps the completed job that dedupes a republish. */
export const KEEP_PUBLISHED_MS = OUTBOUND_KEEP_COMPLETED.age * 1000;

/**
 * Deletes the outbox rows sent more than `olderThanMs` ago, `limit` at a time (each round a short transaction of its
 * own), until a round finds fewer; returns how many. The oldest rows come first in the table, so each scan stops
 * early. Without this the outbox grows by every outbound event for good (about 200 MB in a 20-minute soak); with one
 * round a minute it fell behind any rate above `limit` outbound events a minute (the soak writes ~17,000). Stops
 * between rounds once `signal` aborts (shutdown must not wait for a long catch-up; every round already committed).
 */
export async function prunePublished(
  db: Database,
  olderThanMs = KEEP_PUBLISHED_MS,
  limit = CLEAN_LIMIT,
  signal?: AbortSignal,
): Promise<number> {
  let total = 0;
  while (!signal?.aborted) {
    const rows = await withSystemScope(db, (tx) =>
      tx.execute<{ id: string }>(sql`
        delete from outbox where id in (
          select id from outbox where published_at < now() - make_interval(secs => ${olderThanMs / 1000}) limit ${limit})
        returning id`),
    );
    total += rows.length;
    if (rows.length < limit) break;
  }
  return total;
}

/**
 * BullMQ trims completed jobs past their age only when another job completes, so after a backlog drains the last
 * ones would stay in Redis for good. Once a minute this removes completed jobs older than their retention age, so
 * Redis memory returns to its level before the backlog once the retention window has passed. Sent outbox rows are
 * deleted on the same clock, after the same window as the outbound jobs.
 */
export function startRetention(options: { connection: Redis; db: Database; prefix: string; logger: Logger }) {
  const queues = [
    { queue: new Queue(INBOUND_QUEUE, { connection: options.connection, prefix: options.prefix }), ageMs: KEEP_COMPLETED.age * 1000 },
    { queue: new Queue(OUTBOUND_QUEUE, { connection: options.connection, prefix: options.prefix }), ageMs: OUTBOUND_KEEP_COMPLETED.age * 1000 },
  ];
  let pruning: Promise<unknown> | null = null;
  const stopping = new AbortController();
  const timer = setInterval(() => {
    for (const { queue, ageMs } of queues) {
      queue.clean(ageMs, CLEAN_LIMIT, 'completed').catch((error: unknown) => {
        options.logger.warn({ err: { message: errorMessage(error) }, queue: queue.name }, 'completed-job cleanup failed; next minute');
      });
    }
    // A prune still running (a large backlog of sent rows) is not started again beside itself.
    if (!pruning) {
      pruning = prunePublished(options.db, KEEP_PUBLISHED_MS, CLEAN_LIMIT, stopping.signal)
        .catch((error: unknown) => {
          options.logger.warn({ err: { message: errorMessage(error) } }, 'sent outbox rows cleanup failed; next minute');
        })
        .finally(() => (pruning = null));
    }
  }, EVERY_MS);
  timer.unref();
  return {
    async close() {
      clearInterval(timer);
      stopping.abort();
      await Promise.all([pruning, ...queues.map(({ queue }) => queue.close())]);
    },
  };
}
