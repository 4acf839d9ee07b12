import { CHURN_LEVELS, type ChurnLevel, type ScoreFactor } from '@/server/db/schema';
import { ago, band, decimal, decline, levelOf, listWords, plural, weightedTotal, type ScoreResult } from './curves';
import type { ScoringFacts } from './facts';

/** §8 weights, in percent. */
export const CHURN_WEIGHTS = {
  activityDecline: 35,
  paymentIssues: 25,
  engagementDrop: 20,
  tierDowngrade: 10,
  complaints: 10,
} as const;

/** Failed payments + overdue invoices → sub-score: one is already a strong signal, three is certain. */
const PAYMENT_BANDS = [
  [3, 100],
  [2, 80],
  [1, 60],
] as const;
/** An opt-out in 90 days is half an engagement drop on its own (the person asked to hear less). */
const OPT_OUT_VALUE = 50;
/** Points per incident in 90 days, capped at 100: a spam complaint alone is full weight. */
const COMPLAINT_POINTS = { spamComplaint: 100, hardBounce: 50, noShow: 40, lateCancellation: 20 } as const;

export function activityDeclineFactor(facts: ScoringFacts, now: Date): ScoreFactor {
  const d = decline(facts.golfCount30d, facts.golfCountBaseline, facts.lastGolfAt);
  return {
    name: 'activityDecline',
    weight: CHURN_WEIGHTS.activityDecline,
    value: d.value,
    explanation: declineWords(d, {
      recent: facts.golfCount30d,
      baseline: facts.golfCountBaseline,
      lastAt: facts.lastGolfAt,
      what: ['round or booking', 'rounds or bookings'],
      now,
    }),
  };
}

export function paymentIssuesFactor(facts: ScoringFacts): ScoreFactor {
  const failed = facts.failedPayments90d;
  const overdue = facts.overdueInvoices;
  const explanation =
    failed + overdue === 0
      ? 'no failed payments in the last 90 days and no overdue invoices'
      : `${plural(failed, 'failed payment')} in the last 90 days and ${plural(overdue, 'overdue invoice')}`;
  return {
    name: 'paymentIssues',
    weight: CHURN_WEIGHTS.paymentIssues,
    value: band(failed + overdue, PAYMENT_BANDS),
    explanation,
  };
}

export function engagementDropFactor(facts: ScoringFacts, now: Date): ScoreFactor {
  const d = decline(facts.emailEngagement30d, facts.emailEngagementBaseline, facts.lastEmailEngagementAt);
  let explanation = declineWords(d, {
    recent: facts.emailEngagement30d,
    baseline: facts.emailEngagementBaseline,
    lastAt: facts.lastEmailEngagementAt,
    what: ['email open or click', 'email opens or clicks'],
    now,
  });
  if (facts.optOuts90d > 0) explanation += `; opted out of messages ${plural(facts.optOuts90d, 'time')} in the last 90 days`;
  return {
    name: 'engagementDrop',
    weight: CHURN_WEIGHTS.engagementDrop,
    value: Math.max(d.value, facts.optOuts90d > 0 ? OPT_OUT_VALUE : 0),
    explanation,
  };
}

export function tierDowngradeFactor(facts: ScoringFacts, now: Date): ScoreFactor {
  const n = facts.tierDowngrades180d;
  const last = facts.lastDowngradeAt;
  let explanation = 'no tier downgrade in the last 180 days';
  if (n > 0) {
    explanation = last ? `tier downgraded ${ago(last, now)}` : 'tier downgraded in the last 180 days';
    if (n > 1) explanation += ` (${n} downgrades in 180 days)`;
  }
  return { name: 'tierDowngrade', weight: CHURN_WEIGHTS.tierDowngrade, value: n > 0 ? 100 : 0, explanation };
}

export function complaintsFactor(facts: ScoringFacts): ScoreFactor {
  const counts = [
    [facts.spamComplaints90d, COMPLAINT_POINTS.spamComplaint, 'spam complaint'],
    [facts.hardBounces90d, COMPLAINT_POINTS.hardBounce, 'hard bounce'],
    [facts.noShows90d, COMPLAINT_POINTS.noShow, 'no-show'],
    [facts.lateCancellations90d, COMPLAINT_POINTS.lateCancellation, 'late cancellation'],
  ] as const;
  let points = 0;
  const seen: string[] = [];
  for (const [n, each, word] of counts) {
    points += n * each;
    if (n > 0) seen.push(plural(n, word));
  }
  return {
    name: 'complaints',
    weight: CHURN_WEIGHTS.complaints,
    value: Math.min(100, points),
    explanation:
      seen.length === 0
        ? 'no no-shows, late cancellations, spam complaints or hard bounces in the last 90 days'
        : `${listWords(seen)} in the last 90 days`,
  };
}

/**
 * Churn risk 0–100 (§8): activity decline 35 %, payment issues 25 %, engagement drop 20 %, tier downgrade 10 %,
 * complaints 10 %.
 */
export function scoreChurn(facts: ScoringFacts, now: Date): ScoreResult<ChurnLevel> {
  const factors = [
    activityDeclineFactor(facts, now),
    paymentIssuesFactor(facts),
    engagementDropFactor(facts, now),
    tierDowngradeFactor(facts, now),
    complaintsFactor(facts),
  ];
  const score = weightedTotal(factors);
  return { score, level: levelOf(score, CHURN_LEVELS), factors };
}

function declineWords(
  d: ReturnType<typeof decline>,
  c: { recent: number; baseline: number; lastAt: Date | null; what: [one: string, many: string]; now: Date },
): string {
  const [one, many] = c.what;
  if (d.lapsed && c.lastAt) return `no ${many} in the last 120 days; the last was ${ago(c.lastAt, c.now)}`;
  if (c.baseline === 0) {
    return c.recent === 0
      ? `no ${many} on record`
      : `${plural(c.recent, one, many)} in the last 30 days and none in the 90 days before — no earlier rate to fall from`;
  }
  const trend = d.dropPercent ? `down ${d.dropPercent} %` : 'no decline';
  return (
    `${plural(c.recent, one, many)} in the last 30 days vs ${decimal(d.expected)} a month before ` +
    `(${c.baseline} in the 90 days before) — ${trend}`
  );
}
