import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityRow } from '@/server/scoring/test-helpers';
import { createTestContext, type TestContext } from '@/test/harness';
import { createTenantRow } from '@/test/pipeline';
import { activities, duplicateCandidates, profileIdentities, profileMerges, profileRankings, profiles } from './schema';

const A = 'club-a';
const B = 'club-b';

/** The Postgres error a rejected insert or update raised (drizzle wraps it in its own error as `cause`). */
async function constraintOf(write: Promise<unknown>): Promise<string | undefined> {
  try {
    await write;
  } catch (error) {
    const pg = ((error as { cause?: unknown }).cause ?? error) as { code?: string; constraint_name?: string };
    expect(pg.code).toBe('23503');
    return pg.constraint_name;
  }
  throw new Error('the write was accepted');
}

describe('rows name a profile of their own club (migration 0014)', () => {
  let ctx: TestContext;
  let a1: string;
  let a2: string;
  let b1: string;

  beforeAll(async () => {
    ctx = await createTestContext('same_tenant_refs');
    await createTenantRow(ctx.db, A);
    await createTenantRow(ctx.db, B);
    const rows = await ctx.db
      .insert(profiles)
      .values([{ tenantId: A }, { tenantId: A }, { tenantId: B }])
      .returning({ id: profiles.id });
    [a1, a2, b1] = rows.map((r) => r.id);
  });
  afterAll(async () => ctx?.cleanup());

  const activity = (tenantId: string, profileId: string) => activityRow(tenantId, profileId, 'TEETIME_BOOKED', new Date('2026-11-01T08:00:00Z'));

  it('accepts a row about a profile of the same club', async () => {
    await ctx.db.insert(activities).values(activity(A, a1));
    await ctx.db.insert(profileIdentities).values({ tenantId: A, profileId: a1, kind: 'email', value: 'a1@example.org', source: 'crm', confidence: 100 });
    await ctx.db.insert(duplicateCandidates).values({ tenantId: A, profileA: a1, profileB: a2, reason: 'shared_email' });
    await ctx.db.insert(profileMerges).values({ tenantId: A, winnerId: a1, loserId: a2, reason: 'test', mergedBy: 'system' });
    expect(await ctx.db.select({ n: sql<number>`count(*)::int` }).from(activities)).toEqual([{ n: 1 }]);
  });

  it("refuses a row of one club that names another club's profile", async () => {
    expect(await constraintOf(ctx.db.insert(activities).values(activity(A, b1)))).toBe('activities_profile_fk');
    expect(
      await constraintOf(
        ctx.db.insert(profileIdentities).values({ tenantId: A, profileId: b1, kind: 'email', value: 'b1@example.org', source: 'crm', confidence: 100 }),
      ),
    ).toBe('profile_identities_profile_fk');
    expect(await constraintOf(ctx.db.insert(duplicateCandidates).values({ tenantId: A, profileA: a1, profileB: b1, reason: 'shared_email' }))).toBe(
      'duplicate_candidates_profile_b_fk',
    );
    expect(await constraintOf(ctx.db.insert(profileMerges).values({ tenantId: B, winnerId: b1, loserId: a2, reason: 'test', mergedBy: 'system' }))).toBe(
      'profile_merges_loser_fk',
    );
    // Moving a club's activity onto another club's person (a merge gone wrong) is refused the same way.
    expect(await constraintOf(ctx.db.update(activities).set({ profileId: b1 }).where(eq(activities.tenantId, A)))).toBe('activities_profile_fk');
  });

  it('refuses a row of a club that does not exist, with no foreign key to tenants of its own', async () => {
    expect(await constraintOf(ctx.db.insert(activities).values(activity('no-such-club', a1)))).toBe('activities_profile_fk');
  });

  it("keeps the rankings' copy consistent: it goes with its profile", async () => {
    const [{ id }] = await ctx.db.insert(profiles).values({ tenantId: B }).returning({ id: profiles.id });
    expect(await ctx.db.select({ tenantId: profileRankings.tenantId }).from(profileRankings).where(eq(profileRankings.profileId, id))).toEqual([{ tenantId: B }]);
    await ctx.db.delete(profiles).where(eq(profiles.id, id));
    expect(await ctx.db.select().from(profileRankings).where(eq(profileRankings.profileId, id))).toEqual([]);
  });
});
