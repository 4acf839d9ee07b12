import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '@/server/db/schema';
import { logger } from '@/server/logger';
import { createTestContext, type TestContext } from '@/test/harness';
import { count, createTenantRow, queues } from '@/test/pipeline';
import { waitFor } from '@/test/worker-process';
import { startOutboxRelay } from './outbox-relay';

describe('outbox relay', () => {
  let ctx: TestContext;
  let q: ReturnType<typeof queues>;
  let relay: ReturnType<typeof startOutboxRelay>;

  beforeAll(async () => {
    ctx = await createTestContext('relay');
    await createTenantRow(ctx.db);
    q = queues(ctx);
    relay = startOutboxRelay({ db: ctx.appDb, logger, redisUrl: ctx.redisUrl, prefix: ctx.prefix, batchSize: 2, idleMs: 20 });
  });
  afterAll(async () => {
    await relay?.close();
    await q?.close();
    await ctx?.cleanup();
  });

  const row = (id: string) => ({ id, tenantId: 'test-club', type: 'crm.profile.updated', envelope: { id, type: 'crm.profile.updated' } });
  const drained = () => waitFor(async () => (await count(ctx.db, sql`select count(*) as n from outbox`)) === 0, 10_000, 'outbox sent');

  it('publishes every row under its id, in batches, and keeps none once sent', async () => {
    await ctx.db.insert(outbox).values([row('crm_a'), row('crm_b'), row('crm_c')]);
    await drained();
    const jobs = await q.outbound.getJobs(['waiting', 'prioritized', 'completed']);
    expect(jobs.map((j) => j.id).sort()).toEqual(['crm_a', 'crm_b', 'crm_c']);
    for (const job of jobs) {
      expect(job.name).toBe('crm.profile.updated');
      expect(job.data).toEqual({ id: job.id, type: 'crm.profile.updated' });
    }
  });

  it('lets crm-outbound drop an id written again after it was sent: one job per id', async () => {
    await ctx.db.insert(outbox).values([row('crm_a'), row('crm_d')]);
    await drained();
    const ids = (await q.outbound.getJobs(['waiting', 'prioritized', 'completed'])).map((j) => j.id).sort();
    expect(ids).toEqual(['crm_a', 'crm_b', 'crm_c', 'crm_d']);
  });
});
