import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '@/test/harness';
import { profileIdentities } from '../db/schema';
import { createSegment } from './service';
import { addStaticMembers, importStaticSegment, removeStaticMembers } from './static';
import { createTenant, historyOf, insertProfiles, membersOf, membershipOutbox } from './test-fixtures';

let ctx: TestContext;
let tenantId: string;
let seq = 0;
const AT = new Date('2026-03-15T12:00:00.000Z');

beforeAll(async () => {
  ctx = await createTestContext('segments_static');
});
afterAll(async () => {
  await ctx?.cleanup();
});
beforeEach(async () => {
  seq += 1;
  tenantId = await createTenant(ctx.db, `static-${seq}`);
});

async function staticSegment(name = 'Captains list') {
  const { segment, needsRecompute } = await createSegment(ctx.db, { tenantId, name, type: 'STATIC', createdBy: 'test' });
  expect(needsRecompute).toBe(false);
  return segment.id;
}

describe('importStaticSegment', () => {
  it('matches member ids and emails and reports the rows that matched nothing', async () => {
    const [ann, bob, cara, merged] = await insertProfiles(ctx.db, tenantId, [
      { displayName: 'Ann', email: 'ann@club.co.za' },
      { displayName: 'Bob', email: 'bob@club.co.za' },
      { displayName: 'Cara', email: null },
      { displayName: 'Old Dan', email: 'dan@club.co.za', status: 'MERGED' },
    ]);
    await ctx.db.insert(profileIdentities).values([
      { tenantId, profileId: cara, kind: 'sclMemberId', value: '1042', source: 'scl', confidence: 100 },
      { tenantId, profileId: bob, kind: 'email', value: 'robert@home.net', source: 'scl', confidence: 95 },
      { tenantId, profileId: merged, kind: 'sclMemberId', value: '77', source: 'scl', confidence: 100 },
    ]);
    const other = await createTenant(ctx.db, `static-other-${seq}`);
    await insertProfiles(ctx.db, other, [{ email: 'eve@club.co.za' }]);
    const segmentId = await staticSegment();

    const csv = [
      'Member No;Email;Name',
      ';ANN@club.co.za ;Ann',
      ';robert@home.net;Bob by his alias',
      '001042;;Cara by member id',
      '77;dan@club.co.za;merged away',
      ';eve@club.co.za;another club',
      ';;',
      '999;nobody@x.io;nobody',
      ';ann@club.co.za;Ann again',
    ].join('\r\n');
    const report = await importStaticSegment(ctx.db, { tenantId, segmentId, csvText: csv, at: AT });

    expect(report).toEqual({
      matched: 4,
      added: 3,
      removed: 0,
      unmatched: [
        { row: 5, value: '77 / dan@club.co.za' },
        { row: 6, value: 'eve@club.co.za' },
        { row: 8, value: '999 / nobody@x.io' },
      ],
    });
    expect(await membersOf(ctx.db, segmentId)).toEqual([ann, bob, cara].sort());
    const emitted = await membershipOutbox(ctx.db, tenantId);
    expect(emitted.filter((e) => e.segmentId === segmentId && e.change === 'ENTERED')).toHaveLength(3);
  });

  it('replaces the member list when asked, recording the exits', async () => {
    const [ann, bob] = await insertProfiles(ctx.db, tenantId, [{ email: 'ann@club.co.za' }, { email: 'bob@club.co.za' }]);
    const segmentId = await staticSegment();
    await importStaticSegment(ctx.db, { tenantId, segmentId, csvText: 'ann@club.co.za\nbob@club.co.za\n', at: AT });
    const later = new Date(AT.getTime() + 1000);
    const report = await importStaticSegment(ctx.db, { tenantId, segmentId, csvText: 'email\nbob@club.co.za', replace: true, at: later });
    expect(report).toEqual({ matched: 1, added: 0, removed: 1, unmatched: [] });
    expect(await membersOf(ctx.db, segmentId)).toEqual([bob]);
    expect((await historyOf(ctx.db, segmentId)).at(-1)).toEqual({ profile_id: ann, change: 'EXITED', member_count: 1 });
  });

  it('refuses a dynamic segment and a foreign one', async () => {
    const { segment } = await createSegment(ctx.db, {
      tenantId,
      name: 'Rules',
      type: 'DYNAMIC',
      criteria: { combinator: 'AND', rules: [{ field: 'emailOptIn', operator: 'eq', value: true }] },
      createdBy: 'test',
    });
    await expect(importStaticSegment(ctx.db, { tenantId, segmentId: segment.id, csvText: 'a@b.co' })).rejects.toMatchObject({
      code: 'wrong_type',
    });
    const segmentId = await staticSegment();
    await expect(
      importStaticSegment(ctx.db, { tenantId: 'someone-else', segmentId, csvText: 'a@b.co' }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('hand-picked members', () => {
  it('adds and removes, ignoring ineligible and foreign profiles', async () => {
    const [ann, gone] = await insertProfiles(ctx.db, tenantId, [{ displayName: 'Ann' }, { status: 'DELETED' }]);
    const other = await createTenant(ctx.db, `static-x-${seq}`);
    const [foreign] = await insertProfiles(ctx.db, other, [{ displayName: 'Eve' }]);
    const segmentId = await staticSegment();

    const added = await addStaticMembers(ctx.db, { tenantId, segmentId, profileIds: [ann, gone, foreign, ann], at: AT });
    expect(added).toEqual({ added: 1, notFound: [gone, foreign] });
    expect(await addStaticMembers(ctx.db, { tenantId, segmentId, profileIds: [ann], at: AT })).toEqual({
      added: 0,
      notFound: [],
    });
    expect(await removeStaticMembers(ctx.db, { tenantId, segmentId, profileIds: [ann, foreign] })).toEqual({ removed: 1 });
    expect(await membersOf(ctx.db, segmentId)).toEqual([]);
    await expect(addStaticMembers(ctx.db, { tenantId, segmentId, profileIds: ['not-a-uuid'] })).rejects.toMatchObject({
      code: 'invalid_input',
    });
  });
});
