import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { activities, outbox, profiles, profileScores, tenants } from '@/server/db/schema';
import type { OutboundEnvelope } from '@/server/outbound/catalog';
import { createTestContext, type TestContext } from '@/test/harness';
import { DAY_MS } from './facts';
import { rescoreProfiles } from './rescore';
import { activityRow } from './test-helpers';

const T = 'club-rescore';
const NOW = new Date('2026-06-15T02:00:00Z');
const ago = (days: number) => new Date(NOW.getTime() - days * DAY_MS);
const later = (days: number) => new Date(NOW.getTime() + days * DAY_MS);

let ctx: TestContext;
let n = 0;

/** A fresh profile whose history makes it Critical at NOW: golf and email stopped, a failed payment, a downgrade. */
async function criticalProfile(): Promise<string> {
  const id = `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
  await ctx.db.insert(profiles).values({ id, tenantId: T });
  const a = (type: string, at: Date, props: Record<string, unknown> = {}) => activityRow(T, id, type, at, props);
  await ctx.db.insert(activities).values([
    ...[40, 50, 60, 70, 80, 90].map((d, i) => a('ROUND_PLAYED', ago(d), { bookingId: `${id}-b${i}` })),
    ...[45, 55, 65].map((d) => a('EMAIL_OPENED', ago(d), { messageId: `${id}-m${d}` })),
    a('PAYMENT_FAILED', ago(3), { paymentId: `${id}-p1` }),
    a('TIER_CHANGED', ago(2), { downgrade: true }),
  ]);
  return id;
}

async function outboxFor(profileId: string): Promise<OutboundEnvelope[]> {
  const rows = await ctx.db.select().from(outbox).where(eq(outbox.tenantId, T));
  return rows
    .map((r) => r.envelope as OutboundEnvelope)
    .filter((e) => (e.payload as { profileId?: string; id?: string }).profileId === profileId || (e.payload as { id?: string }).id === profileId)
    .sort((x, y) => x.type.localeCompare(y.type));
}

function rescore(profileIds: string[], now: Date, correlationId = 'evt-1', emitProfileUpdated = true) {
  return ctx.db.transaction((tx) => rescoreProfiles(tx, { tenantId: T, profileIds, now, correlationId, emitProfileUpdated }));
}

beforeAll(async () => {
  ctx = await createTestContext('scoring_rescore');
  await ctx.db.insert(tenants).values({ id: T, name: 'Rescore GC' });
});

afterAll(async () => {
  await ctx?.cleanup();
});

describe('rescoreProfiles', () => {
  let id: string;
  beforeEach(async () => {
    id = await criticalProfile();
  });

  it('stores scores, counts and history, and announces a first score of 80+ as high risk without a level change', async () => {
    const changes = await rescore([id, id], NOW);
    const change = changes.get(id);
    expect(change?.churn).toMatchObject({ score: 80, level: 'CRITICAL', previousScore: null, previousLevel: null });
    expect(change?.changes).toMatchObject({ churnRiskScore: 80, churnRiskLevel: 'CRITICAL' });

    const [profile] = await ctx.db.select().from(profiles).where(eq(profiles.id, id));
    expect(profile).toMatchObject({
      churnRiskScore: 80,
      churnRiskLevel: 'CRITICAL',
      churnRiskScoreAt: NOW,
      engagementScore: change?.engagement.score,
      engagementLevel: change?.engagement.level,
      engagementScoreAt: NOW,
      activityCount30d: 2, // the failed payment and the downgrade (not engaging, but activity)
      activityCount90d: 10, // + 5 rounds (the one exactly 90 days ago is outside) and 3 opens
      bookingCount30d: 0,
    });

    const history = await ctx.db.select().from(profileScores).where(eq(profileScores.profileId, id));
    expect(history.map((h) => [h.kind, h.score, h.level]).sort()).toEqual(
      [
        ['CHURN', 80, 'CRITICAL'],
        ['ENGAGEMENT', change?.engagement.score, change?.engagement.level],
      ].sort(),
    );
    const churnRow = history.find((h) => h.kind === 'CHURN');
    expect(churnRow?.factors.map((f) => f.name)).toEqual([
      'activityDecline',
      'paymentIssues',
      'engagementDrop',
      'tierDowngrade',
      'complaints',
    ]);
    expect(churnRow?.factors[0].explanation).toBe(
      '0 rounds or bookings in the last 30 days vs 2 a month before (6 in the 90 days before) — down 100 %',
    );

    const events = await outboxFor(id);
    expect(events.map((e) => e.type)).toEqual(['crm.churn.risk.high', 'crm.profile.updated']);
    expect(events[0]).toMatchObject({
      source: 'crm',
      correlationId: 'evt-1',
      payload: { profileId: id, score: 80, previousScore: null, level: 'CRITICAL', scoredAt: NOW.toISOString() },
    });
    expect(events[1].payload).toMatchObject({ id, churnRiskScore: 80, churnRiskLevel: 'CRITICAL' });
    expect((events[1].payload as { changes: string[] }).changes).toEqual(
      expect.arrayContaining(['engagementScore', 'engagementLevel', 'churnRiskScore', 'churnRiskLevel']),
    );
  });

  it('changes nothing and announces nothing when rescored with the same facts at the same instant', async () => {
    await rescore([id], NOW);
    const before = { events: await outboxFor(id), history: await ctx.db.select().from(profileScores).where(eq(profileScores.profileId, id)) };
    const again = await rescore([id], NOW, 'evt-2');
    expect(again.size).toBe(0);
    expect(await outboxFor(id)).toHaveLength(before.events.length);
    expect(await ctx.db.select().from(profileScores).where(eq(profileScores.profileId, id))).toHaveLength(before.history.length);
  });

  it('dedupes the outbound events of a re-run of the same cause', async () => {
    // A batch that rolled back after writing leaves nothing; one that is replayed writes the same ids.
    await rescore([id], NOW);
    await ctx.db.update(profiles).set({ churnRiskScore: null, churnRiskLevel: null, engagementScore: null, engagementLevel: null }).where(eq(profiles.id, id));
    await rescore([id], NOW);
    const types = (await outboxFor(id)).map((e) => e.type);
    expect(types).toEqual(['crm.churn.risk.high', 'crm.profile.updated']);
  });

  it('emits a level change both ways, and high risk only when rising to 80 from below', async () => {
    await rescore([id], NOW); // 80 Critical: high risk #1
    // 88 days on the failed payment has aged out of its 90 days; golf and email have lapsed: 35 + 20 + 10 = 65.
    const down = await rescore([id], later(88), 'evt-down');
    expect(down.get(id)?.churn).toMatchObject({ previousLevel: 'CRITICAL', level: 'HIGH', score: 65 });
    // A new failed payment: 65 + 15 = 80, rising from below: high risk #2.
    await ctx.db.insert(activities).values(activityRow(T, id, 'PAYMENT_FAILED', later(88.9), { paymentId: `${id}-p2` }));
    const up = await rescore([id], later(89), 'evt-up');
    expect(up.get(id)?.churn).toMatchObject({ previousLevel: 'HIGH', level: 'CRITICAL', score: 80 });
    // A no-show raises it to 84 while it stays Critical: no new high risk, no level change.
    await ctx.db.insert(activities).values(activityRow(T, id, 'BOOKING_NO_SHOW', later(89.9), { bookingId: `${id}-ns` }));
    const stay = await rescore([id], later(90), 'evt-stay');
    expect(stay.get(id)?.churn).toMatchObject({ previousScore: 80, score: 84, level: 'CRITICAL' });

    const events = await outboxFor(id);
    const high = events.filter((e) => e.type === 'crm.churn.risk.high');
    expect(high.map((e) => e.correlationId).sort()).toEqual(['evt-1', 'evt-up']);
    const changed = events
      .filter((e) => e.type === 'crm.churn.risk.changed')
      .map((e) => e.payload as { previousLevel: string; level: string; scoredAt: string })
      .sort((x, y) => x.scoredAt.localeCompare(y.scoredAt));
    expect(changed.map((c) => [c.previousLevel, c.level])).toEqual([
      ['CRITICAL', 'HIGH'],
      ['HIGH', 'CRITICAL'],
    ]);
  });

  it('leaves crm.profile.updated to the caller when asked to', async () => {
    const changes = await rescore([id], NOW, 'evt-quiet', false);
    expect(changes.get(id)?.changes.churnRiskScore).toBe(80);
    expect((await outboxFor(id)).map((e) => e.type)).toEqual(['crm.churn.risk.high']);
  });

  it('never moves a score back in time, and skips merged and deleted profiles', async () => {
    await rescore([id], later(5));
    expect((await rescore([id], NOW)).size).toBe(0);
    const [profile] = await ctx.db.select().from(profiles).where(eq(profiles.id, id));
    expect(profile.churnRiskScoreAt).toEqual(later(5));

    const merged = await criticalProfile();
    await ctx.db.update(profiles).set({ status: 'MERGED' }).where(and(eq(profiles.id, merged), eq(profiles.tenantId, T)));
    expect((await rescore([merged], NOW)).size).toBe(0);
    const [untouched] = await ctx.db.select().from(profiles).where(eq(profiles.id, merged));
    expect(untouched.churnRiskScore).toBeNull();
  });

  it('ignores ids of another tenant', async () => {
    const changes = await ctx.db.transaction((tx) =>
      rescoreProfiles(tx, { tenantId: 'club-none', profileIds: [id], now: NOW, correlationId: 'x', emitProfileUpdated: true }),
    );
    expect(changes.size).toBe(0);
    const [profile] = await ctx.db.select().from(profiles).where(eq(profiles.id, id));
    expect(profile.churnRiskScore).toBeNull();
  });
});
