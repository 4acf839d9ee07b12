import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '@/server/admin/tenants';
import { createPublisher, type Publisher } from '@/server/events/publisher';
import { createTestContext, type TestContext } from '@/test/harness';
import { startInProcessWorker } from '@/test/pipeline';
import { checkDemo } from './check';
import { generateDemo, summarizeCast } from './generate';
import { seedDemoEvents } from './seed';

// Acceptance 9 in small: the generated history, published as real events and processed by the real worker, ends
// in profiles merged across SCL, TeeTime and Messaging — and seeding again changes nothing.
describe('demo seed through the real worker', () => {
  let ctx: TestContext;
  let publisher: Publisher;
  let worker: Awaited<ReturnType<typeof startInProcessWorker>>;
  const tenantId = 'demo-seed-test';

  beforeAll(async () => {
    ctx = await createTestContext('demo_seed');
    await createTenant(ctx.db, { id: tenantId, name: 'Demo Seed Test' });
    publisher = createPublisher({ prefix: ctx.prefix, redisUrl: ctx.redisUrl });
    worker = await startInProcessWorker(ctx, { concurrency: 20, lanes: 2, maxBatch: 50 });
  });
  afterAll(async () => {
    await worker?.close();
    await publisher?.close();
    await ctx?.cleanup();
  });

  const count = async (query: ReturnType<typeof sql>) => Number((await ctx.db.execute<{ n: number }>(query))[0]!.n);

  it('merges people known to all three sources into one profile each, and is safe to run again', async () => {
    const { items, people } = generateDemo({ tenantId, people: 120, now: Date.now() - 60_000, seed: 11 });
    const cast = summarizeCast(people);

    const first = await seedDemoEvents({ db: ctx.db, publisher, tenantId, items, stallMs: 60_000 });
    expect(first.rejected).toEqual([]);
    expect(first.published).toBe(items.length);
    expect(first.settled).toBe(items.length);
    expect(await count(sql`select count(*)::int as n from dead_letters`)).toBe(0);

    const check = await checkDemo(ctx.db, { tenantId });
    // Every person in all three sources should be one profile; allow a little for shared family emails.
    expect(check.inAllThreeSources).toBeGreaterThanOrEqual(Math.floor(cast.inAllThreeSources * 0.9));
    // Nobody is merged with someone else; a few people stay split where merge protection keeps their records
    // apart (a shared family email, a work email) and wait as duplicate candidates for staff.
    expect(check.liveProfiles).toBeGreaterThanOrEqual(cast.people);
    expect(check.liveProfiles).toBeLessThanOrEqual(Math.ceil(cast.people * 1.05));
    expect(check.samples[0]!.identities.map((i) => i.kind)).toEqual(
      expect.arrayContaining(['sclMemberId', 'teetimePlayerId', 'messagingContactId']),
    );

    const before = {
      profiles: await count(sql`select count(*)::int as n from profiles`),
      activities: await count(sql`select count(*)::int as n from activities`),
      syncLog: await count(sql`select count(*)::int as n from sync_log`),
    };
    const again = await seedDemoEvents({ db: ctx.db, publisher, tenantId, items, stallMs: 60_000 });
    expect(again.rejected).toEqual([]);
    expect({
      profiles: await count(sql`select count(*)::int as n from profiles`),
      activities: await count(sql`select count(*)::int as n from activities`),
      syncLog: await count(sql`select count(*)::int as n from sync_log`),
    }).toEqual(before);
  }, 240_000);
});
