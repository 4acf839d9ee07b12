import { hash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Database } from '@/server/db/client';
import { withSystemScope } from '@/server/db/scope';
import { NonRetryableError, errorMessage, isConnectivityError } from '@/server/errors';
import { eventSourceOf, normalizeJob, type NormalizedEvent } from '@/server/events/normalize';
import type { Logger } from '@/server/logger';
import { backoffDelay, MAX_ATTEMPTS } from '@/server/queue/job-options';
import { Batcher, type BatcherOptions } from './pipeline/batcher';
import type { ItemOutcome } from './pipeline/types';

/** What the pipeline needs of a BullMQ job: plain data, so it can cross to the pipeline thread. */
export interface InboundJobData {
  id: string;
  name: string;
  data: unknown;
  /** When the job was added (ms since epoch). */
  timestamp: number;
  /**
   * When this worker's BullMQ loop took it from the queue (ms since epoch, the job's processedOn): enqueue → taken is
   * the event's queue_wait, taken → the pipeline thread starts on it its handoff (BullMQ hands jobs over once it has
   * fetched all that are waiting, one round trip each; then the message to this thread, which may be busy).
   */
  takenAt: number;
}

/** The job is done (processed, a duplicate or dead-lettered), or must wait until `delayUntil` and run again. */
export type JobResult = { outcome: ItemOutcome } | { delayUntil: number };

export interface JobHandlerOptions {
  db: Database;
  logger: Logger;
  lanes: number;
  maxBatch: number;
  /** How long a job waits before trying again while Postgres or Redis is unreachable (no attempt is counted). */
  outageDelayMs?: number;
  /** Test hook: runs before each batch transaction (Batcher's). */
  beforeBatch?: BatcherOptions['beforeBatch'];
}

/** The hash the sync log keeps of an event's normalised envelope (an id reused with another body is flagged). */
export function bodyHashOf(data: unknown): string {
  return hash('sha256', JSON.stringify(data ?? null), 'hex');
}

/**
 * One job through the pipeline, with the retry budget (counted in the sync log, so jobs added without `attempts`
 * get the same 1 s, 2 s, 4 s policy) and dead-letters. BullMQ's part (delaying the job) is the caller's.
 */
export function createJobHandler(options: JobHandlerOptions) {
  const { db, logger } = options;
  const batcher = new Batcher({ db, logger, lanes: options.lanes, maxBatch: options.maxBatch, beforeBatch: options.beforeBatch });
  const outageDelay = options.outageDelayMs ?? 2000;

  async function deadLetterNow(job: InboundJobData, error: NonRetryableError, normalized?: NormalizedEvent) {
    const ids = normalized
      ? { source: normalized.envelope.source, eventId: normalized.envelope.id, type: normalized.envelope.type, tenantId: normalized.envelope.tenantId }
      : eventSourceOf(job.name, job.data, job.id);
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
   * Counts a failed attempt in the sync log; returns the attempt number, or null when the log already says SUCCESS
   * (another delivery of the event committed its effects: nothing is left to retry or dead-letter). System scope,
   * like the pipeline: the sync log is keyed by (source, event id) across tenants, and the event's tenant may not
   * exist.
   */
  async function recordFailure(normalized: NormalizedEvent, error: unknown): Promise<number | null> {
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
    return rows[0]?.attempts ?? null;
  }

  async function handle(job: InboundJobData): Promise<JobResult> {
    const startedAt = Date.now();
    const started = performance.now();
    let normalized: NormalizedEvent;
    try {
      normalized = normalizeJob({ name: job.name, data: job.data, timestamp: job.timestamp });
    } catch (error) {
      if (error instanceof NonRetryableError) return { outcome: await deadLetterNow(job, error) };
      throw error;
    }
    const parseMs = Math.round((performance.now() - started) * 100) / 100;

    try {
      const outcome = await batcher.submit({
        kind: 'event',
        jobId: job.id,
        jobName: job.name,
        jobData: job.data,
        normalized,
        bodyHash: bodyHashOf(normalized.envelope),
        steps: [
          { step: 'queue_wait', ms: Math.max(0, job.takenAt - job.timestamp) },
          { step: 'handoff', ms: Math.max(0, startedAt - job.takenAt) },
          { step: 'parse', ms: parseMs },
        ],
      });
      logger.debug(
        { eventId: normalized.envelope.id, type: normalized.envelope.type, tenantId: normalized.envelope.tenantId, status: outcome.status, ms: Math.round(performance.now() - started) },
        'event processed',
      );
      return { outcome };
    } catch (error) {
      const context = { eventId: normalized.envelope.id, type: normalized.envelope.type, tenantId: normalized.envelope.tenantId };
      if (error instanceof NonRetryableError) return { outcome: await deadLetterNow(job, error, normalized) };
      if (isConnectivityError(error)) {
        logger.warn({ ...context, err: { message: errorMessage(error) } }, 'store unreachable; event waits without using a retry');
        return { delayUntil: Date.now() + outageDelay };
      }
      let attempt: number | null;
      try {
        attempt = await recordFailure(normalized, error);
      } catch (recordError) {
        if (isConnectivityError(recordError)) return { delayUntil: Date.now() + outageDelay };
        throw recordError;
      }
      if (attempt === null) return { outcome: { status: 'DUPLICATE' } };
      const message = errorMessage(error);
      if (attempt >= MAX_ATTEMPTS) {
        logger.error({ ...context, attempt, err: { message } }, 'event failed after all retries; dead-lettered');
        const outcome = await batcher.submit({
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
        return { outcome };
      }
      logger.warn({ ...context, attempt, err: { message } }, 'event failed; will retry');
      return { delayUntil: Date.now() + backoffDelay(attempt) };
    }
  }

  /** Whatever step meets an unreachable store, the job waits for it without spending an attempt. */
  async function handleWithOutageGuard(job: InboundJobData): Promise<JobResult> {
    try {
      return await handle(job);
    } catch (error) {
      if (!isConnectivityError(error)) throw error;
      return { delayUntil: Date.now() + outageDelay };
    }
  }

  return { handle: handleWithOutageGuard };
}
