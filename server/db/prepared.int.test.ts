import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '@/test/harness';
import { createDb, type Database, type Db } from './client';
import { tenants } from './schema';

/*
 * drizzle-orm 0.45 runs every postgres-js query unprepared (drizzle-team/drizzle-orm#6096): a describe round trip and
 * a fresh parse for each statement. patches/drizzle-orm+0.45.4.patch makes it respect the client's `prepare`
 * option (postgres-js's default: on), so a statement is parsed once per connection and then costs one round trip.
 */
describe('drizzle queries are prepared statements', () => {
  let ctx: TestContext;
  let db: Database;

  beforeAll(async () => {
    ctx = await createTestContext('prepared');
    db = createDb({ url: ctx.databaseUrl, max: 1, owner: true });
  });
  afterAll(async () => {
    await db?.$client.end();
    await ctx?.cleanup();
  });

  /** Statements this connection has prepared whose text mentions the marker. */
  async function preparedWith(on: Db, marker: string): Promise<string[]> {
    const rows = await on.execute<{ statement: string }>(sql`select statement from pg_prepared_statements`);
    return rows.map((r) => r.statement).filter((s) => s.includes(marker));
  }

  it('prepares builder and sql-template queries on the pool, and reuses them', async () => {
    for (let i = 0; i < 3; i++) {
      await db.select({ id: tenants.id }).from(tenants).where(sql`${tenants.id} = ${`prepared-${i}`}`);
      await db.execute(sql`select ${i}::int as marker_pool_template`);
    }
    expect(await preparedWith(db, '"tenants"."id" = $1')).toHaveLength(1);
    expect(await preparedWith(db, 'marker_pool_template')).toHaveLength(1);
  });

  it('prepares queries inside a transaction too', async () => {
    await db.transaction(async (tx) => {
      await tx.execute(sql`select ${1}::int as marker_in_transaction`);
      expect(await preparedWith(tx, 'marker_in_transaction')).toHaveLength(1);
    });
  });
});
