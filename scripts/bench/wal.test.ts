import { describe, expect, it } from 'vitest';
import { formatWal, walCost } from './wal';

describe('walCost', () => {
  it('gives the WAL bytes and full-page images per event, and the checkpoints between two readings', () => {
    const before = { bytes: 1_000_000, fullPageImages: 100, checkpoints: 3 };
    const after = { bytes: 1_000_000 + 13 * 1024 * 2000, fullPageImages: 100 + 2760, checkpoints: 26 };
    expect(walCost(before, after, 2000)).toEqual({ kbPerEvent: 13, fullPageImagesPerEvent: 1.38, checkpoints: 23 });
  });
});

describe('formatWal', () => {
  it('says how often a checkpoint came', () => {
    expect(formatWal({ kbPerEvent: 13, fullPageImagesPerEvent: 1.38, checkpoints: 23 }, 585.4)).toBe(
      "WAL (the server's): 13 KB per event, 1.38 full-page images per event; 23 checkpoints (one every 25 s)",
    );
  });

  it('leaves the interval out when no checkpoint came', () => {
    expect(formatWal({ kbPerEvent: 3.9, fullPageImagesPerEvent: 0.06, checkpoints: 0 }, 35)).toBe(
      "WAL (the server's): 3.9 KB per event, 0.06 full-page images per event; 0 checkpoints",
    );
  });
});
