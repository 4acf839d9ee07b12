import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Database } from '@/server/db/client';
import { profiles } from '@/server/db/schema';
import { logger } from '@/server/logger';
import { createTestContext, type TestContext } from '@/test/harness';
import { createTenantRow } from '@/test/pipeline';
import { waitFor } from '@/test/worker-process';
import { startMaintenance } from './maintenance';

describe('table maintenance', () => {
  let ctx: TestContext;
  let ownerDb: Database;

  beforeAll(async () => {
    ctx = await createTestContext('maintenance');
    ownerDb = createDb({ url: ctx.databaseUrl, max: 1, owner: true });
    await createTenantRow(ctx.db);
  });
  afterAll(async () => {
    await ownerDb?.$client.end();
    await ctx?.cleanup();
  });

  it('vacuums a table past its dead-row threshold when the server runs without autovacuum', async () => {
    const ids = Array.from({ length: 2500 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    await ctx.db.insert(profiles).values(ids.map((id) => ({ id, tenantId: 'test-club' })));
    // 2,000 dead rows, past 1,000 + 20 % of the 500 left. Deleted rather than rewritten: a profile update is a HOT
    // update now, and pages prune its dead versions themselves as they fill. On the one owner connection, so that
    // forcing its statistics out makes them visible at once.
    await ownerDb.execute(sql`delete from profiles where id >= ${ids[500]}::uuid`);
    await ownerDb.execute(sql`select pg_stat_force_next_flush()`);
    const stats = () =>
      ctx.db.execute<{ dead: number; vacuumed: boolean }>(sql`
        select n_dead_tup::int as dead, last_vacuum is not null as vacuumed from pg_stat_user_tables where relname = 'profiles'`);
    await waitFor(async () => ((await stats())[0]?.dead ?? 0) > 1500, 5000, 'the dead row versions counted');

    const [{ autovacuum }] = await ctx.db.execute<{ autovacuum: string }>(sql`select current_setting('autovacuum') as autovacuum`);
    const maintenance = startMaintenance({ ownerDb, logger, everyMs: 3_600_000 });
    await maintenance.runOnce();
    await maintenance.close();
    await waitFor(async () => (await stats())[0]?.vacuumed === (autovacuum === 'off'), 5000, 'the vacuum recorded');
    if (autovacuum === 'off') expect((await stats())[0].dead).toBeLessThan(100);
  });
});
