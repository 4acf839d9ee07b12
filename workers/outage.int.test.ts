import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublisher } from '@/server/events/publisher';
import { createTestContext, type TestContext } from '@/test/harness';
import { bookingCreated } from '@/test/events';
import { count, createTenantRow, waitForSettled } from '@/test/pipeline';
import { startTcpProxy } from '@/test/tcp-proxy';
import { startWorkerProcess, type WorkerProcess } from '@/test/worker-process';

// Acceptance 7: Postgres unreachable for 30 s while events flow → nothing dead-lettered, all processed afterwards.
describe('Postgres outage', () => {
  let ctx: TestContext;
  let worker: WorkerProcess | undefined;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;

  beforeAll(async () => {
    ctx = await createTestContext('outage');
    await createTenantRow(ctx.db);
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
  });
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await worker?.exited;
    await proxy?.close();
    await ctx?.cleanup();
  });

  it('waits out a 30 s outage without dead-lettering anything', { timeout: 120_000 }, async () => {
    const viaProxy = new URL(ctx.databaseUrl);
    viaProxy.port = String(proxy.port);
    worker = startWorkerProcess({ ...ctx.childEnv, DATABASE_URL: viaProxy.toString() });
    const publisher = createPublisher({ prefix: ctx.prefix, redisUrl: ctx.redisUrl });
    const publishSome = async (from: number, n: number) =>
      publisher.publishMany(Array.from({ length: n }, (_, i) => bookingCreated({ email: `golfer${from + i}@example.org` })));

    await publishSome(0, 100);
    await waitForSettled(ctx.db, 100, 30_000);

    await proxy.down();
    const outageStarted = Date.now();
    // Events keep arriving while the database is away.
    for (let i = 0; i < 6; i++) {
      await publishSome(100 + i * 50, 50);
      await new Promise((r) => setTimeout(r, 5000));
    }
    const elapsed = Date.now() - outageStarted;
    expect(elapsed).toBeGreaterThanOrEqual(30_000);
    await proxy.up();
    await publisher.close();

    await waitForSettled(ctx.db, 400, 60_000);
    expect(await count(ctx.db, sql`select count(*) as n from dead_letters`)).toBe(0);
    expect(await count(ctx.db, sql`select count(*) as n from sync_log where status = 'SUCCESS'`)).toBe(400);
    expect(await count(ctx.db, sql`select count(*) as n from activities`)).toBe(400);
    expect(await count(ctx.db, sql`select count(*) as n from sync_log where attempts > 1`)).toBe(0);
  });
});
