import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './latency-histogram';
import { percentile } from './setup';

describe('LatencyHistogram', () => {
  it('gives the same percentiles as sorting every latency', () => {
    const histogram = new LatencyHistogram();
    const all: number[] = [];
    let seed = 7;
    for (let i = 0; i < 5000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const ms = Math.floor((seed / 2 ** 31) ** 3 * 2000);
      histogram.add(ms);
      all.push(ms);
    }
    all.sort((a, b) => a - b);
    for (const p of [0, 1, 50, 95, 99, 99.9, 100]) expect(histogram.percentile(p)).toBe(percentile(all, p));
    expect(histogram.count).toBe(5000);
  });

  it('is NaN when empty and exact for one value', () => {
    const histogram = new LatencyHistogram();
    expect(histogram.percentile(99)).toBeNaN();
    histogram.add(42);
    expect(histogram.percentile(50)).toBe(42);
    expect(histogram.percentile(99)).toBe(42);
  });
});
