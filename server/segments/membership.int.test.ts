import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '@/test/harness';
import { outbox, profiles, segmentMembershipEvents, segmentMemberships, segments } from '../db/schema';
import { SegmentError } from './errors';
import {
  invalidateSegmentCache,
  leaveAllSegments,
  moveMembershipsOnMerge,
  refreshMemberCounts,
  updateMemberships,
} from './membership';
import { recomputeSegment, type RecomputeProgress } from './recompute';
import { addStaticMembers } from './static';
import { createSegment, deleteSegment, updateSegment } from './service';
import { ensureSystemSegments, SYSTEM_SEGMENTS } from './system';
import { createTenant, historyOf, insertProfiles, membersOf, membershipOutbox } from './test-fixtures';

let ctx: TestContext;
const NOW = new Date('2026-03-15T12:00:00.000Z');
/** Changes after the initial recompute, so history reads in order. */
const LATER = new Date(NOW.getTime() + 60_000);
let tenantSeq = 0;
let tenantId: string;

beforeAll(async () => {
  ctx = await createTestContext('segments_membership');
});
afterAll(async () => {
  await ctx?.cleanup();
});
beforeEach(async () => {
  tenantSeq += 1;
  tenantId = await createTenant(ctx.db, `club-${tenantSeq}`);
  invalidateSegmentCache();
});

async function dynamicSegment(name: string, criteria: unknown) {
  const { segment } = await createSegment(ctx.db, { tenantId, name, type: 'DYNAMIC', criteria, createdBy: 'test' });
  await recomputeSegment(ctx.appDb, { tenantId, segmentId: segment.id, now: NOW });
  return segment.id;
}

const optedIn = { combinator: 'AND', rules: [{ field: 'emailOptIn', operator: 'eq', value: true }] };

describe('consent opt-out', () => {
  it('removes the person from an "emailOptIn eq true" segment in the same commit and emits one EXITED', async () => {
    const [anna, ben] = await insertProfiles(ctx.db, tenantId, [
      { displayName: 'Anna', emailOptIn: true },
      { displayName: 'Ben', emailOptIn: true },
    ]);
    const segmentId = await dynamicSegment('Email subscribers', optedIn);
    expect(await membersOf(ctx.db, segmentId)).toEqual([anna, ben].sort());
    const before = (await membershipOutbox(ctx.db, tenantId)).length;

    const result = await ctx.db.transaction(async (tx) => {
      await tx.update(profiles).set({ emailOptIn: false }).where(eq(profiles.id, anna));
      const counts = await updateMemberships(tx, {
        tenantId,
        profileIds: [anna],
        touchedFields: ['emailOptIn'],
        at: LATER,
        correlationId: 'evt-optout-1',
      });
      // Inside the transaction the membership is already gone.
      const [{ n }] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(segmentMemberships)
        .where(and(eq(segmentMemberships.segmentId, segmentId), eq(segmentMemberships.profileId, anna)));
      expect(n).toBe(0);
      return counts;
    });

    expect(result).toEqual({ entered: 0, exited: 1 });
    expect(await membersOf(ctx.db, segmentId)).toEqual([ben]);
    const emitted = (await membershipOutbox(ctx.db, tenantId)).slice(before);
    expect(emitted).toEqual([
      { segmentId, profileId: anna, change: 'EXITED', memberCount: 1, correlationId: 'evt-optout-1' },
    ]);
    const history = await historyOf(ctx.db, segmentId);
    expect(history.at(-1)).toEqual({ profile_id: anna, change: 'EXITED', member_count: 1 });

    // The same event run again (a redelivery) changes and emits nothing more.
    const again = await ctx.db.transaction((tx) =>
      updateMemberships(tx, { tenantId, profileIds: [anna], touchedFields: ['emailOptIn'], at: NOW, correlationId: 'evt-optout-1' }),
    );
    expect(again).toEqual({ entered: 0, exited: 0 });
    expect((await membershipOutbox(ctx.db, tenantId)).slice(before)).toHaveLength(1);
  });

  it('leaves no trace when the event transaction rolls back', async () => {
    const [anna] = await insertProfiles(ctx.db, tenantId, [{ emailOptIn: true }]);
    const segmentId = await dynamicSegment('Email subscribers', optedIn);
    const outboxBefore = (await membershipOutbox(ctx.db, tenantId)).length;
    await expect(
      ctx.db.transaction(async (tx) => {
        await tx.update(profiles).set({ emailOptIn: false }).where(eq(profiles.id, anna));
        await updateMemberships(tx, { tenantId, profileIds: [anna], touchedFields: ['emailOptIn'], at: NOW, correlationId: 'evt-2' });
        throw new Error('a later pipeline step failed');
      }),
    ).rejects.toThrow('a later pipeline step failed');
    expect(await membersOf(ctx.db, segmentId)).toEqual([anna]);
    expect(await membershipOutbox(ctx.db, tenantId)).toHaveLength(outboxBefore);
  });
});

