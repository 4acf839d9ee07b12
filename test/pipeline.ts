import { Queue } from 'bullmq';
import { afterAll, beforeAll } from 'vitest';
import { sql } from 'drizzle-orm';
import type { Database } from '@/server/db/client';
import type { CrmEvent } from '@/server/events/envelope';
import { normalizeJob } from '@/server/events/normalize';
import { tenants } from '@/server/db/schema';
import { logger } from '@/server/logger';
import { createRedis, INBOUND_QUEUE, OUTBOUND_QUEUE } from '@/server/queue/connection';
import { startConsumer } from '@/workers/consumer';
import { bodyHashOf } from '@/workers/job-handler';
import type { EventItem } from '@/workers/pipeline/types';
import { startOutboxRelay } from '@/workers/outbox-relay';
import { journalOutbox } from './outbox-journal';
import { createTestContext, type TestContext } from './harness';
import { waitFor } from './worker-process';

export async function createTenantRow(db: Database, id = 'test-club', country = 'ZA') {
  await db.insert(tenants).values({ id, name: `${id} (test)`, country }).onConflictDoNothing();
}

/** An envelope as the job handler hands it to processBatch (for tests that drive the pipeline without a queue). */
export function eventItem(event: CrmEvent): EventItem {
  const normalized = normalizeJob({ name: 'event', data: event, timestamp: Date.now() });
  return { kind: 'event', jobId: event.id, jobName: 'event', jobData: event, normalized, bodyHash: bodyHashOf(normalized.envelope), steps: [] };
}

/**
 * An in-process consumer + relay on the test's prefix (for tests that do not need separate processes), connected as
 * the app role like the worker process.
 */
export async function startInProcessWorker(ctx: TestContext, opts: { concurrency?: number; lanes?: number; maxBatch?: number } = {}) {
  const consumer = startConsumer({
    databaseUrl: ctx.databaseUrl,
    logger,
    redisUrl: ctx.redisUrl,
    prefix: ctx.prefix,
    concurrency: opts.concurrency ?? 10,
    lanes: opts.lanes ?? 2,
    maxBatch: opts.maxBatch ?? 20,
    lockDurationMs: 5000,
    outageDelayMs: 500,
  });
  const relay = startOutboxRelay({ db: ctx.appDb, logger, redisUrl: ctx.redisUrl, prefix: ctx.prefix, idleMs: 50 });
  await consumer.ready;
  return {
    consumer,
    relay,
    async close() {
      await consumer.close();
      await relay.close();
    },
  };
}

/**
 * A test file's pipeline, set up before its tests and torn down after: its own database and queue prefix, the
 * `test-club` tenant, the queues and an in-process worker. Read the fields inside tests (beforeAll sets them).
 */
export function usePipeline(label: string, opts?: Parameters<typeof startInProcessWorker>[1]) {
  const pipeline = {} as {
    ctx: TestContext;
    q: ReturnType<typeof queues>;
    worker: Awaited<ReturnType<typeof startInProcessWorker>>;
    journal: Awaited<ReturnType<typeof journalOutbox>>;
  };
  beforeAll(async () => {
    pipeline.ctx = await createTestContext(label);
    await createTenantRow(pipeline.ctx.db);
    // The relay runs and deletes what it sends: outbound events are read back from the journal.
    pipeline.journal = await journalOutbox(pipeline.ctx.db);
    pipeline.q = queues(pipeline.ctx);
    pipeline.worker = await startInProcessWorker(pipeline.ctx, opts);
  });
  afterAll(async () => {
    await pipeline.worker?.close();
    await pipeline.q?.close();
    await pipeline.ctx?.cleanup();
  });
  return pipeline;
}

export function queues(ctx: TestContext) {
  const connection = createRedis({ url: ctx.redisUrl });
  const inbound = new Queue(INBOUND_QUEUE, { connection, prefix: ctx.prefix });
  const outbound = new Queue(OUTBOUND_QUEUE, { connection, prefix: ctx.prefix });
  return {
    inbound,
    outbound,
    async close() {
      await inbound.close();
      await outbound.close();
      connection.disconnect();
    },
  };
}

export async function count(db: Database, query: ReturnType<typeof sql>): Promise<number> {
  const rows = await db.execute<{ n: number }>(query);
  return Number(rows[0].n);
}

/** Waits until `n` events have a final sync-log status (SUCCESS or DEAD_LETTERED). */
export async function waitForSettled(db: Database, n: number, timeoutMs = 60_000) {
  await waitFor(
    async () => (await count(db, sql`select count(*) as n from sync_log where status in ('SUCCESS','DEAD_LETTERED')`)) >= n,
    timeoutMs,
    `${n} settled events`,
  );
}
