import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activities, outbox, profiles, profileScores, sweepRuns, tenants, type NewActivity } from '@/server/db/schema';
import type { OutboundEnvelope } from '@/server/outbound/catalog';
import { createTestContext, type TestContext } from '@/test/harness';
import { DAY_MS } from './facts';
import { runSweep } from './sweep';
import { activityRow } from './test-helpers';

let ctx: TestContext;
const HOUR = 3_600_000;
const utc = (iso: string) => new Date(`${iso}Z`);

beforeAll(async () => {
  ctx = await createTestContext('scoring_sweep');
});

afterAll(async () => {
  await ctx?.cleanup();
});

async function outboxOf(tenantId: string): Promise<OutboundEnvelope[]> {
  const rows = await ctx.db.select().from(outbox).where(eq(outbox.tenantId, tenantId));
  return rows.map((r) => r.envelope as OutboundEnvelope);
}

describe('the scripted member, swept every night at 02:00', () => {
  const T = 'club-script';
  const MEMBER = '10000000-0000-4000-8000-000000000001';
  const STEADY = '10000000-0000-4000-8000-000000000002';
  const MERGED = '10000000-0000-4000-8000-000000000003';
  const FOREIGN = '10000000-0000-4000-8000-000000000004';
  /** The member's last round: Monday 2 March 2026, 10:00. */
  const LAST_ROUND = utc('2026-03-02T10:00:00');
  const FAILED_PAYMENT = utc('2026-03-26T09:00:00');
  const DOWNGRADE = utc('2026-04-02T09:00:00');

  /** Weekly golf (booked at 07:00, played at 10:00) and a Monday newsletter opened at noon, from 1 Sep 2025. */
  function weeklyLife(tenantId: string, profileId: string, lastRound: Date, lastOpenBefore: Date): NewActivity[] {
    const rows: NewActivity[] = [];
    for (let week = 0; ; week++) {
      const monday = new Date(utc('2025-09-01T00:00:00').getTime() + week * 7 * DAY_MS);
      if (monday > utc('2026-04-30T00:00:00')) break;
      const round = new Date(monday.getTime() + 10 * HOUR);
      if (round <= lastRound) {
        rows.push(activityRow(tenantId, profileId, 'TEETIME_BOOKED', new Date(round.getTime() - 3 * HOUR), { bookingId: `${profileId}-${week}` }));
        rows.push(activityRow(tenantId, profileId, 'ROUND_PLAYED', round, { bookingId: `${profileId}-${week}` }));
      }
      const campaign = new Date(monday.getTime() + 8 * HOUR);
      rows.push(activityRow(tenantId, profileId, 'CAMPAIGN_RECEIVED', campaign, { channel: 'EMAIL', campaignId: `c${week}` }));
      if (campaign <= lastOpenBefore) {
        rows.push(activityRow(tenantId, profileId, 'EMAIL_OPENED', new Date(campaign.getTime() + 4 * HOUR), { campaignId: `c${week}` }));
      }
    }
    return rows;
  }

  beforeAll(async () => {
    await ctx.db.insert(tenants).values([
      { id: T, name: 'Script GC', timeZone: 'UTC' },
      { id: 'club-foreign', name: 'Foreign GC' },
    ]);
    await ctx.db.insert(profiles).values([
      { id: MEMBER, tenantId: T },
      { id: STEADY, tenantId: T },
      { id: MERGED, tenantId: T, status: 'MERGED', mergedIntoId: MEMBER },
      { id: FOREIGN, tenantId: 'club-foreign' },
    ]);
    await ctx.db.insert(activities).values([
      // Books weekly for six months, then stops after 2 March (and stops opening the newsletter with it).
      ...weeklyLife(T, MEMBER, LAST_ROUND, LAST_ROUND),
      activityRow(T, MEMBER, 'PAYMENT_FAILED', FAILED_PAYMENT, { paymentId: 'pay-1', amount: 95_000 }),
      activityRow(T, MEMBER, 'TIER_CHANGED', DOWNGRADE, { downgrade: true, previousTier: 'Gold', newTier: 'Social' }),
      // Keeps playing and reading throughout.
      ...weeklyLife(T, STEADY, utc('2026-04-30T00:00:00'), utc('2026-04-30T00:00:00')),
      ...weeklyLife(T, MERGED, LAST_ROUND, LAST_ROUND),
      ...weeklyLife('club-foreign', FOREIGN, LAST_ROUND, LAST_ROUND),
    ]);
  });

  it('crosses Low → Moderate → High → Critical on the expected nights, with exactly one high-risk event', async () => {
    const levels: [string, string | null][] = [];
    for (let night = utc('2026-02-26T02:00:00'); night <= utc('2026-04-10T02:00:00'); night = new Date(night.getTime() + DAY_MS)) {
      const result = await runSweep(ctx.appDb, { tenantId: T, asOf: night });
      expect(result).toMatchObject({ status: 'DONE', processed: 2, total: 2 }); // the merged profile is skipped
      const [member] = await ctx.db.select().from(profiles).where(eq(profiles.id, MEMBER));
      levels.push([night.toISOString().slice(0, 10), member.churnRiskLevel]);
    }
    const transitions = levels.filter(([, level], i) => i === 0 || level !== levels[i - 1][1]);
    expect(transitions).toEqual([
      ['2026-02-26', 'MINIMAL'], // weekly golf and opens: no decline
      // 10 nights after the last round the last 30 days hold 3 rounds vs 13 in the 90 days before (4.3 expected):
      // down 30 % → 61 × 35 % for golf and the same for email opens (× 20 %) → 34.
      ['2026-03-12', 'LOW'],
      // Two rounds and two opens left in the window: both drops pass 50 % → 35 + 20 = 55.
      ['2026-03-19', 'MODERATE'],
      // The failed payment (26 March, 09:00) is first seen by the next night's sweep: + 60 × 25 % = 70.
      ['2026-03-27', 'HIGH'],
      // The downgrade (2 April, 09:00): + 10 = 80.
      ['2026-04-03', 'CRITICAL'],
    ]);

    const events = await outboxOf(T);
    const memberEvents = events.filter((e) => (e.payload as { profileId?: string }).profileId === MEMBER);
    const high = memberEvents.filter((e) => e.type === 'crm.churn.risk.high');
    expect(high).toHaveLength(1);
    expect(high[0].payload).toMatchObject({
      score: 80,
      previousScore: 70,
      level: 'CRITICAL',
      scoredAt: '2026-04-03T02:00:00.000Z',
    });
    expect((high[0].payload as { factors: { name: string; value: number }[] }).factors.map((f) => [f.name, f.value])).toEqual([
      ['activityDecline', 100],
      ['paymentIssues', 60],
      ['engagementDrop', 100],
      ['tierDowngrade', 100],
      ['complaints', 0],
    ]);
    const changed = memberEvents
      .filter((e) => e.type === 'crm.churn.risk.changed')
      .map((e) => e.payload as { previousLevel: string; level: string; scoredAt: string })
      .sort((x, y) => x.scoredAt.localeCompare(y.scoredAt));
    expect(changed.map((c) => [c.scoredAt.slice(0, 10), c.previousLevel, c.level])).toEqual([
      ['2026-03-12', 'MINIMAL', 'LOW'],
      ['2026-03-19', 'LOW', 'MODERATE'],
      ['2026-03-27', 'MODERATE', 'HIGH'],
      ['2026-04-03', 'HIGH', 'CRITICAL'],
    ]);

    // The steady member never changes level; nobody else is touched.
    expect(events.filter((e) => e.type !== 'crm.profile.updated' && JSON.stringify(e.payload).includes(STEADY))).toEqual([]);
    const [merged] = await ctx.db.select().from(profiles).where(eq(profiles.id, MERGED));
    const [foreign] = await ctx.db.select().from(profiles).where(eq(profiles.id, FOREIGN));
    expect([merged.churnRiskScore, foreign.churnRiskScore]).toEqual([null, null]);

    // History holds a churn row per change, ending at the Critical score with its explanation.
    const history = await ctx.db
      .select()
      .from(profileScores)
      .where(and(eq(profileScores.profileId, MEMBER), eq(profileScores.kind, 'CHURN')))
      .orderBy(asc(profileScores.scoredAt));
    expect(history.at(-1)).toMatchObject({ score: 80, level: 'CRITICAL', scoredAt: utc('2026-04-03T02:00:00') });
    expect(history.at(-1)?.factors.find((f) => f.name === 'tierDowngrade')?.explanation).toBe('tier downgraded 1 day ago');
  });
});

