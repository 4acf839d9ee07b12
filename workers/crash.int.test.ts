import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublisher } from '@/server/events/publisher';
import { createTestContext, type TestContext } from '@/test/harness';
import { bookingCreated } from '@/test/events';
import { journalOutbox } from '@/test/outbox-journal';
import { count, createTenantRow, queues, waitForSettled } from '@/test/pipeline';
import { startWorkerProcess, waitFor, type WorkerProcess } from '@/test/worker-process';

// Acceptance 8: a worker (and the outbox relay inside it) SIGKILLed in the middle of a 5,000-event run and
// restarted → activities = events, no duplicates, nothing lost, every outbound id published once.
describe('worker killed mid-run', () => {
  let ctx: TestContext;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    ctx = await createTestContext('crash');
    await createTenantRow(ctx.db);
  });
  afterAll(async () => {
    for (const w of workers) w.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await ctx?.cleanup();
  });

  it('loses and duplicates nothing', { timeout: 180_000 }, async () => {
    const journal = await journalOutbox(ctx.db);
    const publisher = createPublisher({ prefix: ctx.prefix, redisUrl: ctx.redisUrl });
    const events = Array.from({ length: 5000 }, (_, i) => bookingCreated({ email: `player${i % 700}@example.org` }));
    await publisher.publishMany(events);
    await publisher.close();

    const first = startWorkerProcess(ctx.childEnv);
    workers.push(first);
    await waitFor(async () => (await count(ctx.db, sql`select count(*) as n from sync_log where status = 'SUCCESS'`)) >= 1000, 60_000, '1,000 processed');
    first.kill('SIGKILL');
    await first.exited;
    const processedAtKill = await count(ctx.db, sql`select count(*) as n from sync_log where status = 'SUCCESS'`);
    expect(processedAtKill).toBeLessThan(5000);

    const second = startWorkerProcess(ctx.childEnv);
    workers.push(second);
    await waitForSettled(ctx.db, 5000, 120_000);
    // The jobs the killed worker held were found stalled by the new one's check, and counted (its GET /metrics).
    expect(second.output()).toContain('job stalled; it will run again');

    expect(await count(ctx.db, sql`select count(*) as n from activities`)).toBe(5000);
    expect(await count(ctx.db, sql`select count(*) as n from (select source_event_id from activities group by 1 having count(*) > 1) d`)).toBe(0);
    expect(await count(ctx.db, sql`select count(*) as n from profiles`)).toBe(700);
    expect(await count(ctx.db, sql`select count(*) as n from dead_letters`)).toBe(0);

    // The relay died with the worker: every outbox row still reaches crm-outbound, once per id.
    await waitFor(async () => (await count(ctx.db, sql`select count(*) as n from outbox`)) === 0, 30_000, 'outbox drained');
    const q = queues(ctx);
    const outboxIds = new Set(await journal.ids());
    expect(outboxIds.size).toBeGreaterThan(0);
    // A batch cut off by the kill rolled back its outbox rows with everything else: no id was written twice.
    expect(await journal.writes()).toBe(outboxIds.size);
    const jobs = await q.outbound.getJobs(['waiting', 'prioritized', 'completed', 'delayed', 'active']);
    await q.close();
    const jobIds = jobs.map((j) => j.id!);
    expect(new Set(jobIds).size).toBe(jobIds.length);
    expect(jobIds.filter((id) => !outboxIds.has(id))).toEqual([]);
    expect(jobIds.length).toBe(outboxIds.size);

    // Graceful shutdown: SIGTERM finishes in-flight work and exits by itself within 10 s.
    const asked = Date.now();
    second.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(Date.now() - asked).toBeLessThan(10_000);
  });
});
