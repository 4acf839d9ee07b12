import type { ScoreFactor } from '@/server/db/schema';
import { DAY_MS } from './facts';

/** A score: an integer 0–100, its level, and every factor behind it. */
export interface ScoreResult<L extends string> {
  score: number;
  level: L;
  factors: ScoreFactor[];
}

/**
 * The lowest score of each level, in the order of CHURN_LEVELS / ENGAGEMENT_LEVELS (lowest level first):
 * At Risk/Minimal < 20 ≤ Low < 40 ≤ Average/Moderate < 60 ≤ Good/High < 80 ≤ Excellent/Critical (§8).
 */
export const LEVEL_FLOORS = [0, 20, 40, 60, 80] as const;

export function levelOf<L extends string>(score: number, levels: readonly L[]): L {
  let index = 0;
  LEVEL_FLOORS.forEach((floor, i) => {
    if (score >= floor) index = i;
  });
  return levels[index];
}

/** Σ weight × sub-score / 100, rounded half up: the weights of one score add to 100, so the total is 0–100. */
export function weightedTotal(factors: ScoreFactor[]): number {
  const sum = factors.reduce((acc, f) => acc + f.weight * f.value, 0);
  return Math.min(100, Math.max(0, Math.round(sum / 100)));
}

/** The first band whose threshold the value reaches (bands sorted by threshold, highest first); 0 below them all. */
export function band(value: number, bands: readonly (readonly [threshold: number, score: number])[]): number {
  for (const [threshold, score] of bands) if (value >= threshold) return score;
  return 0;
}

/** The first band whose limit the value stays within (bands sorted by limit, lowest first); 0 beyond them all. */
export function bandAtMost(value: number, bands: readonly (readonly [limit: number, score: number])[]): number {
  for (const [limit, score] of bands) if (value <= limit) return score;
  return 0;
}

export interface Decline {
  /** Sub-score 0–100. */
  value: number;
  /** How far the recent count fell below the expected one, in whole percent (rounded down); null without a baseline. */
  dropPercent: number | null;
  /** Expected 30-day count from the baseline (baseline 90-day count / 3). */
  expected: number;
  /** No activity in either window, but some before: the earlier rate has run out and nothing replaced it. */
  lapsed: boolean;
}

/**
 * A person's own decline: the last 30 days against a third of the 90 days before them. A drop of 50 % or more
 * scores 100, smaller drops proportionally (rounded down, so only a true 50 % reaches 100). Without earlier activity
 * there is no decline; someone whose activity stopped so long ago that both windows are empty has lapsed (100).
 * Integer arithmetic throughout, so band edges are exact: with r recent and b baseline, drop = 1 − 3r/b.
 */
export function decline(recent: number, baseline: number, lastAt: Date | null): Decline {
  const expected = baseline / 3;
  if (baseline === 0) {
    const lapsed = recent === 0 && lastAt !== null;
    return { value: lapsed ? 100 : 0, dropPercent: null, expected, lapsed };
  }
  const dropPercent = Math.max(0, Math.floor((100 * baseline - 300 * recent) / baseline));
  // drop ≥ 50 % ⇔ 3r/b ≤ 1/2 ⇔ 6r ≤ b; below it the sub-score is drop / 50 % × 100 = (200b − 600r) / b.
  const value = 6 * recent <= baseline ? 100 : Math.max(0, Math.floor((200 * baseline - 600 * recent) / baseline));
  return { value, dropPercent, expected, lapsed: false };
}

// ---- Words ---------------------------------------------------------------------------------------------------

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Whole days, rounded up, so "7 days ago" means at most 7 × 24 h and matches the ≤ 7 d band. */
export function daysSince(at: Date, now: Date): number {
  return Math.max(0, Math.ceil((now.getTime() - at.getTime()) / DAY_MS));
}

export function ago(at: Date, now: Date): string {
  const days = daysSince(at, now);
  return days === 0 ? 'just now' : `${plural(days, 'day')} ago`;
}

/** 11 → "11", 4.333 → "4.3". */
export function decimal(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** part / whole in whole percent, rounded down (so "49 %" never shows a threshold it did not reach). */
export function percentOf(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.floor((100 * part) / whole);
}

// One formatter for every call: building an Intl formatter per call costs more than scoring a person.
const MONEY = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Cents as an amount with two decimals and thousands separators: 123456 → "1,234.56". */
export function money(cents: number): string {
  return MONEY.format(cents / 100);
}

/** ROUND_PLAYED → "round played". */
export function activityWords(type: string): string {
  return type.toLowerCase().replace(/_/g, ' ');
}

export function listWords(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
