/**
 * Latencies in whole milliseconds, counted per millisecond: adding one is O(1) and a percentile is one pass over the
 * buckets, however many events a run has seen. The soak prints its running p99 every minute; sorting every latency
 * so far for it took ~0.5 s by the end of a 30-minute soak (1.8 M events), a pause of the very loop that offers the
 * rate, which then published the half second's events in one burst.
 */
export class LatencyHistogram {
  private readonly counts: number[] = [];
  private total = 0;

  get count(): number {
    return this.total;
  }

  add(ms: number): void {
    const bucket = Math.max(0, Math.round(ms));
    this.counts[bucket] = (this.counts[bucket] ?? 0) + 1;
    this.total++;
  }

  /** The nearest-rank percentile, as `percentile` gives over the sorted list (NaN when empty). */
  percentile(p: number): number {
    if (this.total === 0) return NaN;
    const rank = Math.min(this.total, Math.max(1, Math.ceil((p / 100) * this.total)));
    let seen = 0;
    for (let ms = 0; ms < this.counts.length; ms++) {
      seen += this.counts[ms] ?? 0;
      if (seen >= rank) return ms;
    }
    return this.counts.length - 1;
  }
}
