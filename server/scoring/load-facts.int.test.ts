import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activities, profiles, tenants } from '@/server/db/schema';
import { createTestContext, type TestContext } from '@/test/harness';
import { DAY_MS } from './facts';
import { loadScoringFacts, scoringFactsQuery } from './load-facts';
import { activityRow } from './test-helpers';

const T = 'club-facts';
const OTHER = 'club-elsewhere';
const P = '00000000-0000-4000-8000-00000000000a';
const OLD = '00000000-0000-4000-8000-00000000000b';
const FOREIGN = '00000000-0000-4000-8000-00000000000c';
const NOW = new Date('2026-06-15T12:00:00Z');
const ago = (days: number, extraMs = 0) => new Date(NOW.getTime() - days * DAY_MS + extraMs);

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext('scoring_facts');
  const { db } = ctx;
  await db.insert(tenants).values([
    { id: T, name: 'Facts GC' },
    { id: OTHER, name: 'Elsewhere GC' },
  ]);
  await db.insert(profiles).values([
    // The pipeline's lifetime value includes a payment recorded after NOW (7,000), which NOW must not see.
    { id: P, tenantId: T, lifetimeValue: 12_000 },
    {
      id: OLD,
      tenantId: T,
      lastActivityAt: ago(400),
      lastActivityType: 'ROUND_PLAYED',
      lastBookingAt: ago(400),
      lastEmailOpenAt: ago(300),
    },
    { id: FOREIGN, tenantId: OTHER },
  ]);
  const a = (type: string, at: Date, props: Record<string, unknown> = {}) => activityRow(T, P, type, at, props);
  await db.insert(activities).values([
    // Golf: a booking and its round share a booking id and count once; window edges are half-open (now − N d, now].
    a('TEETIME_BOOKED', ago(5), { bookingId: 'b1' }),
    a('ROUND_PLAYED', ago(3), { bookingId: 'b1' }),
    a('ROUND_PLAYED', ago(30, 1), { bookingId: 'b2' }), // just inside the 30 days
    a('ROUND_PLAYED', ago(30), { bookingId: 'b3' }), // exactly 30 days: baseline, not recent
    a('ROUND_PLAYED', ago(120, 1000), { bookingId: 'b4' }), // just inside the baseline
    a('ROUND_PLAYED', ago(120), { bookingId: 'b5' }), // exactly 120 days: outside
    a('ROUND_PLAYED', new Date(NOW.getTime() + 3_600_000), { bookingId: 'b6' }), // after now: does not exist yet
    // Email: 3 sent (and 2 of them also reported as campaigns), one opened twice, one clicked.
    a('MESSAGE_SENT', ago(10), { channel: 'EMAIL', messageId: 'm1' }),
    a('MESSAGE_SENT', ago(20), { channel: 'EMAIL', messageId: 'm2' }),
    a('MESSAGE_SENT', ago(40), { channel: 'EMAIL', messageId: 'm3' }),
    a('MESSAGE_SENT', ago(12), { channel: 'SMS', messageId: 's1' }),
    a('CAMPAIGN_RECEIVED', ago(10), { channel: 'EMAIL', campaignId: 'c1' }),
    a('CAMPAIGN_RECEIVED', ago(20), { channel: 'EMAIL', campaignId: 'c2' }),
    a('EMAIL_OPENED', ago(9), { messageId: 'm1' }),
    a('EMAIL_OPENED', ago(8), { messageId: 'm1' }),
    a('EMAIL_CLICKED', ago(8), { messageId: 'm1' }),
    a('EMAIL_OPENED', ago(100), { messageId: 'm0' }), // baseline engagement
    // Payments: a retried failure counts once; one outside 90 days does not count.
    a('PAYMENT_FAILED', ago(15), { paymentId: 'p1' }),
    a('PAYMENT_FAILED', ago(14), { paymentId: 'p1' }),
    a('PAYMENT_FAILED', ago(60), { paymentId: 'p2' }),
    a('PAYMENT_FAILED', ago(91), { paymentId: 'p3' }),
    a('PAYMENT_RECEIVED', ago(50), { paymentId: 'p4', amount: 5_000, invoiceId: 'inv-paid' }),
    a('PAYMENT_RECEIVED', new Date(NOW.getTime() + DAY_MS), { paymentId: 'p5', amount: 7_000 }),
    // Invoices: one paid by a later payment naming it, one overdue, one not yet due.
    a('INVOICE_SENT', ago(70), { invoiceId: 'inv-paid', dueDate: '2026-05-01' }),
    a('INVOICE_SENT', ago(45), { invoiceId: 'inv-late', dueDate: '2026-05-20' }),
    a('INVOICE_SENT', ago(2), { invoiceId: 'inv-open', dueDate: '2026-07-01' }),
    // Tier: a downgrade 100 days ago counts, one 181 days ago and an upgrade do not.
    a('TIER_CHANGED', ago(100), { downgrade: true }),
    a('TIER_CHANGED', ago(181), { downgrade: true }),
    a('TIER_CHANGED', ago(20), { downgrade: false }),
    // Complaints.
    a('BOOKING_NO_SHOW', ago(25), { bookingId: 'b7' }),
    a('BOOKING_CANCELLED', ago(24), { bookingId: 'b8', lateCancellation: true }),
    a('BOOKING_CANCELLED', ago(23), { bookingId: 'b9', lateCancellation: false }),
    a('MESSAGE_BOUNCED', ago(22), { channel: 'EMAIL', bounceType: 'hard' }),
    a('MESSAGE_BOUNCED', ago(21), { channel: 'EMAIL', bounceType: 'complaint' }),
    a('MESSAGE_BOUNCED', ago(19), { channel: 'EMAIL', bounceType: 'soft' }),
    a('CONSENT_OPTED_OUT', ago(6), { channel: 'SMS' }),
    // The latest engaging activity (an invoice sent after it is passive).
    a('SCORE_POSTED', ago(1), { gross: 82 }),
    a('INVOICE_SENT', ago(0, -1000), { invoiceId: 'inv-x', dueDate: '2026-08-01' }),
    // Another club's rows never count, its own person's…
    activityRow(OTHER, FOREIGN, 'ROUND_PLAYED', ago(2), { bookingId: 'x2' }),
  ]);
  // …nor one naming this profile id. The schema refuses such a row (migration 0014), so it is written with foreign keys
  // off (a superuser's replica role): the query keeps its own tenant wall whatever the table holds.
  await db.transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`);
    await tx.insert(activities).values(activityRow(OTHER, P, 'ROUND_PLAYED', ago(2), { bookingId: 'x1' }));
  });
});

afterAll(async () => {
  await ctx?.cleanup();
});

describe('loadScoringFacts', () => {
  it('counts every window as a true count relative to now', async () => {
    const facts = (await loadScoringFacts(ctx.db, { tenantId: T, profileIds: [P], now: NOW })).get(P);
    expect(facts).toBeDefined();
    expect(facts).toMatchObject({
      lastEngagedType: 'SCORE_POSTED',
      engagedCount30d: 7, // booked, played ×2, opened ×2, clicked, score posted
      golfCount30d: 2, // b1 (booked + played), b2
      golfCountBaseline: 2, // b3, b4
      emailsReceived90d: 3, // larger of 3 email messages and 2 campaigns
      emailsOpened90d: 1,
      emailsClicked90d: 1,
      emailEngagement30d: 3,
      emailEngagementBaseline: 1,
      optOuts90d: 1,
      failedPayments90d: 2,
      overdueInvoices: 1,
      tierDowngrades180d: 1,
      noShows90d: 1,
      lateCancellations90d: 1,
      hardBounces90d: 1,
      spamComplaints90d: 1,
      lifetimeValueCents: 5_000,
      sources90d: ['messaging', 'scl', 'teetime'], // opens, a payment (50 days ago), golf
    });
    expect(facts?.lastEngagedAt).toEqual(ago(1));
    expect(facts?.lastGolfAt).toEqual(ago(3));
    expect(facts?.lastEmailEngagementAt).toEqual(ago(8));
    expect(facts?.lastDowngradeAt).toEqual(ago(100));
    // Non-passive in 30 d: booked, played ×2, opened ×2, clicked, failed ×2, tier upgrade, no-show, cancelled ×2,
    // opt-out, score posted. Messages sent, bounces and invoices are passive.
    expect(facts?.activityCount30d).toBe(14);
  });

  it('sees older history through the profile columns, and only when they are not after now', async () => {
    const facts = await loadScoringFacts(ctx.db, { tenantId: T, profileIds: [OLD], now: NOW });
    expect(facts.get(OLD)).toMatchObject({
      lastEngagedAt: null,
      lastGolfAt: ago(400),
      lastEmailEngagementAt: ago(300),
      activityCount90d: 0,
    });
    const earlier = await loadScoringFacts(ctx.db, { tenantId: T, profileIds: [OLD], now: ago(500) });
    expect(earlier.get(OLD)).toMatchObject({ lastGolfAt: null, lastEmailEngagementAt: null });
  });

  it('never returns another tenant’s profile', async () => {
    const facts = await loadScoringFacts(ctx.db, { tenantId: T, profileIds: [P, FOREIGN], now: NOW });
    expect([...facts.keys()]).toEqual([P]);
  });

  it('reads activities through the timeline index', async () => {
    const plan = await ctx.db.transaction(async (tx) => {
      // The test tables are tiny; forbid the sequential scan the planner would rightly pick for them.
      await tx.execute(sql`set local enable_seqscan = off`);
      const rows = await tx.execute<{ 'QUERY PLAN': unknown }>(
        sql`explain (format json) ${scoringFactsQuery({ tenantId: T, profileIds: [P, OLD], now: NOW })}`,
      );
      return JSON.stringify(rows[0]['QUERY PLAN']);
    });
    expect(plan).toContain('activities_timeline_idx');
    // Payments after now are looked up per profile too: the partial index of payments is keyed by tenant alone, and
    // reading it scanned every payment of the club for every batch.
    expect(plan).not.toContain('activities_payment_id_idx');
  });
});