describe('updateMemberships', () => {
  it('evaluates only segments that read a touched field (status touches all)', async () => {
    const [p] = await insertProfiles(ctx.db, tenantId, [{ handicap: 20 }]);
    const segmentId = await dynamicSegment('Low handicap', {
      combinator: 'AND',
      rules: [{ field: 'handicap', operator: 'lt', value: 15 }],
    });
    await ctx.db.update(profiles).set({ handicap: 9 }).where(eq(profiles.id, p));
    const run = (touchedFields: string[] | 'all') =>
      ctx.db.transaction((tx) => updateMemberships(tx, { tenantId, profileIds: [p], touchedFields, at: NOW, correlationId: null }));

    expect(await run(['firstName', 'emailOptIn'])).toEqual({ entered: 0, exited: 0 });
    expect(await membersOf(ctx.db, segmentId)).toEqual([]);
    expect(await run(['handicap'])).toEqual({ entered: 1, exited: 0 });
    expect(await membersOf(ctx.db, segmentId)).toEqual([p]);

    await ctx.db.update(profiles).set({ status: 'DELETED' }).where(eq(profiles.id, p));
    expect(await run(['status'])).toEqual({ entered: 0, exited: 1 });
  });

  it('evaluates several segments and profiles in one call', async () => {
    const ids = await insertProfiles(ctx.db, tenantId, [
      { handicap: 5, emailOptIn: true },
      { handicap: 25, emailOptIn: true },
      { handicap: 5, emailOptIn: false },
    ]);
    const low = await dynamicSegment('Low', { combinator: 'AND', rules: [{ field: 'handicap', operator: 'lt', value: 10 }] });
    const subs = await dynamicSegment('Subs', optedIn);
    await ctx.db.update(profiles).set({ handicap: 30, emailOptIn: true }).where(eq(profiles.id, ids[0]));
    await ctx.db.update(profiles).set({ handicap: 2, emailOptIn: false }).where(eq(profiles.id, ids[1]));
    const counts = await ctx.db.transaction((tx) =>
      updateMemberships(tx, { tenantId, profileIds: ids, touchedFields: 'all', at: NOW, correlationId: 'evt-many' }),
    );
    expect(counts).toEqual({ entered: 1, exited: 2 });
    expect(await membersOf(ctx.db, low)).toEqual([ids[1], ids[2]].sort());
    expect(await membersOf(ctx.db, subs)).toEqual([ids[0]]);
  });

  it('counts withinLastDays back from `now`, not from the change time', async () => {
    const day = 86_400_000;
    const [p] = await insertProfiles(ctx.db, tenantId, [{ lastBookingAt: new Date(NOW.getTime() - 20 * day) }]);
    const segmentId = await dynamicSegment('Booked lately', {
      combinator: 'AND',
      rules: [{ field: 'lastBookingAt', operator: 'withinLastDays', value: 30 }],
    });
    expect(await membersOf(ctx.db, segmentId)).toEqual([p]);
    const later = new Date(NOW.getTime() + 15 * day);
    const counts = await ctx.db.transaction((tx) =>
      updateMemberships(tx, { tenantId, profileIds: [p], touchedFields: ['lastBookingAt'], at: NOW, now: later, correlationId: 'evt-late' }),
    );
    expect(counts).toEqual({ entered: 0, exited: 1 });
  });

  it("ignores another tenant's profiles", async () => {
    const other = await createTenant(ctx.db, `other-${tenantSeq}`);
    const [foreign] = await insertProfiles(ctx.db, other, [{ emailOptIn: true }]);
    const segmentId = await dynamicSegment('Subs', optedIn);
    const counts = await ctx.db.transaction((tx) =>
      updateMemberships(tx, { tenantId, profileIds: [foreign], touchedFields: 'all', at: NOW, correlationId: null }),
    );
    expect(counts).toEqual({ entered: 0, exited: 0 });
    expect(await membersOf(ctx.db, segmentId)).toEqual([]);
  });
});

