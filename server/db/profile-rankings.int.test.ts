import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '@/test/harness';
import { createTenantRow } from '@/test/pipeline';
import { profileRankings, profiles } from './schema';
import { withSystemScope } from './scope';

const T = 'test-club';

describe('profile_rankings (migration 0007)', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext('rankings');
    await createTenantRow(ctx.db, T);
  });
  afterAll(async () => ctx?.cleanup());

  const rankingsOf = (id: string) => ctx.db.select().from(profileRankings).where(eq(profileRankings.profileId, id));

  it('follows every insert, update and delete of profiles, as the app role under its scope', async () => {
    const at = new Date('2026-11-01T10:00:00Z');
    const ids = await withSystemScope(ctx.appDb, async (tx) => {
      const rows = await tx
        .insert(profiles)
        .values([
          { tenantId: T, churnRiskScore: 40, lastActivityAt: at },
          { tenantId: T },
        ])
        .returning({ id: profiles.id });
      return rows.map((r) => r.id);
    });
    expect(await rankingsOf(ids[0])).toEqual([{ profileId: ids[0], tenantId: T, status: 'ACTIVE', churnRiskScore: 40, lastActivityAt: at }]);
    expect(await rankingsOf(ids[1])).toEqual([{ profileId: ids[1], tenantId: T, status: 'ACTIVE', churnRiskScore: null, lastActivityAt: null }]);

    const later = new Date('2026-11-02T10:00:00Z');
    await withSystemScope(ctx.appDb, (tx) =>
      tx.update(profiles).set({ churnRiskScore: 75, lastActivityAt: later, status: 'INACTIVE' }).where(eq(profiles.id, ids[0])),
    );
    expect(await rankingsOf(ids[0])).toEqual([{ profileId: ids[0], tenantId: T, status: 'INACTIVE', churnRiskScore: 75, lastActivityAt: later }]);

    // A change to nothing it copies leaves its row alone (no new row version).
    const [before] = await ctx.db.execute<{ xmin: string }>(sql`select xmin::text from profile_rankings where profile_id = ${ids[0]}`);
    await withSystemScope(ctx.appDb, (tx) => tx.update(profiles).set({ firstName: 'Thandi' }).where(eq(profiles.id, ids[0])));
    const [after] = await ctx.db.execute<{ xmin: string }>(sql`select xmin::text from profile_rankings where profile_id = ${ids[0]}`);
    expect(after.xmin).toBe(before.xmin);

    await ctx.db.delete(profiles).where(eq(profiles.id, ids[1]));
    expect(await rankingsOf(ids[1])).toEqual([]);
  });

  it('lets an event\'s update of a profile be a HOT update: no index of profiles is written', async () => {
    const [{ id }] = await ctx.db.insert(profiles).values({ tenantId: T, firstName: 'Sipho', email: 'sipho@example.org' }).returning({ id: profiles.id });
    const hot = await ctx.db.transaction(async (tx) => {
      // What a booking changes: last activity, counts, scores, field versions, updated_at.
      await tx
        .update(profiles)
        .set({
          lastActivityAt: new Date(),
          lastBookingAt: new Date(),
          activityCount30d: 3,
          engagementScore: 61,
          churnRiskScore: 22,
          fieldVersions: [[3, '2026-11-01T10:00:00.000Z', 'evt-1', 'firstName']],
          updatedAt: new Date(),
        })
        .where(eq(profiles.id, id));
      const [row] = await tx.execute<{ updated: number; hot: number }>(sql`
        select pg_stat_get_xact_tuples_updated('profiles'::regclass)::int as updated,
               pg_stat_get_xact_tuples_hot_updated('profiles'::regclass)::int as hot`);
      return row;
    });
    expect(hot).toEqual({ updated: 1, hot: 1 });
  });
});
