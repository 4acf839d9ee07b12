import { createHash } from 'node:crypto';
import { DelayedError, Worker, type Job } from 'bullmq';
import { sql } from 'drizzle-orm';
import type { Database } from '@/server/db/client';
import { withSystemScope } from '@/server/db/scope';
import { NonRetryableError, errorMessage, isConnectivityError } from '@/server/errors';
import { eventSourceOf, normalizeJob, type NormalizedEvent } from '@/server/events/normalize';
import type { Logger } from '@/server/logger';
import { createRedis, INBOUND_QUEUE } from '@/server/queue/connection';
import { backoffDelay, KEEP_COMPLETED, KEEP_FAILED, MAX_ATTEMPTS } from '@/server/queue/job-options';
import { Batcher } from './pipeline/batcher';
import type { ItemOutcome } from './pipeline/types';

export interface ConsumerOptions {
  db: Database;
  logger: Logger;
  redisUrl?: string;
  prefix: string;
  concurrency: number;
  lanes: number;
  maxBatch: number;
  lockDurationMs?: number;
  /** How long a job waits before trying again while Postgres or Redis is unreachable (no attempt is counted). */
  outageDelayMs?: number;
}

function bodyHashOf(data: unknown): string {
  return createHash('sha256').update(JSON.stringify(data ?? null)).digest('hex');
}

/**
 * The crm-events consumer. BullMQ delivers jobs; this owns the retry budget (counted in the sync log, so jobs
 * added without `attempts` get the same 1 s, 2 s, 4 s policy), dead-letters, and hands events to the batcher.
 */
