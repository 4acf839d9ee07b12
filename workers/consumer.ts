import { DelayedError, Worker, type Job } from 'bullmq';
import { errorMessage, isConnectivityError } from '@/server/errors';
import type { Logger } from '@/server/logger';
import { createRedis, INBOUND_QUEUE } from '@/server/queue/connection';
import { KEEP_COMPLETED, KEEP_FAILED } from '@/server/queue/job-options';
import { startPipelineThread } from './start-pipeline-thread';
import type { ItemOutcome } from './pipeline/types';

export interface ConsumerOptions {
  /** The pipeline thread's database (it connects as the app role); unset = DATABASE_URL. */
  databaseUrl?: string;
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

/**
 * The crm-events consumer: BullMQ's side of the worker. Each job goes to the pipeline thread (workers/job-handler.ts:
 * parse, retry budget, dead letters, batches); a job the pipeline asks to wait is moved to delayed here.
 */
export function startConsumer(options: ConsumerOptions) {
  const { logger } = options;
  const outageDelay = options.outageDelayMs ?? 2000;
  const pipeline = startPipelineThread({
    logger,
    databaseUrl: options.databaseUrl,
    lanes: options.lanes,
    maxBatch: options.maxBatch,
    outageDelayMs: options.outageDelayMs,
  });

  /** Whatever step meets an unreachable store (Redis too, here), the job waits for it without spending an attempt. */
  async function processWithOutageGuard(job: Job, token?: string): Promise<ItemOutcome> {
    try {
      const takenAt = job.processedOn ?? Date.now();
      const result = await pipeline.handle({ id: job.id ?? 'unknown', name: job.name, data: job.data, timestamp: job.timestamp, takenAt });
      if ('outcome' in result) return result.outcome;
      await job.moveToDelayed(result.delayUntil, token);
      throw new DelayedError();
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
    // Jobs are taken once the pipeline thread is up, so none waits out its start-up holding a lock.
    autorun: false,
  });
  let closing = false;
  void pipeline.ready.then(() => {
    if (!closing) worker.run().catch((err: unknown) => logger.error({ err: { message: errorMessage(err) } }, 'worker stopped'));
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
    /** Resolves when the consumer takes jobs (the pipeline thread is up). */
    ready: pipeline.ready,
    /** Jobs this process's stalled check found since it started (GET /metrics). */
    stalledJobs: () => stalledJobs,
    /** The pipeline thread's JS heap (GET /metrics adds it to the main thread's). */
    pipelineHeap: () => pipeline.heap(),
    async close() {
      closing = true;
      await worker.close();
      await pipeline.close();
      connection.disconnect();
    },
  };
}
