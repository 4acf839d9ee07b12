import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StepTiming } from '@/server/db/schema';
import type { CrmEvent } from '@/server/events/envelope';
import { identifierLockKey } from '@/server/identity/locks';
import { logger } from '@/server/logger';
import { bookingCreated, memberCreated } from '@/test/events';
import { createTestContext, type TestContext } from '@/test/harness';
import { count, createTenantRow, eventItem } from '@/test/pipeline';
import { Batcher } from './batcher';
import { processBatch } from './process-batch';

// Two workers' batches about the same person: the second passes over that person's events (DEFERRED) and applies
// the rest, instead of queueing on the first's locks; the batcher runs the deferred events again.

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext('yield-locked');
  await createTenantRow(ctx.db);
});
afterAll(() => ctx.cleanup());

let people = 0;
async function knownPerson(): Promise<{ email: string; profileId: string }> {
  people++;
  const email = `held-${people}@example.com`;
  const [outcome] = await processBatch(ctx.appDb, [eventItem(memberCreated({ memberId: 8100 + people, email }))]);
  if (outcome.status !== 'SUCCESS' || !outcome.profileId) throw new Error(`setup: ${JSON.stringify(outcome)}`);
  return { email, profileId: outcome.profileId };
}

/** Another transaction (another worker's batch) holding locks until `release()`; `holding` resolves once it has them. */
function holdLocks(lock: ReturnType<typeof sql>) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let held!: () => void;
  const holding = new Promise<void>((resolve) => (held = resolve));
  const done = ctx.db.transaction(async (tx) => {
    await tx.execute(lock);
    held();
    await released;
  });
  return { holding, release: async () => { release(); await done; } };
}

const logged = (e: CrmEvent) => count(ctx.db, sql`select count(*) as n from sync_log where event_id = ${e.id}`);
const activities = (e: CrmEvent) => count(ctx.db, sql`select count(*) as n from activities where source_event_id = ${e.id}`);

describe('processBatch with yieldLocked', () => {
  it("defers every event of a person whose profile row another transaction holds, and applies the others'", async () => {
    const held = await knownPerson();
    const free = await knownPerson();
    const lock = holdLocks(sql`select id from profiles where id = ${held.profileId} for update`);
    await lock.holding;
    const first = bookingCreated({ email: held.email });
    const other = bookingCreated({ email: free.email });
    const second = bookingCreated({ email: held.email });
    try {
      const outcomes = await processBatch(ctx.appDb, [first, other, second].map(eventItem), { yieldLocked: true });
      expect(outcomes.map((o) => o.status)).toEqual(['DEFERRED', 'SUCCESS', 'DEFERRED']);
      // Untouched: no sync log row, no activity, so running them later is their first run.
      expect(await logged(first)).toBe(0);
      expect(await activities(first)).toBe(0);
      expect(await activities(other)).toBe(1);
    } finally {
      await lock.release();
    }
    const outcomes = await processBatch(ctx.appDb, [first, second].map(eventItem), { yieldLocked: true });
    expect(outcomes).toEqual([
      { status: 'SUCCESS', profileId: held.profileId, activityId: expect.any(String) },
      { status: 'SUCCESS', profileId: held.profileId, activityId: expect.any(String) },
    ]);
  });

  it('defers a new person whose identifier another transaction is resolving', async () => {
    const email = 'being-resolved@example.com';
    const key = identifierLockKey('test-club', { kind: 'email', value: email });
    const lock = holdLocks(sql`select pg_advisory_xact_lock(${key}::bigint)`);
    await lock.holding;
    const booking = bookingCreated({ email });
    try {
      expect(await processBatch(ctx.appDb, [eventItem(booking)], { yieldLocked: true })).toEqual([{ status: 'DEFERRED' }]);
      expect(await count(ctx.db, sql`select count(*) as n from profile_identities where value = ${email}`)).toBe(0);
    } finally {
      await lock.release();
    }
    expect((await processBatch(ctx.appDb, [eventItem(booking)], { yieldLocked: true }))[0]).toMatchObject({ status: 'SUCCESS' });
  });

  it('waits for the locks without it', async () => {
    const held = await knownPerson();
    const lock = holdLocks(sql`select id from profiles where id = ${held.profileId} for update`);
    await lock.holding;
    const booking = bookingCreated({ email: held.email });
    const run = processBatch(ctx.appDb, [eventItem(booking)]);
    const early = await Promise.race([run.then(() => 'finished'), new Promise((r) => setTimeout(() => r('waiting'), 300))]);
    expect(early).toBe('waiting');
    await lock.release();
    expect((await run)[0]).toMatchObject({ status: 'SUCCESS', profileId: held.profileId });
  });
});

describe('the batcher', () => {
  it('runs deferred events again, then waits for the locks, and records the time another worker held them', async () => {
    const held = await knownPerson();
    const free = await knownPerson();
    const batches: string[][] = [];
    const batcher = new Batcher({
      db: ctx.appDb, logger, lanes: 1, maxBatch: 10,
      beforeBatch: (items) => void batches.push(items.map((i) => (i.kind === 'event' ? i.normalized.envelope.id : 'dead'))),
    });
    const lock = holdLocks(sql`select id from profiles where id = ${held.profileId} for update`);
    await lock.holding;
    const booking = bookingCreated({ email: held.email });
    const other = bookingCreated({ email: free.email });
    const outcomes = Promise.all([batcher.submit(eventItem(booking)), batcher.submit(eventItem(other))]);
    // The other person's event does not wait for the held one.
    await expect.poll(() => activities(other), { timeout: 5_000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(await activities(booking)).toBe(0);
    await lock.release();
    expect((await outcomes).map((o) => o.status)).toEqual(['SUCCESS', 'SUCCESS']);
    await batcher.idle();
    // Passed over three times, then the fourth batch waited for the lock (so no event is passed over forever).
    expect(batches.filter((b) => b.includes(booking.id))).toHaveLength(4);
    const [row] = await ctx.db.execute<{ steps: StepTiming[] }>(sql`select steps from sync_log where event_id = ${booking.id}`);
    const steps = row.steps.map((s) => s.step.replace(/ \(batch of \d+\)/, ''));
    expect(steps.slice(0, 3)).toEqual(['batch_wait', 'person_held_elsewhere', 'prefetch']);
    expect(row.steps[1].ms).toBeGreaterThan(0);
  });
});
