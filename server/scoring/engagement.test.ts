import { afterEach, describe, expect, it, vi } from 'vitest';
import { ENGAGEMENT_LEVELS } from '@/server/db/schema';
import { levelOf, weightedTotal } from './curves';
import {
  breadthFactor,
  depthFactor,
  frequencyFactor,
  monetaryFactor,
  recencyFactor,
  scoreEngagement,
} from './engagement';
import { DAY_MS, emptyFacts, type ScoringFacts } from './facts';

const NOW = new Date('2026-06-15T12:00:00Z');
const before = (ms: number) => new Date(NOW.getTime() - ms);
const facts = (overrides: Partial<ScoringFacts> = {}): ScoringFacts => ({ ...emptyFacts(), ...overrides });

describe('recency (30 %)', () => {
  it.each([
    ['exactly 7 days', 7 * DAY_MS, 100],
    ['7 days and a minute', 7 * DAY_MS + 60_000, 80],
    ['8 days', 8 * DAY_MS, 80],
    ['14 days', 14 * DAY_MS, 80],
    ['15 days', 15 * DAY_MS, 60],
    ['30 days', 30 * DAY_MS, 60],
    ['31 days', 31 * DAY_MS, 40],
    ['60 days', 60 * DAY_MS, 40],
    ['61 days', 61 * DAY_MS, 20],
    ['90 days', 90 * DAY_MS, 20],
    ['91 days', 91 * DAY_MS, 0],
  ])('last engaged %s ago scores %i', (_label, elapsed, expected) => {
    expect(recencyFactor(facts({ lastEngagedAt: before(elapsed) }), NOW).value).toBe(expected);
  });

  it('explains the days (rounded up, matching the band) and what the activity was', () => {
    const factor = recencyFactor(facts({ lastEngagedAt: before(7 * DAY_MS + 60_000), lastEngagedType: 'ROUND_PLAYED' }), NOW);
    expect(factor).toEqual({ name: 'recency', weight: 30, value: 80, explanation: 'last engaged 8 days ago (round played)' });
  });

  it('scores 0 without any activity', () => {
    expect(recencyFactor(facts(), NOW)).toMatchObject({ value: 0, explanation: 'not engaged in the last 180 days' });
  });
});

describe('frequency (25 %)', () => {
  it.each([
    [0, 0],
    [1, 20],
    [2, 40],
    [4, 40],
    [5, 60],
    [9, 60],
    [10, 80],
    [19, 80],
    [20, 100],
  ])('%i activities in 30 days score %i', (n, expected) => {
    expect(frequencyFactor(facts({ engagedCount30d: n })).value).toBe(expected);
  });

  it('explains the count', () => {
    expect(frequencyFactor(facts({ engagedCount30d: 1 })).explanation).toBe('1 activity in the last 30 days');
    expect(frequencyFactor(facts({ engagedCount30d: 12 })).explanation).toBe('12 activities in the last 30 days');
  });
});

describe('monetary (20 %)', () => {
  it.each([
    [4_999, 0],
    [5_000, 20],
    [9_999, 20],
    [10_000, 40],
    [19_999, 40],
    [20_000, 60],
    [49_999, 60],
    [50_000, 80],
    [99_999, 80],
    [100_000, 100],
  ])('lifetime value of %i cents scores %i', (cents, expected) => {
    expect(monetaryFactor(facts({ lifetimeValueCents: cents })).value).toBe(expected);
  });

  it('explains the amount in currency units', () => {
    expect(monetaryFactor(facts({ lifetimeValueCents: 123_456 })).explanation).toBe('lifetime value 1,234.56');
  });
});

describe('breadth (15 %)', () => {
  it.each([
    [[], 0],
    [['teetime'], 40],
    [['scl', 'teetime'], 70],
    [['messaging', 'scl', 'teetime'], 100],
  ])('sources %j score %i', (sources, expected) => {
    expect(breadthFactor(facts({ sources90d: sources })).value).toBe(expected);
  });

  it('names the channels', () => {
    expect(breadthFactor(facts({ sources90d: ['scl', 'teetime'] })).explanation).toBe(
      'active through 2 channels in the last 90 days (membership and golf)',
    );
  });
});

