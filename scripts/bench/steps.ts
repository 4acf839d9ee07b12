import { sql } from 'drizzle-orm';
import type { Database } from '@/server/db/client';

export interface StepPercentiles {
  step: string;
  p50: number;
  p99: number;
  /** Events that recorded the step. */
  events: number;
}

/**
 * Each pipeline step's p50 / p99 (ms) over the events processed since `since`, from the timings the sync log keeps
 * per event; batch steps ("prefetch (batch of 85)") are pooled under their name. Slowest p99 first; a step only some
 * events take (person_held_elsewhere) is over those events.
 */
export async function stepPercentiles(db: Database, since: Date): Promise<StepPercentiles[]> {
  const rows = await db.execute<{ step: string; p50: string; p99: string; events: number }>(sql`
    select regexp_replace(s->>'step', ' \\(batch of \\d+\\)', '') as step,
      percentile_disc(0.5) within group (order by (s->>'ms')::numeric) as p50,
      percentile_disc(0.99) within group (order by (s->>'ms')::numeric) as p99,
      count(*)::int as events
    from sync_log, jsonb_array_elements(steps) s
    where processed_at >= ${since.toISOString()}::timestamptz
    group by 1 order by 3 desc`);
  return rows.map((r) => ({ step: r.step, p50: Number(r.p50), p99: Number(r.p99), events: r.events }));
}
