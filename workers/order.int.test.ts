import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/server/db/client';
import { createPublisher } from '@/server/events/publisher';
import { runSweep } from '@/server/scoring/sweep';
import { createTestContext, type TestContext } from '@/test/harness';
import { createTenantRow, eventItem, waitForSettled } from '@/test/pipeline';
import { randomStream, rng } from '@/test/stream';
import { startWorkerProcess, type WorkerProcess } from '@/test/worker-process';
import { afterSweepBatch } from './pipeline/after-rescore';
import { processBatch } from './pipeline/process-batch';

/**
 * Everything that identifies the outcome: for each live profile, its identifiers (the partition of identifiers
 * into people, i.e. the merges), its fields and its activity count.
 */
async function snapshot(db: Database) {
  const rows = await db.execute<Record<string, unknown>>(sql`
    select p.first_name, p.last_name, p.email, p.phone_number, p.membership_status, p.membership_tier,
           p.handicap::text as handicap, p.handicap_updated_at, p.email_opt_in, p.sms_opt_in, p.lifetime_value::text as ltv,
           p.last_activity_at, p.last_booking_at, p.last_email_open_at, p.lifecycle_stage, p.status,
           (select string_agg(i.kind || '=' || i.value, ',' order by i.kind, i.value) from profile_identities i where i.profile_id = p.id) as ids,
           (select count(*)::int from activities a where a.profile_id = p.id) as activities
    from profiles p where p.status <> 'MERGED'`);
  return rows
    .map((r) => JSON.stringify(r, (_k, v) => (v instanceof Date ? v.toISOString() : v)))
    .sort();
}

// Acceptance 4: a seeded random stream, shuffled and replayed concurrently, ends in the same profiles as the same
// stream processed one by one in order.
describe('order independence', () => {
  let inOrder: TestContext;
  let shuffled: TestContext;
  const workers: WorkerProcess[] = [];
  const SEED = 20261127;
  const events = randomStream(SEED, 120, 'test-club').sort((a, b) => a.timestamp.localeCompare(b.timestamp));

  beforeAll(async () => {
    [inOrder, shuffled] = await Promise.all([createTestContext('order_a'), createTestContext('order_b')]);
    await createTenantRow(inOrder.db);
    await createTenantRow(shuffled.db);
  });
  afterAll(async () => {
    for (const w of workers) w.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await inOrder?.cleanup();
    await shuffled?.cleanup();
  });

  it('is a stream of at least 1,000 events for at least 100 people', () => {
    expect(events.length).toBeGreaterThanOrEqual(1000);
  });

  it('ends in the same profiles shuffled and concurrent as in order one by one', { timeout: 240_000 }, async () => {
    // Reference: one event at a time, in event-time order, straight through the pipeline.
    for (const event of events) {
      const [outcome] = await processBatch(inOrder.db, [eventItem(event)]);
      expect(outcome.status).toBe('SUCCESS');
    }

    // Shuffled, with ~5 % delivered twice, through BullMQ to 2 worker processes × concurrency 10.
    const r = rng(SEED + 1);
    const shuffledEvents = r.shuffle([...events, ...events.filter(() => r.chance(0.05))]);
    const publisher = createPublisher({ prefix: shuffled.prefix, redisUrl: shuffled.redisUrl });
    for (const event of shuffledEvents) {
      // Plain adds with fresh job ids: BullMQ must not reorder them by priority or drop the duplicates for us.
      await publisher.queue.add('event', event);
    }
    await publisher.close();
    for (let i = 0; i < 2; i++) workers.push(startWorkerProcess(shuffled.childEnv, { WORKER_CONCURRENCY: '10' }));
    await waitForSettled(shuffled.db, events.length, 180_000);

    // Scores (and the advocate stage that follows them) depend on when they were computed: the two runs are minutes
    // apart, and a window such as "activities in the last 30 days" can pass one of a person's events in between.
    // Both databases are rescored at one instant first, so only the events' effects are compared.
    const asOf = new Date();
    for (const db of [inOrder.db, shuffled.db]) await runSweep(db, { tenantId: 'test-club', asOf, afterBatch: afterSweepBatch });
    const [a, b] = await Promise.all([snapshot(inOrder.db), snapshot(shuffled.db)]);
    expect(a.length).toBeGreaterThanOrEqual(100);
    const onlyA = a.filter((x) => !b.includes(x));
    const onlyB = b.filter((x) => !a.includes(x));
    expect({ onlyInOrder: onlyA.slice(0, 3), onlyShuffled: onlyB.slice(0, 3), differing: onlyA.length }).toEqual({
      onlyInOrder: [],
      onlyShuffled: [],
      differing: 0,
    });
  });
});
