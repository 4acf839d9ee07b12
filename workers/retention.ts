import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { errorMessage } from '@/server/errors';
import type { Logger } from '@/server/logger';
import { INBOUND_QUEUE, OUTBOUND_QUEUE } from '@/server/queue/connection';
import { KEEP_COMPLETED, OUTBOUND_KEEP_COMPLETED } from '@/server/queue/job-options';

const EVERY_MS = 60_000;
/** Most jobs one clean call removes (BullMQ deletes them in one Lua script; keep it short). */
const CLEAN_LIMIT = 5_000;

/**
 * BullMQ trims completed jobs past their age only when another job completes, so after a backlog drains the last
 * ones would stay in Redis for good. Once a minute this removes completed jobs older than their retention age, so
 * Redis memory returns to its level before the backlog once the retention window has passed. (The outbox keeps no
 * sent rows: the relay deletes each as it sends it.)
 */
export function startRetention(options: { connection: Redis; prefix: string; logger: Logger }) {
  const queues = [
    { queue: new Queue(INBOUND_QUEUE, { connection: options.connection, prefix: options.prefix }), ageMs: KEEP_COMPLETED.age * 1000 },
    { queue: new Queue(OUTBOUND_QUEUE, { connection: options.connection, prefix: options.prefix }), ageMs: OUTBOUND_KEEP_COMPLETED.age * 1000 },
  ];
  const timer = setInterval(() => {
    for (const { queue, ageMs } of queues) {
      queue.clean(ageMs, CLEAN_LIMIT, 'completed').catch((error: unknown) => {
        options.logger.warn({ err: { message: errorMessage(error) }, queue: queue.name }, 'completed-job cleanup failed; next minute');
      });
    }
  }, EVERY_MS);
  timer.unref();
  return {
    async close() {
      clearInterval(timer);
      await Promise.all(queues.map(({ queue }) => queue.close()));
    },
  };
}
