import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenants } from '@/server/db/schema';
import { withTenant } from '@/server/db/scope';
import { seedClub } from '@/scripts/bench/seed-club';
import { createTestContext, type TestContext } from '@/test/harness';
import { searchMembers, type MemberSearch } from './members';

/**
 * The members search on 200,000 profiles must answer with p95 ≤ 50 ms (the bar), measured the way the app
 * runs it: as the app role, in a transaction scoped to the club (row-level security). Builds the data set with
 * scripts/bench/seed-club.ts (≈ 1 min), so it only runs when PERF=1: `PERF=1 npx vitest run --project integration <this file>`.
 */
const PROFILES = 200_000;
const run = process.env.PERF === '1' ? describe : describe.skip;

run('searchMembers at 200,000 profiles', () => {
  let ctx: TestContext;
  const tenantId = 'perf-club';

  beforeAll(async () => {
    ctx = await createTestContext('members_perf');
    await ctx.db.insert(tenants).values([{ id: tenantId, name: 'Perf' }, { id: 'other', name: 'Other' }]);
    // The shared bench club (the demo cast's people with what the pipeline derives), a tenth of the rows in another
    // club: a name matches dozens of people, a phone or email one.
    await seedClub(ctx.db, { tenantId, profiles: PROFILES * 0.9 });
    await seedClub(ctx.db, { tenantId: 'other', profiles: PROFILES * 0.1, seed: 7 });
    await ctx.db.execute(sql`analyze`);
  }, 300_000);

  afterAll(async () => ctx?.cleanup());

  it('answers the common searches with p95 ≤ 50 ms', async () => {
    const queries: MemberSearch[] = [
      {},
      { q: 'zan' },
      { q: 'Zanélé Mok' },
      { q: 'zanele@' },
      { q: '082 000 1234' },
      { q: '+27820054321' },
      { q: '154321' },
      { q: 'nobody-matches-this' },
      { tier: 'Gold', churnLevel: 'HIGH' },
      { consent: 'email', sort: 'churnRiskScore' },
      { q: 'bake', sort: 'name' },
      { sort: 'name' },
      { skip: 5000 },
    ];
    const timings: number[] = [];
    for (let round = 0; round < 4; round++) {
      for (const q of queries) {
        const started = performance.now();
        await withTenant(ctx.appDb, tenantId, (tx) => searchMembers(tx, { tenantId, ...q }));
        if (round > 0) timings.push(performance.now() - started);
      }
    }
    timings.sort((a, b) => a - b);
    const p95 = timings[Math.floor(timings.length * 0.95)]!;
    console.log(`searchMembers p50 ${timings[Math.floor(timings.length / 2)]!.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`);
    expect(p95).toBeLessThanOrEqual(50);
  });
});
