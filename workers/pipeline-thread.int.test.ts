import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logger } from '@/server/logger';
import { memberCreated } from '@/test/events';
import { createTestContext, type TestContext } from '@/test/harness';
import { createTenantRow } from '@/test/pipeline';
import { waitFor } from '@/test/worker-process';
import { startPipelineThread } from './start-pipeline-thread';

/** The thread boundary itself: jobs and results cross it intact, grouped or not, and closing drains it. */
describe('pipeline thread', () => {
  let ctx: TestContext;
  let pipeline: ReturnType<typeof startPipelineThread>;

  beforeAll(async () => {
    ctx = await createTestContext('pipelinethread');
    await createTenantRow(ctx.db);
    pipeline = startPipelineThread({ logger, databaseUrl: ctx.databaseUrl, lanes: 2, maxBatch: 20 });
  });
  afterAll(async () => {
    await ctx.cleanup();
  });

  const job = (id: string, data: unknown) => ({ id, name: 'event', data, timestamp: Date.now(), takenAt: Date.now() });

  it('returns each job its own result when many cross in one message', async () => {
    const good = Array.from({ length: 30 }, (_, i) => job(`good-${i}`, memberCreated({ memberId: 100 + i, email: `m${i}@example.org`, id: `evt_thread_${i}` })));
    const bad = job('bad', { id: 'evt_thread_bad', type: 'scl.member.created', tenantId: 'test-club', payload: {} });
    const results = await Promise.all([...good, bad].map((j) => pipeline.handle(j)));
    expect(results.slice(0, 30).every((r) => 'outcome' in r && r.outcome.status === 'SUCCESS')).toBe(true);
    expect(results[30]).toEqual({ outcome: { status: 'DEAD_LETTERED', reason: 'invalid_envelope' } });
    const [row] = await ctx.db.execute<{ n: number }>(sql`select count(*)::int as n from profiles where tenant_id = 'test-club'`);
    expect(row.n).toBe(30);
  });

  it('reports its heap, so the worker metrics cover both threads', async () => {
    await waitFor(async () => pipeline.heap().used > 0, 5000);
    expect(pipeline.heap().total).toBeGreaterThanOrEqual(pipeline.heap().used);
  });

  it('finishes the jobs it holds before it closes', async () => {
    const pending = pipeline.handle(job('last', memberCreated({ memberId: 999, email: 'last@example.org', id: 'evt_thread_last' })));
    await pipeline.close();
    expect(await pending).toMatchObject({ outcome: { status: 'SUCCESS' } });
  });
});
