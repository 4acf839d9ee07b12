import { describe, expect, it } from 'vitest';
import { CHURN_LEVELS } from '@/server/db/schema';
import {
  activityDeclineFactor,
  complaintsFactor,
  engagementDropFactor,
  paymentIssuesFactor,
  scoreChurn,
  tierDowngradeFactor,
} from './churn';
import { decline, levelOf } from './curves';
import { DAY_MS, emptyFacts, type ScoringFacts } from './facts';

const NOW = new Date('2026-06-15T12:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY_MS);
const facts = (overrides: Partial<ScoringFacts> = {}): ScoringFacts => ({ ...emptyFacts(), ...overrides });

describe('decline curve', () => {
  it('a 50 % drop is full weight, 49 % is proportional (98)', () => {
    // Baseline 300 in 90 days → 100 expected in 30.
    expect(decline(50, 300, daysAgo(1))).toMatchObject({ value: 100, dropPercent: 50, expected: 100 });
    expect(decline(51, 300, daysAgo(1))).toMatchObject({ value: 98, dropPercent: 49 });
  });

  it('is exact at small counts: 1 against 2 expected is a 50 % drop', () => {
    expect(decline(1, 6, daysAgo(1))).toMatchObject({ value: 100, dropPercent: 50 });
    expect(decline(2, 6, daysAgo(1))).toMatchObject({ value: 0, dropPercent: 0 });
  });

  it('never goes below 0 when activity rises', () => {
    expect(decline(20, 30, daysAgo(1))).toMatchObject({ value: 0, dropPercent: 0 });
  });

  it('has no decline without earlier activity', () => {
    expect(decline(3, 0, daysAgo(1))).toMatchObject({ value: 0, dropPercent: null, lapsed: false });
    expect(decline(0, 0, null)).toMatchObject({ value: 0, lapsed: false });
  });

  it('counts earlier activity followed by nothing as a full drop, also once the baseline has run out', () => {
    expect(decline(0, 9, daysAgo(40))).toMatchObject({ value: 100, dropPercent: 100 });
    expect(decline(0, 0, daysAgo(150))).toMatchObject({ value: 100, lapsed: true });
  });
});

describe('activity decline (35 %)', () => {
  it('compares the last 30 days with a third of the 90 days before, in words', () => {
    const factor = activityDeclineFactor(facts({ golfCount30d: 3, golfCountBaseline: 33, lastGolfAt: daysAgo(2) }), NOW);
    expect(factor).toEqual({
      name: 'activityDecline',
      weight: 35,
      value: 100,
      explanation: '3 rounds or bookings in the last 30 days vs 11 a month before (33 in the 90 days before) — down 72 %',
    });
  });

  it('explains a small drop with a fractional expected rate', () => {
    const factor = activityDeclineFactor(facts({ golfCount30d: 3, golfCountBaseline: 13, lastGolfAt: daysAgo(2) }), NOW);
    expect(factor.value).toBe(61); // drop 30.7 % → 61
    expect(factor.explanation).toBe(
      '3 rounds or bookings in the last 30 days vs 4.3 a month before (13 in the 90 days before) — down 30 %',
    );
  });

  it('says when there is no decline', () => {
    const factor = activityDeclineFactor(facts({ golfCount30d: 5, golfCountBaseline: 12, lastGolfAt: daysAgo(2) }), NOW);
    expect(factor).toMatchObject({ value: 0 });
    expect(factor.explanation).toMatch(/— no decline$/);
  });

  it('explains a lapsed golfer', () => {
    const factor = activityDeclineFactor(facts({ lastGolfAt: daysAgo(150) }), NOW);
    expect(factor).toMatchObject({
      value: 100,
      explanation: 'no rounds or bookings in the last 120 days; the last was 150 days ago',
    });
  });

  it('explains a new golfer and someone who never played', () => {
    expect(activityDeclineFactor(facts({ golfCount30d: 1, lastGolfAt: daysAgo(3) }), NOW)).toMatchObject({
      value: 0,
      explanation: '1 round or booking in the last 30 days and none in the 90 days before — no earlier rate to fall from',
    });
    expect(activityDeclineFactor(facts(), NOW)).toMatchObject({ value: 0, explanation: 'no rounds or bookings on record' });
  });
});

describe('payment issues (25 %)', () => {
  it.each([
    [0, 0, 0],
    [1, 0, 60],
    [0, 1, 60],
    [1, 1, 80],
    [2, 0, 80],
    [2, 1, 100],
    [5, 0, 100],
  ])('%i failed payments and %i overdue invoices score %i', (failed, overdue, expected) => {
    expect(paymentIssuesFactor(facts({ failedPayments90d: failed, overdueInvoices: overdue })).value).toBe(expected);
  });

  it('explains the counts', () => {
    expect(paymentIssuesFactor(facts({ failedPayments90d: 2 })).explanation).toBe(
      '2 failed payments in the last 90 days and 0 overdue invoices',
    );
    expect(paymentIssuesFactor(facts()).explanation).toBe('no failed payments in the last 90 days and no overdue invoices');
  });
});

describe('engagement drop (20 %)', () => {
  it('uses the decline curve on email opens and clicks', () => {
    const factor = engagementDropFactor(
      facts({ emailEngagement30d: 0, emailEngagementBaseline: 13, lastEmailEngagementAt: daysAgo(31) }),
      NOW,
    );
    expect(factor).toEqual({
      name: 'engagementDrop',
      weight: 20,
      value: 100,
      explanation: '0 email opens or clicks in the last 30 days vs 4.3 a month before (13 in the 90 days before) — down 100 %',
    });
  });

  it('counts an opt-out as at least half a drop', () => {
    const factor = engagementDropFactor(facts({ optOuts90d: 1 }), NOW);
    expect(factor.value).toBe(50);
    expect(factor.explanation).toBe('no email opens or clicks on record; opted out of messages 1 time in the last 90 days');
    const both = engagementDropFactor(facts({ emailEngagementBaseline: 12, optOuts90d: 1, lastEmailEngagementAt: daysAgo(40) }), NOW);
    expect(both.value).toBe(100);
  });
});

describe('tier downgrade (10 %)', () => {
  it('is full weight for a downgrade in 180 days', () => {
    expect(tierDowngradeFactor(facts({ tierDowngrades180d: 1, lastDowngradeAt: daysAgo(12) }), NOW)).toEqual({
      name: 'tierDowngrade',
      weight: 10,
      value: 100,
      explanation: 'tier downgraded 12 days ago',
    });
    expect(tierDowngradeFactor(facts(), NOW)).toMatchObject({ value: 0, explanation: 'no tier downgrade in the last 180 days' });
  });
});

describe('complaints (10 %)', () => {
  it.each([
    [{ spamComplaints90d: 1 }, 100],
    [{ hardBounces90d: 1 }, 50],
    [{ noShows90d: 1 }, 40],
    [{ lateCancellations90d: 1 }, 20],
    [{ noShows90d: 1, lateCancellations90d: 1 }, 60],
    [{ noShows90d: 2, hardBounces90d: 1 }, 100],
    [{}, 0],
  ])('%j scores %i', (counts, expected) => {
    expect(complaintsFactor(facts(counts)).value).toBe(expected);
  });

  it('lists what happened', () => {
    expect(complaintsFactor(facts({ noShows90d: 2, hardBounces90d: 1 })).explanation).toBe(
      '1 hard bounce and 2 no-shows in the last 90 days',
    );
  });
});

describe('churn total and level', () => {
  it.each([
    [0, 'MINIMAL'],
    [19, 'MINIMAL'],
    [20, 'LOW'],
    [39, 'LOW'],
    [40, 'MODERATE'],
    [59, 'MODERATE'],
    [60, 'HIGH'],
    [79, 'HIGH'],
    [80, 'CRITICAL'],
    [100, 'CRITICAL'],
  ])('score %i is %s', (score, level) => {
    expect(levelOf(score, CHURN_LEVELS)).toBe(level);
  });

  it('adds up the scripted member: stopped golf → Low, stopped reading → Moderate, failed payment → High, downgrade → Critical', () => {
    const stoppedGolf = { golfCount30d: 0, golfCountBaseline: 26, lastGolfAt: daysAgo(31) };
    const stoppedEmail = { emailEngagementBaseline: 13, lastEmailEngagementAt: daysAgo(31) };
    expect(scoreChurn(facts(stoppedGolf), NOW)).toMatchObject({ score: 35, level: 'LOW' });
    expect(scoreChurn(facts({ ...stoppedGolf, ...stoppedEmail }), NOW)).toMatchObject({ score: 55, level: 'MODERATE' });
    const failed = { ...stoppedGolf, ...stoppedEmail, failedPayments90d: 1 };
    expect(scoreChurn(facts(failed), NOW)).toMatchObject({ score: 70, level: 'HIGH' });
    expect(scoreChurn(facts({ ...failed, tierDowngrades180d: 1, lastDowngradeAt: daysAgo(1) }), NOW)).toMatchObject({
      score: 80,
      level: 'CRITICAL',
    });
  });

  it('a 49 % golf drop keeps that member High (79), a 50 % drop makes them Critical (80)', () => {
    const rest = {
      emailEngagementBaseline: 13,
      lastEmailEngagementAt: daysAgo(31),
      failedPayments90d: 1,
      tierDowngrades180d: 1,
      lastDowngradeAt: daysAgo(1),
      lastGolfAt: daysAgo(1),
    };
    expect(scoreChurn(facts({ ...rest, golfCount30d: 51, golfCountBaseline: 300 }), NOW)).toMatchObject({
      score: 79, // 98 × 35 % = 34.3 + 20 + 15 + 10
      level: 'HIGH',
    });
    expect(scoreChurn(facts({ ...rest, golfCount30d: 50, golfCountBaseline: 300 }), NOW)).toMatchObject({
      score: 80,
      level: 'CRITICAL',
    });
  });

  it('lists every factor with its weight, and the weights add to 100', () => {
    const { factors } = scoreChurn(facts(), NOW);
    expect(factors.map((f) => [f.name, f.weight])).toEqual([
      ['activityDecline', 35],
      ['paymentIssues', 25],
      ['engagementDrop', 20],
      ['tierDowngrade', 10],
      ['complaints', 10],
    ]);
    expect(factors.reduce((sum, f) => sum + f.weight, 0)).toBe(100);
  });
});