describe('merge', () => {
  it('moves the loser out, keeps its hand-picked lists on the winner and counts nobody twice', async () => {
    const [winner, loser, other] = await insertProfiles(ctx.db, tenantId, [
      { displayName: 'Winner', emailOptIn: false, createdAt: new Date('2025-01-01T00:00:00Z') },
      { displayName: 'Loser', emailOptIn: true },
      { displayName: 'Other', emailOptIn: true },
    ]);
    const subs = await dynamicSegment('Subs', optedIn);
    const { segment: vip } = await createSegment(ctx.db, { tenantId, name: 'VIP list', type: 'STATIC', createdBy: 'test' });
    await addStaticMembers(ctx.db, { tenantId, segmentId: vip.id, profileIds: [loser, winner], at: NOW });
    expect(await membersOf(ctx.db, subs)).toEqual([loser, other].sort());

    // The identity resolver merges: the loser is marked MERGED and its opt-in carried to the winner.
    const counts = await ctx.db.transaction(async (tx) => {
      await tx.update(profiles).set({ status: 'MERGED', mergedIntoId: winner }).where(eq(profiles.id, loser));
      await tx.update(profiles).set({ emailOptIn: true }).where(eq(profiles.id, winner));
      return moveMembershipsOnMerge(tx, { tenantId, winnerId: winner, loserId: loser, at: NOW, correlationId: 'evt-merge' });
    });

    expect(counts).toEqual({ entered: 1, exited: 2 });
    expect(await membersOf(ctx.db, subs)).toEqual([winner, other].sort());
    expect(await membersOf(ctx.db, vip.id)).toEqual([winner]);
    const segmentsOfLoser = await ctx.db.select().from(segmentMemberships).where(eq(segmentMemberships.profileId, loser));
    expect(segmentsOfLoser).toEqual([]);

    // Every segment's count equals its distinct eligible members.
    await refreshMemberCounts(ctx.db, tenantId);
    const rows = await ctx.db.execute<{ id: string; member_count: number; distinct_members: number }>(sql`
      select s.id, s.member_count,
        (select count(distinct m.profile_id)::int from segment_memberships m join profiles p on p.id = m.profile_id
          where m.segment_id = s.id and p.status not in ('MERGED', 'DELETED')) as distinct_members
      from segments s where s.tenant_id = ${tenantId}`);
    for (const r of rows) expect(r.member_count).toBe(r.distinct_members);
    expect(rows.find((r) => r.id === subs)?.member_count).toBe(2);

    const emitted = (await membershipOutbox(ctx.db, tenantId)).filter((o) => o.correlationId === 'evt-merge');
    expect(emitted.map((o) => [o.segmentId, o.profileId, o.change]).sort()).toEqual(
      [
        [subs, loser, 'EXITED'],
        [vip.id, loser, 'EXITED'],
        [subs, winner, 'ENTERED'],
      ].sort(),
    );
  });

  it('can leave the winner to a later re-evaluation in the same transaction', async () => {
    const [winner, loser] = await insertProfiles(ctx.db, tenantId, [{ emailOptIn: false }, { emailOptIn: true }]);
    const subs = await dynamicSegment('Subs', optedIn);
    const counts = await ctx.db.transaction(async (tx) => {
      await tx.update(profiles).set({ status: 'MERGED', mergedIntoId: winner }).where(eq(profiles.id, loser));
      await tx.update(profiles).set({ emailOptIn: true }).where(eq(profiles.id, winner));
      const moved = await moveMembershipsOnMerge(tx, {
        tenantId,
        winnerId: winner,
        loserId: loser,
        at: LATER,
        correlationId: 'evt-merge-2',
        reevaluateWinner: false,
      });
      expect(moved).toEqual({ entered: 0, exited: 1 });
      return updateMemberships(tx, { tenantId, profileIds: [winner], touchedFields: 'all', at: LATER, correlationId: 'evt-merge-2' });
    });
    expect(counts).toEqual({ entered: 1, exited: 0 });
    expect(await membersOf(ctx.db, subs)).toEqual([winner]);
  });

  it('leaveAllSegments records an exit from each segment', async () => {
    const [p] = await insertProfiles(ctx.db, tenantId, [{ emailOptIn: true, handicap: 3 }]);
    const a = await dynamicSegment('A', optedIn);
    const b = await dynamicSegment('B', { combinator: 'AND', rules: [{ field: 'handicap', operator: 'lt', value: 5 }] });
    const result = await ctx.db.transaction((tx) =>
      leaveAllSegments(tx, { tenantId, profileId: p, at: LATER, correlationId: 'evt-erase' }),
    );
    expect(result).toEqual({ exited: 2 });
    expect((await historyOf(ctx.db, a)).at(-1)).toMatchObject({ profile_id: p, change: 'EXITED', member_count: 0 });
    expect((await historyOf(ctx.db, b)).at(-1)).toMatchObject({ profile_id: p, change: 'EXITED', member_count: 0 });
  });
});

