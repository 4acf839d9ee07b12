import { describe, expect, it } from 'vitest';
import {
  dayKey,
  dayLabel,
  formatChange,
  formatCount,
  formatDateTime,
  formatDuration,
  formatPhone,
  formatRand,
  humanize,
  relativeTime,
  timeAxis,
} from './format';

describe('format', () => {
  it('labels a time axis by hour within a day and by day beyond, never the same label twice', () => {
    const at = Date.parse('2026-12-06T08:40:00Z');
    const hour = 3_600_000;
    const day = 24 * hour;
    const labels = (times: number[], tz: string) => {
      const axis = timeAxis(times, tz);
      return axis.ticks.map(axis.format);
    };
    expect(labels([at, at + 4 * hour], 'Africa/Johannesburg')).toEqual(['10:40', '11:40', '12:40', '13:40', '14:40']);
    // Across midnight in the club's time zone: days, each once.
    expect(labels([at, at + 14 * hour], 'UTC')).toEqual(['08:40', '12:10', '15:40', '19:10', '22:40']);
    expect(labels([at, at + 14 * hour], 'Africa/Johannesburg')).toEqual(['6 Dec', '7 Dec']);
    expect(labels([at, at + 47 * hour], 'UTC')).toEqual(['6 Dec', '7 Dec', '8 Dec']);
    expect(labels([at, at + 8 * day], 'UTC')).toEqual(['6 Dec', '8 Dec', '10 Dec', '12 Dec', '14 Dec']);
    expect(labels([at + 12 * hour, at + 90 * day], 'Pacific/Auckland')).toEqual(['7 Dec', '29 Dec', '21 Jan', '12 Feb', '6 Mar']);
    // An import's scores, written within a minute: one label, not five.
    expect(labels([at, at + 40_000, at + 20_000], 'UTC')).toEqual(['08:40']);
    expect(labels([at], 'UTC')).toEqual(['08:40']);
  });

  it('formats rand from cents', () => {
    expect(formatRand(45000)).toBe('R450.00');
    expect(formatRand(1234550)).toBe('R12,345.50');
    expect(formatRand(-500)).toBe('−R5.00');
    expect(formatRand(null)).toBe('—');
  });

  it('formats counts and relative times', () => {
    expect(formatCount(12345)).toBe('12,345');
    const now = new Date('2026-11-27T10:00:00Z');
    expect(relativeTime(new Date('2026-11-25T09:00:00Z'), now)).toBe('2 d ago');
    expect(relativeTime(new Date('2026-11-27T09:55:00Z'), now)).toBe('5 min ago');
    expect(relativeTime(new Date('2026-11-27T09:59:30Z'), now)).toBe('just now');
    expect(relativeTime(null, now)).toBe('never');
    expect(relativeTime(new Date('2026-11-30T10:00:00Z'), now)).toBe('in 3 d');
  });

  it('shows times in the club time zone and labels days', () => {
    const at = new Date('2026-11-26T22:30:00Z');
    expect(formatDateTime(at, 'Africa/Johannesburg')).toBe('27 Nov 2026, 00:30');
    expect(dayKey(at, 'Africa/Johannesburg')).toBe('2026-11-27');
    expect(dayKey(at, 'UTC')).toBe('2026-11-26');
    const now = new Date('2026-11-27T10:00:00Z');
    expect(dayLabel('2026-11-27', 'Africa/Johannesburg', now)).toBe('Today');
    expect(dayLabel('2026-11-26', 'Africa/Johannesburg', now)).toBe('Yesterday');
    expect(dayLabel('2026-11-23', 'Africa/Johannesburg', now)).toBe('Mon, 23 Nov 2026');
  });

  it('formats durations, names, phones and changes', () => {
    expect(formatDuration(95)).toBe('95 ms');
    expect(formatDuration(2400)).toBe('2.4 s');
    expect(formatDuration(200_000)).toBe('3 min 20 s');
    expect(humanize('ROUND_PLAYED')).toBe('Round played');
    expect(humanize('retries_exhausted')).toBe('Retries exhausted');
    expect(humanize('teetime.booking.created')).toBe('teetime.booking.created');
    expect(formatPhone('+27821234567')).toBe('+27 82 123 4567');
    expect(formatChange(12)).toBe('↑ 12');
    expect(formatChange(-5)).toBe('↓ 5');
    expect(formatChange(0)).toBe('no change');
  });
});
