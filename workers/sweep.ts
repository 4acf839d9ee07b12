import { Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job, type JobSchedulerJson } from 'bullmq';
import { z } from 'zod';
import type { Database } from '@/server/db/client';
import { withSystemScope } from '@/server/db/scope';
import { tenants } from '@/server/db/schema';
import type { Logger } from '@/server/logger';
import { SWEEP_QUEUE } from '@/server/queue/connection';
import { runSweep, type SweepOptions } from '@/server/scoring/sweep';

export const SWEEP_JOB = 'sweep';
/** Scheduler ids are `sweep-<tenant id>`; BullMQ names each night's job `repeat:<scheduler id>:<epoch ms>`. */
const SCHEDULER_PREFIX = 'sweep-';
const RESYNC_MS = 5 * 60_000;

/** A scheduled job carries only the tenant; a job added by hand may name the instant to score at. */
export const sweepJobData = z.object({ tenantId: z.string().min(1), asOf: z.iso.datetime({ offset: true }).optional() });
export type SweepJobData = z.infer<typeof sweepJobData>;

export function schedulerIdFor(tenantId: string): string {
  return `${SCHEDULER_PREFIX}${tenantId}`;
}

/** Every day at the tenant's sweep hour (in the scheduler's `tz`, the tenant's time zone). */
export function sweepPattern(sweepHour: number): string {
  return `0 ${sweepHour} * * *`;
}

/**
 * The instant a sweep job scores at: the time it was scheduled for (from its scheduler job id), so a retried or
 * stalled job resumes the same sweep_runs row instead of starting a new one. Hand-added jobs give `asOf`, or fall
 * back to when they were due.
 */
export function sweepInstant(job: Pick<Job, 'id' | 'timestamp' | 'delay'>, data: SweepJobData): Date {
  if (data.asOf) return new Date(data.asOf);
  const match = /^repeat:.+:(\d+)$/.exec(job.id ?? '');
  if (match) return new Date(Number(match[1]));
  return new Date(job.timestamp + (job.delay ?? 0));
}

export interface SweepSchedulerOptions {
  connection: ConnectionOptions;
  prefix: string;
  db: Database;
  logger?: Logger;
  batchSize?: number;
  /** Batches in flight at once (default 2, one per core). */
  lanes?: number;
  /** Runs in each sweep batch's transaction (e.g. segment membership of the profiles whose scores changed). */
  afterBatch?: SweepOptions['afterBatch'];
  /** How often tenants are re-read, so new tenants and changed hours or time zones get their schedule. */
  resyncMs?: number;
}

export interface SweepScheduler {
  queue: Queue<SweepJobData>;
  /** Brings the job schedulers in line with the tenants table now. */
  syncSchedulers(): Promise<void>;
  /** Stops scheduling, lets a running sweep finish its current batch (it resumes on retry), closes the queue. */
  close(): Promise<void>;
}

/**
 * The nightly scoring sweep: one BullMQ job scheduler per tenant on queue crm-sweeps (cron `0 <sweepHour> * * *` in
 * the tenant's time zone) and a worker that runs each tenant's sweep. Sweeps run one at a time: the machine's cores
 * belong to the event pipeline first.
 */
export async function startSweepScheduler(options: SweepSchedulerOptions): Promise<SweepScheduler> {
  const { connection, prefix, db, logger } = options;
  const queue = new Queue<SweepJobData>(SWEEP_QUEUE, { connection, prefix });
  const stopping = new AbortController();

  async function syncSchedulers(): Promise<void> {
    // Every club gets a schedule: the one look-up across tenants; each sweep then runs in its tenant's scope.
    const rows = await withSystemScope(db, (tx) =>
      tx.select({ id: tenants.id, timeZone: tenants.timeZone, sweepHour: tenants.sweepHour }).from(tenants),
    );
    const existing = new Map<string, JobSchedulerJson>();
    for (const s of await queue.getJobSchedulers()) existing.set(s.key, s);
    const wanted = new Set(rows.map((t) => schedulerIdFor(t.id)));

    for (const key of existing.keys()) {
      if (key.startsWith(SCHEDULER_PREFIX) && !wanted.has(key)) await queue.removeJobScheduler(key);
    }
    for (const tenant of rows) {
      const id = schedulerIdFor(tenant.id);
      const pattern = sweepPattern(tenant.sweepHour);
      const current = existing.get(id);
      if (current?.pattern === pattern && current.tz === tenant.timeZone) continue;
      try {
        await queue.upsertJobScheduler(
          id,
          { pattern, tz: tenant.timeZone },
          {
            name: SWEEP_JOB,
            data: { tenantId: tenant.id },
            opts: {
              attempts: 5,
              backoff: { type: 'exponential', delay: 30_000 },
              removeOnComplete: { count: 100 },
              removeOnFail: { count: 100 },
            },
          },
        );
        logger?.info({ tenantId: tenant.id, pattern, tz: tenant.timeZone }, 'sweep scheduled');
      } catch (error) {
        // A bad time zone or hour on one tenant must not keep the others unscheduled.
        logger?.error({ tenantId: tenant.id, pattern, tz: tenant.timeZone, err: error }, 'sweep schedule rejected');
      }
    }
  }

  const worker = new Worker<SweepJobData>(
    SWEEP_QUEUE,
    async (job) => {
      const parsed = sweepJobData.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`invalid sweep job data: ${parsed.error.message}`);
      const asOf = sweepInstant(job, parsed.data);
      const result = await runSweep(db, {
        tenantId: parsed.data.tenantId,
        asOf,
        batchSize: options.batchSize,
        lanes: options.lanes,
        afterBatch: options.afterBatch,
        signal: stopping.signal,
        onProgress: (p) => job.updateProgress({ processed: p.processed, total: p.total }),
      });
      // Thrown so BullMQ retries the job: the retry resumes the same run from its cursor.
      if (result.status === 'INTERRUPTED') throw new Error('sweep interrupted by shutdown');
      logger?.info({ tenantId: parsed.data.tenantId, asOf: asOf.toISOString(), ...result }, 'sweep finished');
      return result;
    },
    { connection, prefix, concurrency: 1 },
  );
  worker.on('failed', (job, error) =>
    logger?.error({ jobId: job?.id, tenantId: job?.data.tenantId, err: error }, 'sweep failed'),
  );

  await syncSchedulers();
  const resync = setInterval(() => {
    syncSchedulers().catch((error) => logger?.error({ err: error }, 'sweep schedule sync failed'));
  }, options.resyncMs ?? RESYNC_MS);
  resync.unref();

  return {
    queue,
    syncSchedulers,
    async close() {
      clearInterval(resync);
      stopping.abort();
      await worker.close();
      await queue.close();
    },
  };
}