describe('system segments', () => {
  it('creates the three once, also under concurrent calls, and refuses to delete them', async () => {
    const results = await Promise.all([1, 2, 3].map(() => ensureSystemSegments(ctx.db, tenantId)));
    expect(results.flatMap((r) => r.createdIds)).toHaveLength(3);
    const again = await ensureSystemSegments(ctx.db, tenantId);
    expect(again.createdIds).toEqual([]);
    expect(again.segments.map((s) => s.name)).toEqual(SYSTEM_SEGMENTS.map((s) => s.name));
    const rows = await ctx.db.select().from(segments).where(eq(segments.tenantId, tenantId));
    expect(rows).toHaveLength(3);
    expect(rows.every((s) => s.isSystem && s.type === 'DYNAMIC')).toBe(true);

    const attempt = deleteSegment(ctx.db, { tenantId, segmentId: rows[0].id });
    await expect(attempt).rejects.toBeInstanceOf(SegmentError);
    await expect(deleteSegment(ctx.db, { tenantId, segmentId: rows[0].id })).rejects.toMatchObject({
      code: 'system_segment',
    });
    await expect(updateSegment(ctx.db, { tenantId, segmentId: rows[0].id, name: 'Renamed' })).rejects.toMatchObject({
      code: 'system_segment',
    });
    await expect(
      createSegment(ctx.db, { tenantId, name: 'high-value members', type: 'STATIC', createdBy: 'x' }),
    ).rejects.toMatchObject({ code: 'name_taken' });
  });

  it('evaluates the system segments as §9 defines them', async () => {
    const [atRisk, golfer, highValue, none] = await insertProfiles(ctx.db, tenantId, [
      { churnRiskScore: 85, membershipStatus: 'ACTIVE' },
      { membershipStatus: 'ACTIVE', handicap: 9.4, bookingCount30d: 3 },
      { engagementScore: 75, membershipTier: 'Platinum', emailOptIn: true },
      { churnRiskScore: 85, membershipStatus: 'LAPSED', handicap: 9, bookingCount30d: 1, engagementScore: 90 },
    ]);
    const { segments: system } = await ensureSystemSegments(ctx.db, tenantId);
    for (const s of system) await recomputeSegment(ctx.appDb, { tenantId, segmentId: s.id, now: NOW });
    expect(await membersOf(ctx.db, system[0].id)).toEqual([atRisk]);
    expect(await membersOf(ctx.db, system[1].id)).toEqual([golfer]);
    expect(await membersOf(ctx.db, system[2].id)).toEqual([highValue]);
    expect(none).toBeDefined();
  });
});

