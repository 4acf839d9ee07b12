import { z } from 'zod';

/**
 * A date given as a request parameter. JavaScript dates reach ±275,760 years, PostgreSQL's timestamps stop in
 * 4713 BC and in ISO form at year 9999 on the way in: outside years 1–9999 a date is refused here (a 400) instead
 * of failing the query (a 500).
 */
export const dateParam = z.coerce
  .date()
  .refine((date) => isStorableDate(date), { message: 'must be a date between the years 1 and 9999' });

export function isStorableDate(date: Date): boolean {
  const year = date.getUTCFullYear();
  return !Number.isNaN(date.getTime()) && year >= 1 && year <= 9999;
}
