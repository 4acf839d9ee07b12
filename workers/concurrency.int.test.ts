import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublisher } from '@/server/events/publisher';
import { createTestContext, type TestContext } from '@/test/harness';
import { bookingCreated } from '@/test/events';
import { count, createTenantRow, waitForSettled } from '@/test/pipeline';
import { startWorkerProcess, type WorkerProcess } from '@/test/worker-process';

// Acceptance 3: 200 events for one new email, published at once, consumed by 2 worker processes × concurrency 10
// → exactly one profile with 200 activities, no dead letters.
describe('one new person, many workers', () => {
  let ctx: TestContext;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    ctx = await createTestContext('concurrency');
    await createTenantRow(ctx.db);
  });
  afterAll(async () => {
    for (const w of workers) w.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await ctx?.cleanup();
  });

  it('never creates two profiles for one identifier', async () => {
    const publisher = createPublisher({ prefix: ctx.prefix, redisUrl: ctx.redisUrl });
    const events = Array.from({ length: 200 }, () => bookingCreated({ email: 'sipho.dlamini@example.org' }));
    const { published, rejected } = await publisher.publishMany(events);
    await publisher.close();
    expect(rejected).toEqual([]);
    expect(published).toBe(200);

    for (let i = 0; i < 2; i++) {
      workers.push(startWorkerProcess(ctx.childEnv, { WORKER_CONCURRENCY: '10', WORKER_LANES: '4' }));
    }
    await waitForSettled(ctx.db, 200, 60_000);

    expect(await count(ctx.db, sql`select count(*) as n from profiles`)).toBe(1);
    expect(await count(ctx.db, sql`select count(*) as n from activities`)).toBe(200);
    expect(await count(ctx.db, sql`select count(*) as n from profile_identities where kind = 'email'`)).toBe(1);
    expect(await count(ctx.db, sql`select count(*) as n from dead_letters`)).toBe(0);
    expect(await count(ctx.db, sql`select count(*) as n from sync_log where status = 'SUCCESS'`)).toBe(200);
  });
});
