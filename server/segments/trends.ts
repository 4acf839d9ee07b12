import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { localDate } from '../queries/churn';

/**
 * Segment sizes over time, for the list's sparklines and a segment's membership chart. The size at the end of each
 * day is worked out backwards from the live member count and the recorded enters/exits (every change writes one
 * segment_membership_events row in the same transaction as the membership itself), so it needs no snapshot table
 * and never disagrees with the member list.
 */

export interface TrendDay {
  /** Calendar day in the club's time zone, YYYY-MM-DD. */
  day: string;
  /** Members at the end of the day (today: now). */
  members: number;
  entered: number;
  exited: number;
}

export interface SegmentTrend {
  segmentId: string;
  /** Live member count. */
  members: number;
  /** Oldest day first; `days` entries. */
  days: TrendDay[];
  /** The latest enter or exit, ever. */
  lastChangeAt: Date | null;
}

export interface TrendInput {
  tenantId: string;
  /** Only these segments (default: all of the tenant's). */
  segmentIds?: string[];
  days?: number;
  timeZone: string;
  now: Date;
}

const DAY_MS = 86_400_000;

function addDays(isoDate: string, n: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Live size, last change and daily enters/exits of the tenant's segments over the last `days` days. */
export async function segmentTrends(db: Db, input: TrendInput): Promise<Map<string, SegmentTrend>> {
  const days = Math.max(1, Math.min(input.days ?? 30, 366));
  const onlyThese = input.segmentIds
    ? sql`and s.id = any(${sql.param(input.segmentIds)}::uuid[])`
    : sql``;
  // Per segment, both subqueries walk the (segment_id, …) indexes: cheap even for a large tenant's history.
  const totals = await db.execute<{ id: string; members: number; last_change_at: string | null }>(sql`
    select s.id,
      (select count(*)::int from segment_memberships m where m.segment_id = s.id) as members,
      (select max(e.changed_at) from segment_membership_events e where e.segment_id = s.id) as last_change_at
    from segments s
    where s.tenant_id = ${input.tenantId} ${onlyThese}`);
  if (totals.length === 0) return new Map();

  // One extra day back covers the time-zone offset; days outside the window are dropped below.
  const since = new Date(input.now.getTime() - (days + 1) * DAY_MS);
  const changes = await db.execute<{ segment_id: string; day: string; entered: number; exited: number }>(sql`
    select e.segment_id, to_char((e.changed_at at time zone ${input.timeZone})::date, 'YYYY-MM-DD') as day,
      count(*) filter (where e.change = 'ENTERED')::int as entered,
      count(*) filter (where e.change = 'EXITED')::int as exited
    from segment_membership_events e
    where e.tenant_id = ${input.tenantId} and e.changed_at >= ${since.toISOString()}::timestamptz
      and e.segment_id = any(${sql.param(totals.map((t) => t.id))}::uuid[])
    group by 1, 2`);

  const byKey = new Map(changes.map((c) => [`${c.segment_id}|${c.day}`, c]));
  const today = localDate(input.now, input.timeZone);
  const dayList = Array.from({ length: days }, (_, i) => addDays(today, i - (days - 1)));

  const trends = new Map<string, SegmentTrend>();
  for (const t of totals) {
    const series: TrendDay[] = [];
    // Walk back from today: the size at the end of the day before is this day's size minus its net change.
    let members = t.members;
    for (let i = dayList.length - 1; i >= 0; i -= 1) {
      const day = dayList[i]!;
      const change = byKey.get(`${t.id}|${day}`);
      const entered = change?.entered ?? 0;
      const exited = change?.exited ?? 0;
      series.push({ day, members, entered, exited });
      members = members - entered + exited;
    }
    trends.set(t.id, {
      segmentId: t.id,
      members: t.members,
      days: series.reverse(),
      lastChangeAt: t.last_change_at ? new Date(t.last_change_at) : null,
    });
  }
  return trends;
}
