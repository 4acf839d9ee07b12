import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenants } from '@/server/db/schema';
import { createTestContext, type TestContext } from '@/test/harness';
import { searchMembers, type MemberSearch } from './members';

/**
 * The members search on 200,000 profiles must answer with p95 ≤ 50 ms (the bar). Builds the data set with
 * set-based SQL (≈ 30 s), so it only runs when PERF=1: `PERF=1 npx vitest run --project integration <this file>`.
 */
const PROFILES = 200_000;
const run = process.env.PERF === '1' ? describe : describe.skip;

run('searchMembers at 200,000 profiles', () => {
  let ctx: TestContext;
  const tenantId = 'perf-club';

  beforeAll(async () => {
    ctx = await createTestContext('members_perf');
    await ctx.db.insert(tenants).values([{ id: tenantId, name: 'Perf' }, { id: 'other', name: 'Other' }]);
    // Realistic spread: 60 × 80 first/last name pairs plus a per-person suffix on ~half, so a name matches dozens of
    // people, not a twelfth of the club.
    await ctx.db.execute(sql.raw(`
      insert into profiles (tenant_id, first_name, last_name, email, phone_number, phone_digits, search_text, status,
        lifecycle_stage, membership_tier, churn_risk_score, churn_risk_level, engagement_score, last_activity_at, email_opt_in)
      select case when i % 10 = 0 then 'other' else '${tenantId}' end,
        initcap(f), initcap(l), f || '.' || l || i || '@example.org',
        '+2782' || lpad(i::text, 7, '0'), '2782' || lpad(i::text, 7, '0'),
        f || ' ' || l || ' ' || f || '.' || l || i || '@example.org ' || (100000 + i),
        case when i % 50 = 0 then 'MERGED' else 'ACTIVE' end,
        (array['MEMBER','CUSTOMER','LEAD','CHURNED'])[1 + i % 4],
        (array['Gold','Silver','Bronze','Platinum'])[1 + i % 4],
        i % 101, (array['MINIMAL','LOW','MODERATE','HIGH','CRITICAL'])[1 + (i % 101) / 21],
        (i * 7) % 101, now() - (i % 900) * interval '1 hour', i % 3 = 0
      from generate_series(1, ${PROFILES}) i,
        lateral (select
          (select string_agg(substr('bcdfghjklmnprstvwz', 1 + ((i * 7 + k * 13) % 18), 1) || substr('aeiou', 1 + ((i + k) % 5), 1), '')
             from generate_series(1, 3) k) || case when i % 2 = 0 then '' else chr(97 + (i / 7) % 26) end as f,
          (select string_agg(substr('bcdfghjklmnprstvwz', 1 + ((i / 60 + k * 5) % 18), 1) || substr('aeiou', 1 + ((i / 60 + k * 3) % 5), 1), '')
             from generate_series(1, 4) k) as l) n`));
    await ctx.db.execute(sql.raw(`
      update profiles set first_name = 'Zanele', last_name = 'Mokoena', search_text = 'zanele mokoena ' || search_text
      where id in (select id from profiles where tenant_id = '${tenantId}' order by id limit 40)`));
    await ctx.db.execute(sql.raw(`
      insert into profile_identities (tenant_id, profile_id, kind, value, source, confidence)
      select tenant_id, id, 'sclMemberId', (100000 + row_number() over ())::text, 'scl', 100 from profiles`));
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
        await searchMembers(ctx.db, { tenantId, ...q });
        if (round > 0) timings.push(performance.now() - started);
      }
    }
    timings.sort((a, b) => a - b);
    const p95 = timings[Math.floor(timings.length * 0.95)]!;
    console.log(`searchMembers p50 ${timings[Math.floor(timings.length / 2)]!.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`);
    expect(p95).toBeLessThanOrEqual(50);
  });
});
