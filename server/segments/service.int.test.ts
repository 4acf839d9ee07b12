import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '@/test/harness';
import { SegmentError } from './errors';
import { segmentMembersCsv } from './export';
import { recomputeSegment } from './recompute';
import {
  countSegment,
  createSegment,
  deleteSegment,
  getSegment,
  listMembershipHistory,
  listProfileSegments,
  listSegmentMembers,
  listSegments,
  previewSegment,
  streamSegmentMembers,
  updateSegment,
} from './service';
import { createTenant, insertProfiles } from './test-fixtures';

let ctx: TestContext;
let tenantId: string;
let seq = 0;
const NOW = new Date('2026-03-15T12:00:00.000Z');
const lowHandicap = { combinator: 'AND', rules: [{ field: 'handicap', operator: 'lt', value: 15 }] };

beforeAll(async () => {
  ctx = await createTestContext('segments_service');
});
afterAll(async () => {
  await ctx?.cleanup();
});
beforeEach(async () => {
  seq += 1;
  tenantId = await createTenant(ctx.db, `svc-${seq}`);
});

describe('segment definitions', () => {
  it('creates a dynamic segment with its fields, and refuses invalid criteria naming the rule', async () => {
    const { segment, needsRecompute } = await createSegment(ctx.db, {
      tenantId,
      name: '  Low handicappers ',
      description: 'Under 15',
      type: 'DYNAMIC',
      criteria: lowHandicap,
      createdBy: 'staff-1',
    });
    expect(needsRecompute).toBe(true);
    expect(segment).toMatchObject({ name: 'Low handicappers', fields: ['handicap'], isSystem: false });

    const bad = createSegment(ctx.db, {
      tenantId,
      name: 'Bad',
      type: 'DYNAMIC',
      criteria: { combinator: 'AND', rules: [{ field: 'handicap', operator: 'lt', value: 'abc' }] },
      createdBy: null,
    });
    await expect(bad).rejects.toBeInstanceOf(SegmentError);
    await expect(bad).rejects.toMatchObject({
      code: 'invalid_criteria',
      errors: [{ path: 'rules.0.value', message: 'Rule 1 (handicap lt "abc"): handicap needs a number' }],
    });
    await expect(
      createSegment(ctx.db, { tenantId, name: 'low HANDICAPPERS', type: 'STATIC', createdBy: null }),
    ).rejects.toMatchObject({ code: 'name_taken' });
    await expect(
      createSegment(ctx.db, { tenantId, name: 'List', type: 'STATIC', criteria: lowHandicap, createdBy: null }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('says whether an update needs a recompute', async () => {
    const { segment } = await createSegment(ctx.db, { tenantId, name: 'S', type: 'DYNAMIC', criteria: lowHandicap, createdBy: null });
    expect((await updateSegment(ctx.db, { tenantId, segmentId: segment.id, description: 'new words' })).needsRecompute).toBe(false);
    expect((await updateSegment(ctx.db, { tenantId, segmentId: segment.id, criteria: lowHandicap })).needsRecompute).toBe(false);
    const changed = await updateSegment(ctx.db, {
      tenantId,
      segmentId: segment.id,
      name: 'S2',
      criteria: { combinator: 'OR', rules: [{ field: 'handicap', operator: 'lt', value: 10 }, { field: 'smsOptIn', operator: 'eq', value: true }] },
    });
    expect(changed.needsRecompute).toBe(true);
    expect(changed.segment).toMatchObject({ name: 'S2', fields: ['handicap', 'smsOptIn'] });
  });

  it("answers not found for another tenant's segment and for a malformed id", async () => {
    const { segment } = await createSegment(ctx.db, { tenantId, name: 'Mine', type: 'STATIC', createdBy: null });
    const other = await createTenant(ctx.db, `svc-other-${seq}`);
    for (const call of [
      () => getSegment(ctx.db, { tenantId: other, segmentId: segment.id }),
      () => countSegment(ctx.db, { tenantId: other, segmentId: segment.id }),
      () => deleteSegment(ctx.db, { tenantId: other, segmentId: segment.id }),
      () => updateSegment(ctx.db, { tenantId: other, segmentId: segment.id, name: 'Theirs' }),
      () => getSegment(ctx.db, { tenantId, segmentId: 'nope' }),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: 'not_found' });
    }
    expect(await listSegments(ctx.db, { tenantId: other })).toEqual([]);
    await deleteSegment(ctx.db, { tenantId, segmentId: segment.id });
    expect(await listSegments(ctx.db, { tenantId })).toEqual([]);
  });
});

describe('reading members', () => {
  it('previews, counts, pages, streams and exports the members', async () => {
    await insertProfiles(ctx.db, tenantId, [
      { displayName: 'Ann', email: 'ann@club.co.za', handicap: 4, membershipTier: 'Gold', lastActivityAt: NOW },
      { displayName: '=cmd', email: 'x@club.co.za', handicap: 12 },
      { displayName: 'High', handicap: 20 },
      { displayName: 'Merged', handicap: 1, status: 'MERGED' },
    ]);
    const preview = await previewSegment(ctx.db, { tenantId, criteria: lowHandicap, now: NOW, sampleSize: 1 });
    expect(preview).toEqual({
      count: 2,
      sample: [{ id: expect.any(String), displayName: 'Ann', email: 'ann@club.co.za', membershipTier: 'Gold', handicap: 4 }],
    });
    await expect(
      previewSegment(ctx.db, { tenantId, criteria: { combinator: 'AND', rules: [] }, now: NOW }),
    ).rejects.toMatchObject({ code: 'invalid_criteria' });

    const { segment } = await createSegment(ctx.db, { tenantId, name: 'Low', type: 'DYNAMIC', criteria: lowHandicap, createdBy: null });
    await recomputeSegment(ctx.appDb, { tenantId, segmentId: segment.id, now: NOW });
    expect(await countSegment(ctx.db, { tenantId, segmentId: segment.id })).toBe(2);

    const pageOne = await listSegmentMembers(ctx.db, { tenantId, segmentId: segment.id, take: 1 });
    expect(pageOne.total).toBe(2);
    expect(pageOne.rows).toHaveLength(1);

    const streamed = [];
    for await (const row of streamSegmentMembers(ctx.appDb, { tenantId, segmentId: segment.id, batchSize: 1 })) streamed.push(row);
    expect(streamed.map((r) => r.displayName).sort()).toEqual(['=cmd', 'Ann']);

    const csv = await text(segmentMembersCsv(ctx.appDb, { tenantId, segmentId: segment.id }));
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe(
      'profile_id,display_name,first_name,last_name,email,phone_number,membership_status,membership_tier,handicap,engagement_score,churn_risk_score,joined_at',
    );
    expect(lines).toHaveLength(3);
    expect(csv).toContain(",'=cmd,");

    const foreign = segmentMembersCsv(ctx.appDb, { tenantId: 'someone-else', segmentId: segment.id });
    await expect(text(foreign)).rejects.toMatchObject({ code: 'not_found' });

    const ann = streamed.find((r) => r.displayName === 'Ann')!;
    expect(await listProfileSegments(ctx.db, { tenantId, profileId: ann.id })).toMatchObject([{ id: segment.id, name: 'Low' }]);
    const history = await listMembershipHistory(ctx.db, { tenantId, profileId: ann.id });
    expect(history).toMatchObject({ total: 1, rows: [{ segmentId: segment.id, segmentName: 'Low', change: 'ENTERED' }] });
  });
});
