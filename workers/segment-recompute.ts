import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Db } from '@/server/db/client';
import { withSystemScope } from '@/server/db/scope';
import { SEGMENT_QUEUE } from '@/server/queue/connection';
import { logger } from '@/server/logger';
import { SegmentError } from '@/server/segments/errors';
import { refreshMemberCounts, SEGMENT_CACHE_TTL_MS } from '@/server/segments/membership';
import { recomputeSegment, timeRelativeSegments, type RecomputeResult } from '@/server/segments/recompute';

/**
 * Background work on segments (BullMQ queue SEGMENT_QUEUE):
 * - `recompute` jobs: a full recompute of one segment after its definition changed;
 * - the `relative-dates` schedule: segments with withinLastDays / notWithinLastDays rules change with the clock
 *   alone (a booking ages past 60 days without any event), so they are recomputed periodically;
 * - a timer that keeps segments.member_count fresh.
 */

export interface SegmentRecomputeJob {
  tenantId: string;
  segmentId: string;
}
export type SegmentJobData = SegmentRecomputeJob | Record<string, never>;
export type SegmentJobResult = RecomputeResult | { skipped: string } | { queued: number };

const RELATIVE_DATES_SCHEDULER = 'segment-relative-dates';

/**
 * Other processes may evaluate with a cached definition for up to SEGMENT_CACHE_TTL_MS after a change; starting
 * the recompute after that (plus a margin for transactions in flight) means it sees no stale writers.
 */
export const RECOMPUTE_DELAY_MS = SEGMENT_CACHE_TTL_MS + 1_000;

export function createSegmentQueue(options: { connection: Redis; prefix: string }): Queue<SegmentJobData> {
  return new Queue<SegmentJobData>(SEGMENT_QUEUE, { connection: options.connection, prefix: options.prefix });
}

/**
 * Queues a recompute. While one is waiting for the segment, more requests collapse into it; while one is running,
 * one more run is kept for after it (the definition may have changed mid-run).
 */
export async function enqueueSegmentRecompute(
  queue: Queue<SegmentJobData>,
  job: SegmentRecomputeJob,
  options: { delayMs?: number } = {},
): Promise<void> {
  await queue.add('recompute', job, {
    delay: options.delayMs ?? RECOMPUTE_DELAY_MS,
    deduplication: { id: `segment-${job.segmentId}`, keepLastIfActive: true },
    attempts: 3,
    backoff: { type: 'exponential', delay: 5_000 },
    removeOnComplete: 100,
    removeOnFail: 500,
  });
}

export interface SegmentWorkerOptions {
  /** An ioredis connection made with createRedis({ forWorker: true }). */
  connection: Redis;
  prefix: string;
  db: Db;
  /** How often segments.member_count is refreshed; 0 turns the refresh off. */
  refreshCountsEveryMs?: number;
  /**
   * How often segments with relative-date rules are recomputed (default hourly; one schedule shared by all workers,
   * the last started worker's interval wins). 0 leaves the schedule as it is.
   */
  relativeDatesEveryMs?: number;
}

export interface SegmentWorker {
  worker: Worker<SegmentJobData, SegmentJobResult>;
  close(): Promise<void>;
}

export function startSegmentRecomputeWorker(options: SegmentWorkerOptions): SegmentWorker {
  const queue = createSegmentQueue(options);

  const processJob = async (job: Job<SegmentJobData>): Promise<SegmentJobResult> => {
    if (job.name === 'relative-dates') {
      const due = await withSystemScope(options.db, (tx) => timeRelativeSegments(tx));
      // Run soon, but still deduplicated against recomputes already waiting.
      for (const target of due) await enqueueSegmentRecompute(queue, target, { delayMs: 0 });
      return { queued: due.length };
    }
    const { tenantId, segmentId } = job.data as SegmentRecomputeJob;
    try {
      const result = await recomputeSegment(options.db, {
        tenantId,
        segmentId,
        now: new Date(),
        onProgress: (p) => job.updateProgress(p.percent),
      });
      logger.info({ tenantId, segmentId, ...result }, 'segment recomputed');
      return result;
    } catch (error) {
      // A segment deleted (or broken) after the job was queued cannot get better by retrying.
      if (error instanceof SegmentError) {
        logger.warn({ tenantId, segmentId, code: error.code }, 'segment recompute skipped');
        return { skipped: error.code as string };
      }
      throw error;
    }
  };
  // One recompute at a time per process: they are long, set-based and compete for the same tables.
  const worker = new Worker<SegmentJobData, SegmentJobResult>(SEGMENT_QUEUE, processJob, {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: 1,
  });
  worker.on('failed', (job, error) =>
    logger.error({ job: job?.name, data: job?.data, err: error }, 'segment job failed'),
  );

  const relativeEvery = options.relativeDatesEveryMs ?? 3_600_000;
  if (relativeEvery > 0) {
    queue
      .upsertJobScheduler(RELATIVE_DATES_SCHEDULER, { every: relativeEvery }, { name: 'relative-dates', data: {} })
      .catch((error) => logger.warn({ err: error }, 'could not schedule relative-date recomputes'));
  }

  const every = options.refreshCountsEveryMs ?? 5_000;
  let refreshing = false;
  const timer =
    every > 0
      ? setInterval(() => {
          if (refreshing) return;
          refreshing = true;
          withSystemScope(options.db, (tx) => refreshMemberCounts(tx))
            .catch((error) => logger.warn({ err: error }, 'member count refresh failed'))
            .finally(() => {
              refreshing = false;
            });
        }, every)
      : null;
  timer?.unref();

  return {
    worker,
    async close() {
      if (timer) clearInterval(timer);
      await worker.close();
      await queue.close();
    },
  };
}
