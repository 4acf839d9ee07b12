import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '@/test/harness';
import { lockNames } from './advisory-locks';
import { createDb, type Database, type Db } from './client';
import { tenants } from './schema';
import { send } from './send';

/**
 * How statements travel to Postgres, which the pipeline's speed and correctness rely on.
 *
 * Prepared: drizzle-orm 0.45 runs every postgres-js query unprepared (drizzle-team/drizzle-orm#6096), a describe
 * round trip and a fresh parse for each statement; patches/drizzle-orm+0.45.4.patch makes it respect the client's
 * `prepare` option (postgres-js's default: on), so a statement is parsed once per connection and then costs one
 * round trip.
 *
 * Pipelined: `send` starts statements back to back on a transaction's connection; their order and snapshots matter.
 */
describe('statements', () => {
  let ctx: TestContext;
  /** One connection, so every query meets the statements its predecessors prepared. */
  let db: Database;
  /** Several connections, so one transaction can wait for another's lock. */
  let pool: Database;

  beforeAll(async () => {
    ctx = await createTestContext('statements');
    db = createDb({ url: ctx.databaseUrl, max: 1, owner: true });
    pool = createDb({ url: ctx.databaseUrl, max: 4, owner: true });
    await db.execute(sql`create table claims (name text primary key)`);
  });
  afterAll(async () => {
    await db?.$client.end();
    await pool?.$client.end();
    await ctx?.cleanup();
  });

  describe('drizzle queries are prepared statements', () => {
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

  describe('send', () => {
    it('runs a sent statement before every statement started after it, however that one is started', async () => {
      const sentAt = new Set<number>();
      const positions = await pool.transaction(async (tx) => {
        await tx.execute(sql`create temp table seen (n int, at bigint) on commit drop`);
        await tx.execute(sql`create temp sequence step`);
        const started: Promise<unknown>[] = [];
        for (let n = 0; n < 40; n++) {
          const insert = tx.execute(sql`insert into seen values (${n}, nextval('step'))`);
          // Every third one the way most code does it: an async helper awaiting the query.
          if (n % 3 === 2) started.push((async () => await insert)());
          else {
            sentAt.add(n);
            started.push(send(insert));
          }
        }
        await Promise.all(started);
        const rows = await tx.execute<{ n: number; at: string }>(sql`select n, at from seen`);
        return new Map(rows.map((r) => [r.n, Number(r.at)]));
      });
      for (const a of sentAt) {
        for (let b = a + 1; b < 40; b++) expect(positions.get(a)!, `${a} before ${b}`).toBeLessThan(positions.get(b)!);
      }
    });

    it('a read sent right behind a lock sees what the lock’s previous holder committed', async () => {
      let release!: () => void;
      const holding = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const holder = pool.transaction(async (tx) => {
        await lockNames(tx, ['claim|e1']);
        locked();
        await holding;
        await tx.execute(sql`insert into claims values ('e1')`);
      });
      await isLocked;
      const reader = pool.transaction(async (tx) => {
        const [, rows] = await Promise.all([lockNames(tx, ['claim|e1']), send(tx.execute<{ name: string }>(sql`select name from claims`))]);
        return rows.map((r) => r.name);
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      release();
      await holder;
      expect(await reader).toEqual(['e1']);
    });
  });
});
