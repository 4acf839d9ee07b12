import { describe, expect, it } from 'vitest';
import { maintenanceFor, RESAMPLE_STILL_TABLE_MS, type TableActivity } from './maintenance';

/** A table this process analyzed a minute ago at its present size. */
const table = (t: Partial<TableActivity> & { live: number }): TableActivity => ({
  table: 't',
  dead: 0,
  modifiedSinceAnalyze: 0,
  liveAtLastAnalyze: t.live,
  msSinceAnalyze: 60_000,
  ...t,
});

describe('maintenanceFor', () => {
  it('vacuums past 1,000 + 20 % dead row versions, analyzes past 1,000 + 50 % changes, otherwise leaves the table alone', () => {
    const grown = { liveAtLastAnalyze: 2_000 };
    expect(maintenanceFor(table({ live: 6_000, dead: 2_201 }))).toBe('vacuum');
    expect(maintenanceFor(table({ live: 6_000, dead: 2_201, modifiedSinceAnalyze: 4_000, ...grown }))).toBe('vacuum');
    expect(maintenanceFor(table({ live: 6_000, dead: 2_201, modifiedSinceAnalyze: 4_001, ...grown }))).toBe('vacuum analyze');
    expect(maintenanceFor(table({ live: 6_000, dead: 2_200, ...grown }))).toBeNull();
    expect(maintenanceFor(table({ live: 150_000, modifiedSinceAnalyze: 76_001, liveAtLastAnalyze: 73_999 }))).toBe('analyze');
    expect(maintenanceFor(table({ live: 150_000, modifiedSinceAnalyze: 76_000, liveAtLastAnalyze: 74_000 }))).toBeNull();
    expect(maintenanceFor(table({ live: 1, dead: 3, modifiedSinceAnalyze: 4 }))).toBeNull();
  });

  it('analyzes a table whose rows change at a steady size at most every ten minutes', () => {
    // profiles under live traffic: every row rewritten many times over, the count barely moving.
    const busy = { live: 40_000, modifiedSinceAnalyze: 300_000 };
    expect(maintenanceFor(table({ ...busy, liveAtLastAnalyze: 39_000 }))).toBeNull();
    expect(maintenanceFor(table({ ...busy, liveAtLastAnalyze: 39_000, msSinceAnalyze: RESAMPLE_STILL_TABLE_MS }))).toBe('analyze');
    // A size moved by a quarter since this process's last analyze, either way, is resampled at once.
    expect(maintenanceFor(table({ ...busy, liveAtLastAnalyze: 32_000 }))).toBe('analyze');
    expect(maintenanceFor(table({ ...busy, liveAtLastAnalyze: 53_334 }))).toBe('analyze');
    // The outbox: a few hundred rows, thousands inserted and deleted; a swing of 240 rows is not a new size.
    expect(maintenanceFor(table({ live: 300, dead: 900, modifiedSinceAnalyze: 5_000, liveAtLastAnalyze: 60 }))).toBeNull();
  });

  it('analyzes a table never analyzed, or not yet by this process, as soon as its changes are due', () => {
    const due = { live: 10_000, modifiedSinceAnalyze: 6_001 };
    expect(maintenanceFor(table({ ...due, msSinceAnalyze: null }))).toBe('analyze');
    expect(maintenanceFor(table({ ...due, liveAtLastAnalyze: null }))).toBe('analyze');
    expect(maintenanceFor(table({ ...due, modifiedSinceAnalyze: 6_000, liveAtLastAnalyze: null }))).toBeNull();
  });
});