describe('recomputeSegment', () => {
  it('recomputes in batches with progress, recording every enter and exit', async () => {
    const handicaps = Array.from({ length: 45 }, (_, i) => i);
    const ids = await insertProfiles(ctx.db, tenantId, handicaps.map((h) => ({ handicap: h })));
    const { segment } = await createSegment(ctx.db, {
      tenantId,
      name: 'Under 20',
      type: 'DYNAMIC',
      criteria: { combinator: 'AND', rules: [{ field: 'handicap', operator: 'lt', value: 20 }] },
      createdBy: 'test',
    });
    const progress: RecomputeProgress[] = [];
    const first = await recomputeSegment(ctx.appDb, {
      tenantId,
      segmentId: segment.id,
      now: NOW,
      batchSize: 10,
      onProgress: (p) => {
        progress.push(p);
      },
    });
    expect(first).toEqual({ entered: 20, exited: 0, memberCount: 20 });
    expect(progress.map((p) => p.percent)).toEqual([22, 44, 66, 88, 100]);

    const { needsRecompute } = await updateSegment(ctx.db, {
      tenantId,
      segmentId: segment.id,
      criteria: { combinator: 'AND', rules: [{ field: 'handicap', operator: 'lt', value: 10 }] },
    });
    expect(needsRecompute).toBe(true);
    const second = await recomputeSegment(ctx.appDb, { tenantId, segmentId: segment.id, now: NOW, batchSize: 10 });
    expect(second).toEqual({ entered: 0, exited: 10, memberCount: 10 });
    expect(await membersOf(ctx.db, segment.id)).toEqual(ids.slice(0, 10).sort());

    const [row] = await ctx.db.select().from(segments).where(eq(segments.id, segment.id));
    expect(row).toMatchObject({ recomputeStatus: 'IDLE', recomputeProgress: 100, memberCount: 10 });
    const history = await ctx.db
      .select({ change: segmentMembershipEvents.change })
      .from(segmentMembershipEvents)
      .where(eq(segmentMembershipEvents.segmentId, segment.id));
    expect(history.filter((h) => h.change === 'ENTERED')).toHaveLength(20);
    expect(history.filter((h) => h.change === 'EXITED')).toHaveLength(10);
    const [{ n }] = await ctx.db
      .select({ n: sql<number>`count(*)::int` })
      .from(outbox)
      .where(and(eq(outbox.tenantId, tenantId), sql`${outbox.envelope}->'payload'->>'segmentId' = ${segment.id}`));
    expect(n).toBe(30);

    // A run with nothing to change records nothing.
    expect(await recomputeSegment(ctx.appDb, { tenantId, segmentId: segment.id, now: NOW })).toEqual({
      entered: 0,
      exited: 0,
      memberCount: 10,
    });
  });

  it("treats another tenant's segment as not found", async () => {
    const segmentId = await dynamicSegment('Subs', optedIn);
    const other = await createTenant(ctx.db, `other-r-${tenantSeq}`);
    await expect(recomputeSegment(ctx.appDb, { tenantId: other, segmentId, now: NOW })).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});

describe('refreshMemberCounts', () => {
  it('writes only the counts that changed', async () => {
    await insertProfiles(ctx.db, tenantId, [{ emailOptIn: true }, { emailOptIn: true }]);
    const segmentId = await dynamicSegment('Subs', optedIn);
    await ctx.db.update(segments).set({ memberCount: 0 }).where(eq(segments.id, segmentId));
    expect(await refreshMemberCounts(ctx.db, tenantId)).toBe(1);
    expect(await refreshMemberCounts(ctx.db, tenantId)).toBe(0);
    const [row] = await ctx.db.select().from(segments).where(eq(segments.id, segmentId));
    expect(row.memberCount).toBe(2);
    expect(row.lastChangeAt?.toISOString()).toBe(NOW.toISOString());
  });
});