describe('depth (10 %)', () => {
  it('is full at a 50 % open rate and a 20 % click rate', () => {
    expect(depthFactor(facts({ emailsReceived90d: 10, emailsOpened90d: 5, emailsClicked90d: 2 })).value).toBe(100);
  });

  it('is proportional below: 40 % opens give 48 of 60 points, 10 % clicks 20 of 40', () => {
    const factor = depthFactor(facts({ emailsReceived90d: 10, emailsOpened90d: 4, emailsClicked90d: 1 }));
    expect(factor.value).toBe(68);
    expect(factor.explanation).toBe('opened 4 of 10 emails (40 %) and clicked 1 (10 %) in the last 90 days');
  });

  it('just under the open edge stays under: 49 of 100 opened gives 58 points, not 60', () => {
    expect(depthFactor(facts({ emailsReceived90d: 100, emailsOpened90d: 49 })).value).toBe(58);
    expect(depthFactor(facts({ emailsReceived90d: 100, emailsOpened90d: 50 })).value).toBe(60);
  });

  it('counts opens of emails it never saw sent against the opens themselves', () => {
    expect(depthFactor(facts({ emailsReceived90d: 0, emailsOpened90d: 3 })).value).toBe(60);
  });

  it('is 0 without emails', () => {
    expect(depthFactor(facts())).toMatchObject({ value: 0, explanation: 'no emails in the last 90 days' });
  });
});

describe('engagement total and level', () => {
  it.each([
    [0, 'AT_RISK'],
    [19, 'AT_RISK'],
    [20, 'LOW'],
    [39, 'LOW'],
    [40, 'AVERAGE'],
    [59, 'AVERAGE'],
    [60, 'GOOD'],
    [79, 'GOOD'],
    [80, 'EXCELLENT'],
    [100, 'EXCELLENT'],
  ])('score %i is %s', (score, level) => {
    expect(levelOf(score, ENGAGEMENT_LEVELS)).toBe(level);
  });

  it('rounds the weighted sum half up', () => {
    const f = (weight: number, value: number) => ({ name: 'x', weight, value, explanation: '' });
    expect(weightedTotal([f(30, 65)])).toBe(20); // 19.5
    expect(weightedTotal([f(30, 64)])).toBe(19); // 19.2
  });

  it('weights the factors as §8 says', () => {
    const result = scoreEngagement(
      facts({
        lastEngagedAt: before(2 * DAY_MS), // 100 × 30 %
        engagedCount30d: 10, // 80 × 25 %
        lifetimeValueCents: 20_000, // 60 × 20 %
        sources90d: ['scl'], // 40 × 15 %
        emailsReceived90d: 10, // 0 × 10 %
      }),
      NOW,
    );
    expect(result.factors.map((f) => [f.name, f.weight, f.value])).toEqual([
      ['recency', 30, 100],
      ['frequency', 25, 80],
      ['monetary', 20, 60],
      ['breadth', 15, 40],
      ['depth', 10, 0],
    ]);
    expect(result.score).toBe(68); // 30 + 20 + 12 + 6
    expect(result.level).toBe('GOOD');
  });

  it('crosses into Excellent at exactly 80', () => {
    const base = { lastEngagedAt: before(DAY_MS), engagedCount30d: 20, lifetimeValueCents: 100_000 };
    // 30 + 25 + 20 = 75; breadth 2 channels (70 × 15 % = 10.5) → 85.5; 1 channel (6) → 81; none → 75
    expect(scoreEngagement(facts({ ...base, sources90d: [] }), NOW)).toMatchObject({ score: 75, level: 'GOOD' });
    expect(scoreEngagement(facts({ ...base, sources90d: ['teetime'] }), NOW)).toMatchObject({ score: 81, level: 'EXCELLENT' });
    // Depth 44 adds 4.4 points (79); depth 50 adds 5 and reaches exactly 80.
    const depth = { emailsReceived90d: 10, emailsOpened90d: 2, emailsClicked90d: 1 }; // 24 + 20 = 44
    expect(scoreEngagement(facts({ ...base, ...depth }), NOW)).toMatchObject({ score: 79, level: 'GOOD' });
    const depth50 = { emailsReceived90d: 20, emailsOpened90d: 5, emailsClicked90d: 2 }; // 30 + 20 = 50
    expect(scoreEngagement(facts({ ...base, ...depth50 }), NOW)).toMatchObject({ score: 80, level: 'EXCELLENT' });
  });
});

describe('purity', () => {
  afterEach(() => vi.useRealTimers());

  it('depends only on the facts and the instant passed, never on the clock', () => {
    const input = facts({ lastEngagedAt: before(10 * DAY_MS), engagedCount30d: 3, sources90d: ['teetime'] });
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    const first = scoreEngagement(input, NOW);
    vi.setSystemTime(new Date('2020-01-01T00:00:00Z'));
    expect(scoreEngagement(input, NOW)).toEqual(first);
  });
});
