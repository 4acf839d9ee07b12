import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { inboundJobOptions } from '@/server/queue/job-options';
import { memberCreated } from '@/test/events';
import { usePipeline, waitForSettled } from '@/test/pipeline';
import { newId } from './ids';

const VERSION_7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** The Unix milliseconds a version-7 id starts with. */
const msOf = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

// Migration 0011: time-ordered ids for the rows events add, from the database's default and from the pipeline.
describe('time-ordered ids', () => {
  const t = usePipeline('ids');

  it('uuid_v7() makes distinct version-7 ids that carry the time and sort by it', async () => {
    const before = Date.now();
    const first = await t.ctx.db.execute<{ id: string }>(sql`select uuid_v7()::text as id from generate_series(1, 1000)`);
    await sleep(5);
    const [later] = await t.ctx.db.execute<{ id: string }>(sql`select uuid_v7()::text as id`);
    const ids = first.map((r) => r.id);
    expect(new Set(ids).size).toBe(1000);
    for (const id of ids) expect(id).toMatch(VERSION_7);
    expect(msOf(ids[0])).toBeGreaterThanOrEqual(before - 1000);
    expect(msOf(ids[0])).toBeLessThanOrEqual(Date.now() + 1000);
    expect(ids.every((id) => id < later.id)).toBe(true);
  });

  it('newId() makes version-7 ids on the same clock', async () => {
    const [db] = await t.ctx.db.execute<{ id: string }>(sql`select uuid_v7()::text as id`);
    await sleep(5);
    const id = newId();
    expect(id).toMatch(VERSION_7);
    expect(id > db.id).toBe(true);
  });

  it('a processed event adds rows whose ids are all version 7', async () => {
    const event = memberCreated({ memberId: 77001, email: 'thandi.nkosi@example.org', firstName: 'Thandi', lastName: 'Nkosi' });
    await t.q.inbound.add('event', event, inboundJobOptions(event.id, 2));
    await waitForSettled(t.ctx.db, 1);
    const rows = await t.ctx.db.execute<{ kind: string; id: string }>(sql`
      select 'profile' as kind, id::text from profiles
      union all select 'identifier', id::text from profile_identities
      union all select 'activity', id::text from activities
      union all select 'score', id::text from profile_scores`);
    expect(new Set(rows.map((r) => r.kind))).toEqual(new Set(['profile', 'identifier', 'activity', 'score']));
    for (const r of rows) expect(r.id, r.kind).toMatch(VERSION_7);
  });
});
