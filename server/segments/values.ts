import type { Operator } from './fields';

/**
 * Date semantics shared by the SQL compiler and the in-memory evaluator, so both decide every boundary the same way.
 *
 * - A date-only value (`2026-01-31`) on a timestamp field means that whole UTC day: `eq` is "during that day",
 *   `gt` is "after that day", `lte` is "on or before that day".
 * - A date-time value (`2026-01-31T10:00:00Z`, offset required) is an exact instant.
 * - `withinLastDays n` is `date >= now - n days`; `notWithinLastDays n` is `date is null OR date < now - n days`
 *   ("hasn't booked in 60 days" includes people who never booked).
 */

export const DAY_MS = 86_400_000;
export const MAX_DAYS = 36_500;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/i;

export function isDateOnly(value: string): boolean {
  if (!DATE_ONLY.test(value)) return false;
  const at = new Date(`${value}T00:00:00Z`);
  // Rejects 2026-02-30, which Date would silently roll over.
  return !Number.isNaN(at.getTime()) && at.toISOString().startsWith(value);
}

export function isDateTime(value: string): boolean {
  return DATE_TIME.test(value) && !Number.isNaN(new Date(value).getTime());
}

/** One comparison of a column against a bound; a date rule becomes one or two of them. */
export type Comparison = '=' | '<>' | '>' | '>=' | '<' | '<=';
export interface Bound {
  cmp: Comparison;
  /** An instant for timestamp fields, a `YYYY-MM-DD` string for calendar-date fields. */
  at: Date | string;
}
/** `all`: every bound must hold; `any`: one is enough (`neq` on a whole day). */
export interface DateTest {
  join: 'all' | 'any';
  bounds: Bound[];
}

const SIMPLE: Partial<Record<Operator, Comparison>> = { eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' };

/** The bounds of a date comparison (eq … lte); `dateOnly` fields compare calendar days as strings. */
export function dateTest(operator: Operator, value: string, dateOnly: boolean): DateTest {
  const simple = SIMPLE[operator];
  if (!simple) throw new Error(`dateTest does not handle ${operator}`);
  if (dateOnly) return { join: 'all', bounds: [{ cmp: simple, at: value }] };
  if (!isDateOnly(value)) return { join: 'all', bounds: [{ cmp: simple, at: new Date(value) }] };
  const start = new Date(`${value}T00:00:00Z`);
  const end = new Date(start.getTime() + DAY_MS);
  switch (operator) {
    case 'eq':
      return { join: 'all', bounds: [{ cmp: '>=', at: start }, { cmp: '<', at: end }] };
    case 'neq':
      return { join: 'any', bounds: [{ cmp: '<', at: start }, { cmp: '>=', at: end }] };
    case 'gt':
      return { join: 'all', bounds: [{ cmp: '>=', at: end }] };
    case 'gte':
      return { join: 'all', bounds: [{ cmp: '>=', at: start }] };
    case 'lt':
      return { join: 'all', bounds: [{ cmp: '<', at: start }] };
    default:
      return { join: 'all', bounds: [{ cmp: '<', at: end }] };
  }
}

/** The cut-off instant of `withinLastDays` / `notWithinLastDays`. */
export function daysAgo(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS);
}
