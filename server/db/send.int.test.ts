import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '@/test/harness';
import { lockNames } from './advisory-locks';
import { createDb, type Database } from './client';
import { send } from './send';

/** `send` pipelines statements on a transaction's connection; the pipeline relies on their order and snapshots. */
describe('send', () => {
  let ctx: TestContext;
  let db: Database;

  beforeAll(async () => {
    ctx = await createTestContext('send');
    db = createDb({ url: ctx.databaseUrl, max: 4, owner: true });
    await db.execute(sql`create table claims (name text primary key)`);
  });
  afterAll(async () => {
    await db?.$client.end();
    await ctx?.cleanup();
  });

  it('runs a sent statement before every statement started after it, however that one is started', async () => {
    const sentAt = new Set<number>();
    const positions = await db.transaction(async (tx) => {
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
    const holder = db.transaction(async (tx) => {
      await lockNames(tx, ['claim|e1']);
      locked();
      await holding;
      await tx.execute(sql`insert into claims values ('e1')`);
    });
    await isLocked;
    const reader = db.transaction(async (tx) => {
      const [, rows] = await Promise.all([lockNames(tx, ['claim|e1']), send(tx.execute<{ name: string }>(sql`select name from claims`))]);
      return rows.map((r) => r.name);
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    await holder;
    expect(await reader).toEqual(['e1']);
  });
});
