import { ENGAGEMENT_LEVELS, type EngagementLevel, type ScoreFactor } from '@/server/db/schema';
import {
  activityWords,
  ago,
  band,
  bandAtMost,
  daysSince,
  levelOf,
  listWords,
  money,
  percentOf,
  plural,
  weightedTotal,
  type ScoreResult,
} from './curves';
import type { ScoringFacts } from './facts';

/** §8 weights, in percent. */
export const ENGAGEMENT_WEIGHTS = { recency: 30, frequency: 25, monetary: 20, breadth: 15, depth: 10 } as const;

/** Days since the last engaging activity (whole days, rounded up) → sub-score (≤ 7 d 100, ≤ 14 80, ≤ 30 60, ≤ 60 40, ≤ 90 20). */
const RECENCY_BANDS = [
  [7, 100],
  [14, 80],
  [30, 60],
  [60, 40],
  [90, 20],
] as const;
/** Engaging activities in 30 days → sub-score. */
const FREQUENCY_BANDS = [
  [20, 100],
  [10, 80],
  [5, 60],
  [2, 40],
  [1, 20],
] as const;
/** Lifetime value in cents → sub-score. */
const MONETARY_BANDS = [
  [100_000, 100],
  [50_000, 80],
  [20_000, 60],
  [10_000, 40],
  [5_000, 20],
] as const;
/** Distinct sources engaged through in 90 days → sub-score (the first one matters most). */
const BREADTH_BANDS = [
  [3, 100],
  [2, 70],
  [1, 40],
] as const;
/** Depth: an open rate of 50 % earns its full 60 points, a click rate of 20 % its full 40. */
const DEPTH_OPEN = { points: 60, fullAtPercent: 50 } as const;
const DEPTH_CLICK = { points: 40, fullAtPercent: 20 } as const;

const SOURCE_WORDS: Record<string, string> = { scl: 'membership', teetime: 'golf', messaging: 'messages' };

export function recencyFactor(facts: ScoringFacts, now: Date): ScoreFactor {
  const weight = ENGAGEMENT_WEIGHTS.recency;
  if (!facts.lastEngagedAt) return { name: 'recency', weight, value: 0, explanation: 'not engaged in the last 180 days' };
  // Band on whole days rounded up: 7 d exactly is "≤ 7 d", 7 d and a minute is 8 days.
  const value = bandAtMost(daysSince(facts.lastEngagedAt, now), RECENCY_BANDS);
  const what = facts.lastEngagedType ? ` (${activityWords(facts.lastEngagedType)})` : '';
  return { name: 'recency', weight, value, explanation: `last engaged ${ago(facts.lastEngagedAt, now)}${what}` };
}

export function frequencyFactor(facts: ScoringFacts): ScoreFactor {
  const n = facts.engagedCount30d;
  return {
    name: 'frequency',
    weight: ENGAGEMENT_WEIGHTS.frequency,
    value: band(n, FREQUENCY_BANDS),
    explanation: `${plural(n, 'activity', 'activities')} in the last 30 days`,
  };
}

export function monetaryFactor(facts: ScoringFacts): ScoreFactor {
  return {
    name: 'monetary',
    weight: ENGAGEMENT_WEIGHTS.monetary,
    value: band(facts.lifetimeValueCents, MONETARY_BANDS),
    explanation: `lifetime value ${money(facts.lifetimeValueCents)}`,
  };
}

export function breadthFactor(facts: ScoringFacts): ScoreFactor {
  const sources = facts.sources90d;
  const words = sources.map((s) => SOURCE_WORDS[s] ?? s);
  return {
    name: 'breadth',
    weight: ENGAGEMENT_WEIGHTS.breadth,
    value: band(sources.length, BREADTH_BANDS),
    explanation:
      sources.length === 0
        ? 'no activity through any channel in the last 90 days'
        : `active through ${plural(sources.length, 'channel')} in the last 90 days (${listWords(words)})`,
  };
}

export function depthFactor(facts: ScoringFacts): ScoreFactor {
  const weight = ENGAGEMENT_WEIGHTS.depth;
  const opened = facts.emailsOpened90d;
  const clicked = facts.emailsClicked90d;
  // Opens of emails we never saw sent still show the person reads them: the denominator is at least the opens.
  const received = Math.max(facts.emailsReceived90d, opened, clicked);
  if (received === 0) return { name: 'depth', weight, value: 0, explanation: 'no emails in the last 90 days' };
  const openPoints = Math.min(DEPTH_OPEN.points * received, (DEPTH_OPEN.points * 100 * opened) / DEPTH_OPEN.fullAtPercent);
  const clickPoints = Math.min(
    DEPTH_CLICK.points * received,
    (DEPTH_CLICK.points * 100 * clicked) / DEPTH_CLICK.fullAtPercent,
  );
  const value = Math.floor((openPoints + clickPoints) / received);
  return {
    name: 'depth',
    weight,
    value,
    explanation:
      `opened ${opened} of ${plural(received, 'email')} (${percentOf(opened, received)} %) and clicked ` +
      `${clicked} (${percentOf(clicked, received)} %) in the last 90 days`,
  };
}

/** Engagement 0–100 (§8): recency 30 %, frequency 25 %, monetary 20 %, breadth 15 %, depth 10 %. */
export function scoreEngagement(facts: ScoringFacts, now: Date): ScoreResult<EngagementLevel> {
  const factors = [
    recencyFactor(facts, now),
    frequencyFactor(facts),
    monetaryFactor(facts),
    breadthFactor(facts),
    depthFactor(facts),
  ];
  const score = weightedTotal(factors);
  return { score, level: levelOf(score, ENGAGEMENT_LEVELS), factors };
}
