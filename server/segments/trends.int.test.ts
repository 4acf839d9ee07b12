import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '@/test/harness';
import { createSegment } from './service';
import { addStaticMembers, removeStaticMembers } from './static';
import { createTenant, insertProfiles } from './test-fixtures';
import { segmentTrends } from './trends';

let ctx: TestContext;
const NOW = new Date('2026-03-15T12:00:00.000Z');
const daysAgo = (n: number, hour = 10) => new Date(Date.UTC(2026, 2, 15 - n, hour));

beforeAll(async () => {
  ctx = await createTestContext('segments_trends');
});
afterAll(async () => {
  await ctx?.cleanup();
});

async function staticSegment(tenantId: string, name: string) {
  const { segment } = await createSegment(ctx.db, { tenantId, name, type: 'STATIC', createdBy: null });
  return segment.id;
}

describe('segmentTrends', () => {
  it('works the daily size back from the live count and the recorded enters and exits', async () => {
    const tenantId = await createTenant(ctx.db, 'trend-a');
    const [a, b, c] = await insertProfiles(ctx.db, tenantId, [{ firstName: 'A' }, { firstName: 'B' }, { firstName: 'C' }]);
    const segmentId = await staticSegment(tenantId, 'Picked');
    const empty = await staticSegment(tenantId, 'Nobody');
    await addStaticMembers(ctx.db, { tenantId, segmentId, profileIds: [a!, b!], at: daysAgo(10) });
    await addStaticMembers(ctx.db, { tenantId, segmentId, profileIds: [c!], at: daysAgo(3) });
    await removeStaticMembers(ctx.db, { tenantId, segmentId, profileIds: [a!], at: daysAgo(1) });
    // The enters of ten days ago lie before the 7-day window: part of the count, not of any day's change.
    const trends = await segmentTrends(ctx.db, { tenantId, days: 7, timeZone: 'UTC', now: NOW });

    const trend = trends.get(segmentId)!;
    expect(trend.members).toBe(2);
    expect(trend.lastChangeAt).toEqual(daysAgo(1));
    expect(trend.days.map((d) => d.day)).toEqual([
      '2026-03-09',
      '2026-03-10',
      '2026-03-11',
      '2026-03-12',
      '2026-03-13',
      '2026-03-14',
      '2026-03-15',
    ]);
    expect(trend.days.map((d) => d.members)).toEqual([2, 2, 2, 3, 3, 2, 2]);
    expect(trend.days.find((d) => d.day === '2026-03-12')).toMatchObject({ entered: 1, exited: 0 });
    expect(trend.days.find((d) => d.day === '2026-03-14')).toMatchObject({ entered: 0, exited: 1 });

    expect(trends.get(empty)).toMatchObject({ members: 0, lastChangeAt: null });
    expect(trends.get(empty)!.days.every((d) => d.members === 0)).toBe(true);
  });

  it('buckets changes by the club’s calendar day and keeps to the tenant and the segments asked for', async () => {
    const tenantId = await createTenant(ctx.db, 'trend-b');
    const other = await createTenant(ctx.db, 'trend-c');
    const [p] = await insertProfiles(ctx.db, tenantId, [{ firstName: 'Late' }]);
    const segmentId = await staticSegment(tenantId, 'Late joiner');
    const second = await staticSegment(tenantId, 'Second');
    // 23:30 UTC on 13 March is already 14 March in Johannesburg (UTC+2).
    await addStaticMembers(ctx.db, { tenantId, segmentId, profileIds: [p!], at: new Date('2026-03-13T23:30:00Z') });

    const joburg = await segmentTrends(ctx.db, {
      tenantId,
      segmentIds: [segmentId],
      days: 3,
      timeZone: 'Africa/Johannesburg',
      now: NOW,
    });
    expect([...joburg.keys()]).toEqual([segmentId]);
    expect(joburg.get(segmentId)!.days).toEqual([
      { day: '2026-03-13', members: 0, entered: 0, exited: 0 },
      { day: '2026-03-14', members: 1, entered: 1, exited: 0 },
      { day: '2026-03-15', members: 1, entered: 0, exited: 0 },
    ]);
    const utc = await segmentTrends(ctx.db, { tenantId, days: 3, timeZone: 'UTC', now: NOW });
    expect(utc.get(segmentId)!.days[0]).toMatchObject({ day: '2026-03-13', members: 1, entered: 1 });
    expect(utc.has(second)).toBe(true);

    expect((await segmentTrends(ctx.db, { tenantId: other, days: 3, timeZone: 'UTC', now: NOW })).size).toBe(0);
    const foreign = await segmentTrends(ctx.db, { tenantId: other, segmentIds: [segmentId], timeZone: 'UTC', now: NOW });
    expect(foreign.size).toBe(0);
  });
});
