import { and, eq } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profiles, sweepRuns, tenants } from '@/server/db/schema';
import { createRedis } from '@/server/queue/connection';
import { createTestContext, type TestContext } from '@/test/harness';
import { startSweepScheduler, SWEEP_JOB, type SweepScheduler } from './sweep';

let ctx: TestContext;
let connection: Redis;
let scheduler: SweepScheduler;

beforeAll(async () => {
  ctx = await createTestContext('sweep_worker');
  await ctx.db.insert(tenants).values([
    { id: 'club-joburg', name: 'Joburg GC', timeZone: 'Africa/Johannesburg' },
    { id: 'club-ny', name: 'New York GC', timeZone: 'America/New_York', sweepHour: 4 },
  ]);
  await ctx.db.insert(profiles).values([{ tenantId: 'club-joburg' }, { tenantId: 'club-joburg' }]);
  connection = createRedis({ url: ctx.redisUrl, forWorker: true });
  scheduler = await startSweepScheduler({ connection, prefix: ctx.prefix, db: ctx.appDb, resyncMs: 3_600_000 });
});

afterAll(async () => {
  await scheduler?.close();
  connection?.disconnect();
  await ctx?.cleanup();
});

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('sweep scheduler', () => {
  it('schedules each tenant at its own hour in its own time zone', async () => {
    const schedulers = await scheduler.queue.getJobSchedulers();
    const byKey = Object.fromEntries(schedulers.map((s) => [s.key, s]));
    expect(byKey['sweep-club-joburg']).toMatchObject({ name: SWEEP_JOB, pattern: '0 2 * * *', tz: 'Africa/Johannesburg' });
    expect(byKey['sweep-club-ny']).toMatchObject({ pattern: '0 4 * * *', tz: 'America/New_York' });
    // 02:00 in Johannesburg (UTC+2, no daylight saving) is midnight UTC.
    const next = new Date(byKey['sweep-club-joburg'].next as number);
    expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual([0, 0]);
  });

  it('follows changes to the tenants table', async () => {
    await ctx.db.update(tenants).set({ sweepHour: 5, timeZone: 'Europe/London' }).where(eq(tenants.id, 'club-ny'));
    await scheduler.queue.upsertJobScheduler('sweep-club-gone', { pattern: '0 2 * * *' }, { name: SWEEP_JOB, data: { tenantId: 'club-gone' } });
    await scheduler.syncSchedulers();
    const keys = (await scheduler.queue.getJobSchedulers()).map((s) => [s.key, s.pattern, s.tz]).sort();
    expect(keys).toEqual([
      ['sweep-club-joburg', '0 2 * * *', 'Africa/Johannesburg'],
      ['sweep-club-ny', '0 5 * * *', 'Europe/London'],
    ]);
  });

  it('runs a sweep job through runSweep', async () => {
    const asOf = '2026-03-01T00:00:00.000Z';
    await scheduler.queue.add(SWEEP_JOB, { tenantId: 'club-joburg', asOf });
    const run = await waitFor(async () => {
      const [row] = await ctx.db
        .select()
        .from(sweepRuns)
        .where(and(eq(sweepRuns.tenantId, 'club-joburg'), eq(sweepRuns.asOf, new Date(asOf))));
      return row?.status === 'DONE' ? row : undefined;
    });
    expect(run).toMatchObject({ processed: 2, total: 2 });
    const scored = await ctx.db.select().from(profiles).where(eq(profiles.tenantId, 'club-joburg'));
    expect(scored.map((p) => p.churnRiskScoreAt)).toEqual([new Date(asOf), new Date(asOf)]);
  });
});