describe('sweep progress, crash and resume', () => {
  const T = 'club-resume';
  const AS_OF = utc('2026-05-01T02:00:00');
  const ids = Array.from({ length: 25 }, (_, i) => `20000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`);

  beforeAll(async () => {
    await ctx.db.insert(tenants).values({ id: T, name: 'Resume GC' });
    await ctx.db.insert(profiles).values(ids.map((id) => ({ id, tenantId: T })));
    await ctx.db
      .insert(activities)
      .values(ids.map((id, i) => activityRow(T, id, 'ROUND_PLAYED', new Date(AS_OF.getTime() - (i + 1) * DAY_MS), { bookingId: id })));
  });

  const historyAt = (asOf: Date) =>
    ctx.db.select().from(profileScores).where(and(eq(profileScores.tenantId, T), eq(profileScores.scoredAt, asOf)));
  const historyCount = async (asOf: Date) => (await historyAt(asOf)).length;
  /** (profile, kind) pairs with more than one history row at asOf: a profile scored twice. */
  const scoredTwice = async (asOf: Date) => {
    const keys = (await historyAt(asOf)).map((r) => `${r.profileId}|${r.kind}`);
    return keys.length - new Set(keys).size;
  };
  /** Profiles whose current churn score is the one computed at asOf. */
  const scoredAt = async (asOf: Date) => {
    const rows = await ctx.db.select().from(profiles).where(eq(profiles.tenantId, T));
    return rows.filter((p) => p.churnRiskScoreAt?.getTime() === asOf.getTime()).length;
  };
  const runRow = async (asOf: Date) =>
    (await ctx.db.select().from(sweepRuns).where(and(eq(sweepRuns.tenantId, T), eq(sweepRuns.asOf, asOf))))[0];

  it('resumes a crashed sweep after its last committed batch, scoring each profile once', async () => {
    let batches = 0;
    const crash = runSweep(ctx.appDb, {
      tenantId: T,
      asOf: AS_OF,
      batchSize: 10,
      lanes: 1,
      afterBatch: async () => {
        if (++batches === 2) throw new Error('worker died mid-batch');
      },
    });
    await expect(crash).rejects.toThrow('worker died mid-batch');
    expect(await runRow(AS_OF)).toMatchObject({ status: 'FAILED', processed: 10, total: 25, cursor: ids[9] });
    expect(await historyCount(AS_OF)).toBe(20); // 10 profiles × (engagement + churn); batch 2 rolled back

    const progress: number[] = [];
    const resumed = await runSweep(ctx.appDb, {
      tenantId: T,
      asOf: AS_OF,
      batchSize: 10,
      lanes: 1,
      onProgress: (p) => void progress.push(p.processed),
    });
    expect(resumed).toMatchObject({ status: 'DONE', processed: 25, total: 25, changed: 15 });
    expect(progress).toEqual([20, 25]);
    expect(await runRow(AS_OF)).toMatchObject({ status: 'DONE', processed: 25, cursor: ids[24] });
    expect(await historyCount(AS_OF)).toBe(50);
    const updated = (await outboxOf(T)).filter((e) => e.type === 'crm.profile.updated');
    expect(updated).toHaveLength(25);
    expect(new Set(updated.map((e) => e.correlationId)).size).toBe(1);
  });

  it('never moves the cursor past an earlier batch that failed while a later one committed', async () => {
    const asOf = new Date(AS_OF.getTime() + 20 * DAY_MS);
    let laterCommitted: () => void = () => {};
    const later = new Promise<void>((resolve) => (laterCommitted = resolve));
    const crash = runSweep(ctx.appDb, {
      tenantId: T,
      asOf,
      batchSize: 5,
      lanes: 2,
      afterBatch: async (_tx, { changes }) => {
        // The first batch (ids 1–5) waits until the other lane has committed a later batch, then dies.
        if (changes.has(ids[0])) {
          await later;
          throw new Error('first batch died');
        }
      },
      onProgress: () => laterCommitted(),
    });
    await expect(crash).rejects.toThrow('first batch died');
    expect(await runRow(asOf)).toMatchObject({ status: 'FAILED', processed: 0, cursor: null });
    expect(await historyCount(asOf)).toBeGreaterThanOrEqual(10); // at least one later batch committed

    const resumed = await runSweep(ctx.appDb, { tenantId: T, asOf, batchSize: 5, lanes: 2 });
    expect(resumed).toMatchObject({ status: 'DONE', processed: 25 });
    expect(await scoredAt(asOf)).toBe(25);
    expect(await scoredTwice(asOf)).toBe(0); // the redone batches found nothing changed and wrote nothing
  });

  it('does nothing when a finished sweep is run again', async () => {
    const again = await runSweep(ctx.appDb, { tenantId: T, asOf: AS_OF, batchSize: 10 });
    expect(again).toMatchObject({ status: 'DONE', processed: 25, changed: 0 });
    expect(await historyCount(AS_OF)).toBe(50);
  });

  it('stops between batches when aborted and picks up from the cursor', async () => {
    const asOf = new Date(AS_OF.getTime() + 40 * DAY_MS); // far enough for every score to move
    const abort = new AbortController();
    const first = await runSweep(ctx.appDb, {
      tenantId: T,
      asOf,
      batchSize: 10,
      lanes: 1,
      signal: abort.signal,
      onProgress: () => abort.abort(),
    });
    expect(first).toMatchObject({ status: 'INTERRUPTED', processed: 10 });
    expect(await runRow(asOf)).toMatchObject({ status: 'RUNNING', processed: 10 });
    const rest = await runSweep(ctx.appDb, { tenantId: T, asOf, batchSize: 10 });
    expect(rest).toMatchObject({ status: 'DONE', processed: 25 });
  });

  it('lets a second runner of the same sweep repeat work harmlessly: no profile is scored twice', async () => {
    const asOf = new Date(AS_OF.getTime() + 80 * DAY_MS);
    const [a, b] = await Promise.all([
      runSweep(ctx.appDb, { tenantId: T, asOf, batchSize: 5 }),
      runSweep(ctx.appDb, { tenantId: T, asOf, batchSize: 5 }),
    ]);
    expect([a.status, b.status]).toEqual(['DONE', 'DONE']);
    expect(a.changed + b.changed).toBe(25);
    expect(await runRow(asOf)).toMatchObject({ status: 'DONE', processed: 25 });
    expect(await scoredAt(asOf)).toBe(25);
    expect(await scoredTwice(asOf)).toBe(0);
  });
});