export function startConsumer(options: ConsumerOptions) {
  const { db, logger } = options;
  const batcher = new Batcher({ db, logger, lanes: options.lanes, maxBatch: options.maxBatch });
  const outageDelay = options.outageDelayMs ?? 2000;

  async function deadLetterNow(job: Job, error: NonRetryableError, normalized?: NormalizedEvent) {
    const ids = normalized
      ? { source: normalized.envelope.source, eventId: normalized.envelope.id, type: normalized.envelope.type, tenantId: normalized.envelope.tenantId }
      : eventSourceOf(job.name, job.data, job.id ?? 'unknown');
    return batcher.submit({
      kind: 'dead',
      deadLetter: {
        // Filed under its tenant when that tenant exists (the batch checks), so the club's admins see it.
        tenantId: ids.tenantId,
        source: ids.source,
        eventId: ids.eventId,
        eventType: ids.type,
        jobName: job.name,
        jobData: job.data,
        reason: error.reason,
        step: error.step,
        error: error.message,
        attempts: 1,
      },
    });
  }

  /**
   * Counts a failed attempt in the sync log; returns the attempt number. System scope, like the pipeline: the sync
   * log is keyed by (source, event id) across tenants, and the event's tenant may not exist.
   */
  async function recordFailure(normalized: NormalizedEvent, error: unknown): Promise<number> {
    const { envelope } = normalized;
    const message = errorMessage(error);
    const rows = await withSystemScope(db, (tx) =>
      tx.execute<{ attempts: number }>(sql`
        insert into sync_log (tenant_id, source, event_id, event_type, status, attempts, error, failed_step)
        values (${envelope.tenantId}, ${envelope.source}, ${envelope.id}, ${envelope.type}, 'FAILED', 1, ${message}, 'process')
        on conflict (source, event_id) do update
          set attempts = sync_log.attempts + 1, status = 'FAILED', error = excluded.error,
              failed_step = excluded.failed_step, updated_at = now()
          where sync_log.status <> 'SUCCESS'
        returning attempts`),
    );
    return rows[0]?.attempts ?? MAX_ATTEMPTS;
  }

  async function processJob(job: Job, token?: string): Promise<ItemOutcome> {
    const pickedUpAt = Date.now();
    const started = performance.now();
    let normalized: NormalizedEvent;
    try {
      normalized = normalizeJob({ name: job.name, data: job.data, timestamp: job.timestamp });
    } catch (error) {
      if (error instanceof NonRetryableError) return deadLetterNow(job, error);
      throw error;
    }
    const parseMs = Math.round((performance.now() - started) * 100) / 100;

    try {
      const outcome = await batcher.submit({
        kind: 'event',
        jobId: job.id ?? '',
        jobName: job.name,
        jobData: job.data,
        normalized,
        bodyHash: bodyHashOf(normalized.envelope),
        // queue_wait: enqueue → picked up by this worker (the queue's share of the event's latency).
        steps: [
          { step: 'queue_wait', ms: Math.max(0, pickedUpAt - job.timestamp) },
          { step: 'parse', ms: parseMs },
        ],
      });
      logger.debug(
        { eventId: normalized.envelope.id, type: normalized.envelope.type, tenantId: normalized.envelope.tenantId, status: outcome.status, ms: Math.round(performance.now() - started) },
        'event processed',
      );
      return outcome;
    } catch (error) {
      const context = { eventId: normalized.envelope.id, type: normalized.envelope.type, tenantId: normalized.envelope.tenantId };
      if (error instanceof NonRetryableError) return deadLetterNow(job, error, normalized);
      if (isConnectivityError(error)) {
        logger.warn({ ...context, err: { message: errorMessage(error) } }, 'store unreachable; event waits without using a retry');
        await job.moveToDelayed(Date.now() + outageDelay, token);
        throw new DelayedError();
      }
      let attempt: number;
      try {
        attempt = await recordFailure(normalized, error);
      } catch (recordError) {
        if (isConnectivityError(recordError)) {
          await job.moveToDelayed(Date.now() + outageDelay, token);
          throw new DelayedError();
        }
        throw recordError;
      }
      const message = errorMessage(error);
      if (attempt >= MAX_ATTEMPTS) {
        logger.error({ ...context, attempt, err: { message } }, 'event failed after all retries; dead-lettered');
        return batcher.submit({
          kind: 'dead',
          deadLetter: {
            tenantId: normalized.envelope.tenantId,
            source: normalized.envelope.source,
            eventId: normalized.envelope.id,
            eventType: normalized.envelope.type,
            jobName: job.name,
            jobData: job.data,
            reason: 'retries_exhausted',
            step: (error as { step?: string }).step ?? 'process',
            error: message,
            attempts: attempt,
          },
        });
      }
      logger.warn({ ...context, attempt, err: { message } }, 'event failed; will retry');
      await job.moveToDelayed(Date.now() + backoffDelay(attempt), token);
      throw new DelayedError();
    }
  }

  /** Whatever step meets an unreachable store, the job waits for it without spending an attempt. */
  async function processWithOutageGuard(job: Job, token?: string): Promise<ItemOutcome> {
    try {
      return await processJob(job, token);
    } catch (error) {
      if (error instanceof DelayedError || !isConnectivityError(error)) throw error;
      await job.moveToDelayed(Date.now() + outageDelay, token);
      throw new DelayedError();
    }
  }

  const connection = createRedis({ url: options.redisUrl, forWorker: true });
  const worker = new Worker(INBOUND_QUEUE, processWithOutageGuard, {
    connection,
    prefix: options.prefix,
    concurrency: options.concurrency,
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.lockDurationMs ?? 30_000,
    // A worker killed mid-job leaves it stalled; it is picked up again, and idempotency makes that safe.
    maxStalledCount: 50,
    removeOnComplete: KEEP_COMPLETED,
    removeOnFail: KEEP_FAILED,
    name: `crm-worker-${process.pid}`,
  });
  worker.on('error', (err) => logger.error({ err: { message: errorMessage(err) } }, 'worker error'));
  // A stalled job was active with no live lock (its worker died or held its event loop past the lock): it runs again.
  let stalledJobs = 0;
  worker.on('stalled', (jobId) => {
    stalledJobs++;
    logger.warn({ jobId }, 'job stalled; it will run again');
  });

  return {
    worker,
    batcher,
    /** Jobs this process's stalled check found since it started (GET /metrics). */
    stalledJobs: () => stalledJobs,
    async close() {
      await worker.close();
      await batcher.idle();
      connection.disconnect();
    },
  };
}
