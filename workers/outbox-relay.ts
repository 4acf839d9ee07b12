import { Queue } from 'bullmq';
import { sql } from 'drizzle-orm';
import type { Database } from '@/server/db/client';
import { withSystemScope } from '@/server/db/scope';
import { errorMessage } from '@/server/errors';
import type { Logger } from '@/server/logger';
import { createRedis, OUTBOUND_QUEUE } from '@/server/queue/connection';
import { OUTBOUND_KEEP_COMPLETED } from '@/server/queue/job-options';

export interface RelayOptions {
  db: Database;
  logger: Logger;
  redisUrl?: string;
  prefix: string;
  batchSize?: number;
  idleMs?: number;
  /**
   * Fault injection for `npm run chaos` only (env CRM_FAULT_RELAY_EXIT_AFTER_PUBLISH): after the n-th published batch
   * the process SIGKILLs itself before deleting the rows it sent, the exact window the at-least-once contract covers.
   */
  killAfterPublishedBatches?: number;
}

/**
 * Publishes outbox rows to crm-outbound (job name = type, job id = outbound event id), then deletes them in the
 * same transaction. Rows are claimed with SKIP LOCKED so several relays can run. A relay killed after publishing and
 * before its commit publishes again on restart: same job id, so BullMQ (or the consumer, on the stable id) drops
 * the repeat. Sent rows are not kept: the outbox holds only what is still to send, so it stays a small table
 * however much a club sends (kept an hour, the sent rows of a busy club were its largest and most-read table).
 */
export function startOutboxRelay(options: RelayOptions) {
  const connection = createRedis({ url: options.redisUrl });
  const queue = new Queue(OUTBOUND_QUEUE, { connection, prefix: options.prefix });
  const batchSize = options.batchSize ?? 500;
  const idleMs = options.idleMs ?? 200;
  let stopped = false;
  let published = 0;
  let batches = 0;

  async function relayOnce(): Promise<number> {
    // One relay serves every club's outbox: system scope.
    return withSystemScope(options.db, async (tx) => {
      const rows = await tx.execute<{ id: string; type: string; envelope: unknown }>(sql`
        select id, type, envelope from outbox
        order by created_at limit ${batchSize} for update skip locked`);
      if (rows.length === 0) return 0;
      await queue.addBulk(
        rows.map((r) => ({ name: r.type, data: r.envelope, opts: { jobId: r.id, removeOnComplete: OUTBOUND_KEEP_COMPLETED } })),
      );
      if (++batches === options.killAfterPublishedBatches) process.kill(process.pid, 'SIGKILL');
      const ids = rows.map((r) => r.id);
      await tx.execute(sql`delete from outbox where id = any(${sql.param(ids)}::text[])`);
      return rows.length;
    });
  }

  const loop = (async () => {
    while (!stopped) {
      try {
        const n = await relayOnce();
        published += n;
        if (n < batchSize) await new Promise((r) => setTimeout(r, idleMs));
      } catch (error) {
        options.logger.warn({ err: { message: errorMessage(error) } }, 'outbox relay failed; retrying');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  })();

  return {
    get published() {
      return published;
    },
    async close() {
      stopped = true;
      await loop;
      await queue.close();
      connection.disconnect();
    },
  };
}
