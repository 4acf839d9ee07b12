import { eq } from 'drizzle-orm';
import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '@/test/harness';
import { segments } from '@/server/db/schema';
import { createRedis, SEGMENT_QUEUE } from '@/server/queue/connection';
import { createSegment } from '@/server/segments/service';
import { createTenant, insertProfiles, membersOf } from '@/server/segments/test-fixtures';
import { createSegmentQueue, enqueueSegmentRecompute, startSegmentRecomputeWorker } from './segment-recompute';

let ctx: TestContext;
const redis: ReturnType<typeof createRedis>[] = [];

beforeAll(async () => {
  ctx = await createTestContext('segment_worker');
});
afterAll(async () => {
  for (const r of redis) r.disconnect();
  await ctx?.cleanup();
});

function connection(forWorker: boolean) {
  const r = createRedis({ url: ctx.redisUrl, forWorker });
  redis.push(r);
  return r;
}

describe('segment recompute worker', () => {
  it('recomputes a queued segment, collapses repeated requests and refreshes counts', async () => {
    const tenantId = await createTenant(ctx.db, 'worker-club');
    const ids = await insertProfiles(ctx.db, tenantId, [{ emailOptIn: true }, { emailOptIn: true }, { emailOptIn: false }]);
    const { segment } = await createSegment(ctx.db, {
      tenantId,
      name: 'Subs',
      type: 'DYNAMIC',
      criteria: { combinator: 'AND', rules: [{ field: 'emailOptIn', operator: 'eq', value: true }] },
      createdBy: null,
    });
    const queue = createSegmentQueue({ connection: connection(false), prefix: ctx.prefix });
    const events = new QueueEvents(SEGMENT_QUEUE, { connection: connection(true), prefix: ctx.prefix });
    await events.waitUntilReady();

    // Two requests while the first is still waiting become one job.
    await enqueueSegmentRecompute(queue, { tenantId, segmentId: segment.id }, { delayMs: 300 });
    await enqueueSegmentRecompute(queue, { tenantId, segmentId: segment.id }, { delayMs: 300 });
    expect(await queue.getDelayedCount()).toBe(1);
    const [job] = await queue.getDelayed();

    const worker = startSegmentRecomputeWorker({
      connection: connection(true),
      prefix: ctx.prefix,
      db: ctx.appDb,
      refreshCountsEveryMs: 100,
      relativeDatesEveryMs: 0,
    });
    try {
      const result = await job.waitUntilFinished(events, 20_000);
      expect(result).toEqual({ entered: 2, exited: 0, memberCount: 2 });
      expect(await membersOf(ctx.db, segment.id)).toEqual(ids.slice(0, 2).sort());
      const [row] = await ctx.db.select().from(segments).where(eq(segments.id, segment.id));
      expect(row).toMatchObject({ recomputeStatus: 'IDLE', recomputeProgress: 100, memberCount: 2 });

      // The periodic refresh repairs a stale stored count.
      await ctx.db.update(segments).set({ memberCount: 0 }).where(eq(segments.id, segment.id));
      await expect
        .poll(async () => (await ctx.db.select().from(segments).where(eq(segments.id, segment.id)))[0].memberCount)
        .toBe(2);

      // A segment deleted before its job ran is skipped, not retried.
      await ctx.db.delete(segments).where(eq(segments.id, segment.id));
      await enqueueSegmentRecompute(queue, { tenantId, segmentId: segment.id }, { delayMs: 0 });
      const [next] = await queue.getJobs(['waiting', 'active', 'delayed', 'prioritized']);
      expect(await next.waitUntilFinished(events, 20_000)).toEqual({ skipped: 'not_found' });
    } finally {
      await worker.close();
      await events.close();
      await queue.close();
    }
  });

  it('recomputes segments with relative-date rules on a schedule, with no event at all', async () => {
    const tenantId = await createTenant(ctx.db, 'worker-clock');
    const day = 86_400_000;
    const [recent] = await insertProfiles(ctx.db, tenantId, [
      { lastBookingAt: new Date(Date.now() - 10 * day) },
      { lastBookingAt: new Date(Date.now() - 90 * day) },
    ]);
    const { segment } = await createSegment(ctx.db, {
      tenantId,
      name: 'Booked lately',
      type: 'DYNAMIC',
      criteria: { combinator: 'AND', rules: [{ field: 'lastBookingAt', operator: 'withinLastDays', value: 30 }] },
      createdBy: null,
    });
    const worker = startSegmentRecomputeWorker({
      connection: connection(true),
      prefix: ctx.prefix,
      db: ctx.appDb,
      refreshCountsEveryMs: 0,
      relativeDatesEveryMs: 300,
    });
    try {
      await expect.poll(() => membersOf(ctx.db, segment.id), { timeout: 15_000 }).toEqual([recent]);
    } finally {
      await worker.close();
    }
  });
});
