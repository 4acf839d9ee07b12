/** Time helpers for the generator. Times are epoch milliseconds until they are written into an event. */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** South Africa keeps UTC+2 all year (no daylight saving). */
const SAST_OFFSET = 2 * HOUR;

export function iso(at: number): string {
  return new Date(at).toISOString();
}

/** "2025-03-08T07:30:00+02:00": tee times are written in the club's wall-clock time, as TeeTime sends them. */
export function isoLocal(at: number): string {
  return `${new Date(at + SAST_OFFSET).toISOString().slice(0, 19)}+02:00`;
}

export function isoDate(at: number): string {
  return new Date(at + SAST_OFFSET).toISOString().slice(0, 10);
}

/** Midnight (SAST) of the day `at` falls on. */
export function startOfLocalDay(at: number): number {
  return Math.floor((at + SAST_OFFSET) / DAY) * DAY - SAST_OFFSET;
}

/** `at`'s local day at hh:mm SAST. */
export function atLocalTime(at: number, hour: number, minute = 0): number {
  return startOfLocalDay(at) + hour * HOUR + minute * MINUTE;
}

/** 0 = Sunday … 6 = Saturday, in SAST. */
export function localWeekday(at: number): number {
  return new Date(at + SAST_OFFSET).getUTCDay();
}

/** The first day of the month containing `at`, plus `months`, at 00:00 SAST. */
export function monthStart(at: number, months = 0): number {
  const local = new Date(at + SAST_OFFSET);
  return Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + months, 1) - SAST_OFFSET;
}

/** Day `day` (1-based) of the month starting at `start`, at 00:00 SAST. */
export function dayOfMonth(start: number, day: number): number {
  return start + (day - 1) * DAY;
}

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "March 2025" for the local month of `at`. */
export function monthLabel(at: number): string {
  const local = new Date(at + SAST_OFFSET);
  return `${MONTH_NAMES[local.getUTCMonth()]} ${local.getUTCFullYear()}`;
}

export function localMonthIndex(at: number): number {
  return new Date(at + SAST_OFFSET).getUTCMonth();
}

export function localYear(at: number): number {
  return new Date(at + SAST_OFFSET).getUTCFullYear();
}
