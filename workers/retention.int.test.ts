import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '@/server/db/schema';
import { createTestContext, type TestContext } from '@/test/harness';
import { createTenantRow } from '@/test/pipeline';
import { KEEP_PUBLISHED_MS, prunePublished } from './retention';

describe('retention of sent outbox rows', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext('outboxprune');
    await createTenantRow(ctx.db);
  });
  afterAll(async () => {
    await ctx?.cleanup();
  });

  it('deletes rows sent longer ago than crm-outbound dedupes a republish, and keeps the rest', async () => {
    const row = (id: string, publishedAt: Date | null) => ({ id, tenantId: 'test-club', type: 'crm.profile.updated', envelope: { id }, publishedAt });
    const now = Date.now();
    await ctx.db.insert(outbox).values([
      row('sent-long-ago', new Date(now - KEEP_PUBLISHED_MS - 60_000)),
      row('sent-just-now', new Date(now - 1000)),
      row('not-sent', null),
    ]);
    expect(await prunePublished(ctx.appDb)).toBe(1);
    const left = await ctx.db.execute<{ id: string }>(sql`select id from outbox order by id`);
    expect(left.map((r) => r.id)).toEqual(['not-sent', 'sent-just-now']);
    expect(await prunePublished(ctx.appDb)).toBe(0);
  });

  it('keeps deleting, a bounded round at a time, until none is left: one round a minute fell behind busy clubs', async () => {
    const longAgo = new Date(Date.now() - KEEP_PUBLISHED_MS - 60_000);
    await ctx.db.insert(outbox).values(
      Array.from({ length: 7 }, (_, i) => ({ id: `old-${i}`, tenantId: 'test-club', type: 'crm.profile.updated', envelope: { i }, publishedAt: longAgo })),
    );
    expect(await prunePublished(ctx.appDb, KEEP_PUBLISHED_MS, 3)).toBe(7);
    const left = await ctx.db.execute<{ id: string }>(sql`select id from outbox order by id`);
    expect(left.map((r) => r.id)).toEqual(['not-sent', 'sent-just-now']);
  });

  it('stops between rounds once shutdown aborts it', async () => {
    const longAgo = new Date(Date.now() - KEEP_PUBLISHED_MS - 60_000);
    await ctx.db.insert(outbox).values(
      Array.from({ length: 4 }, (_, i) => ({ id: `late-${i}`, tenantId: 'test-club', type: 'crm.profile.updated', envelope: { i }, publishedAt: longAgo })),
    );
    const stopped = new AbortController();
    stopped.abort();
    expect(await prunePublished(ctx.appDb, KEEP_PUBLISHED_MS, 3, stopped.signal)).toBe(0);
    expect(await prunePublished(ctx.appDb, KEEP_PUBLISHED_MS, 3)).toBe(4);
  });
});
