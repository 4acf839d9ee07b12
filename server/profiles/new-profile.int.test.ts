import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profiles } from '@/server/db/schema';
import { createTestContext, type TestContext } from '@/test/harness';
import { createTenantRow } from '@/test/pipeline';
import { newProfileRow } from './new-profile';

describe('newProfileRow', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext('new_profile');
    await createTenantRow(ctx.db);
  });
  afterAll(async () => ctx?.cleanup());

  it('is the row the database makes from its defaults, every column', async () => {
    const at = new Date('2026-11-01T10:00:00.000Z');
    const [{ id }] = await ctx.db.insert(profiles).values({ tenantId: 'test-club', createdAt: at, updatedAt: at }).returning({ id: profiles.id });
    const [stored] = await ctx.db.select().from(profiles).where(eq(profiles.id, id));
    expect(newProfileRow(id, 'test-club', at)).toEqual(stored);
  });
});
