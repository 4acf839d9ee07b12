import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/server/db/client';
import { CHURN_LEVELS, profileRankings, profiles, profileScores, type ChurnLevel, type ScoreFactor } from '@/server/db/schema';
import { CONSENT_FILTERS, consentCondition, memberRowColumns, pageTotal } from './members';
import { pagingSchema } from './paging';

export const CHURN_SORTS = ['churnRiskScore', 'change', 'lastActivityAt', 'name'] as const;
const WEEK_MS = 7 * 86_400_000;

export const churnListSchema = pagingSchema.extend({
  level: z.enum(CHURN_LEVELS).optional(),
  tier: z.string().trim().min(1).max(100).optional(),
  consent: z.enum(CONSENT_FILTERS).optional(),
  /** Only people whose churn score is higher than it was 7 days ago. */
  risen: z.union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')]).optional(),
  minScore: z.coerce.number().int().min(0).max(100).optional(),
  sort: z.enum(CHURN_SORTS).default('churnRiskScore'),
  dir: z.enum(['asc', 'desc']).default('desc'),
});
export type ChurnListQuery = z.input<typeof churnListSchema>;

export type ChurnRow = Awaited<ReturnType<typeof listChurnRisk>>['rows'][number];

/**
 * People ranked by churn risk with the reasons behind the score and how it moved in a week. "A week ago" is the
 * latest CHURN score row at or before now − 7 d; a person with no such row counts as newly scored (change = score).
 */
export async function listChurnRisk(
  db: Db,
  input: ChurnListQuery & {
    tenantId: string;
    now?: Date;
    /** Keyset position for walking the whole list (exports): rows after this one in score-descending order. */
    after?: { score: number; id: string };
  },
) {
  const { tenantId, now = new Date(), after, ...rest } = input;
  const f = churnListSchema.parse(rest);
  const weekAgo = new Date(now.getTime() - WEEK_MS);

  const where: SQL[] = [
    eq(profiles.tenantId, tenantId),
    sql`${profiles.status} in ('ACTIVE', 'INACTIVE')`,
    sql`${profiles.churnRiskScore} is not null`,
  ];
  if (f.level) where.push(eq(profiles.churnRiskLevel, f.level));
  if (f.tier) where.push(sql`lower(${profiles.membershipTier}) = ${f.tier.toLowerCase()}`);
  if (f.consent) where.push(consentCondition(f.consent));
  if (f.minScore !== undefined) where.push(sql`${profiles.churnRiskScore} >= ${f.minScore}`);

  // Written out qualified: drizzle leaves single-table select columns unqualified, which inside a subquery on
  // profile_scores would silently mean ps.id.
  const outerId = sql.raw('"profiles"."id"');
  // The score a week ago; only people rescored within the week can have changed, so others skip the lookup.
  const previous = sql<number | null>`(
    case when "profiles"."churn_risk_score_at" > ${weekAgo.toISOString()}::timestamptz then (
      select ps.score from ${profileScores} ps
      where ps.tenant_id = ${tenantId} and ps.profile_id = ${outerId} and ps.kind = 'CHURN'
        and ps.scored_at <= ${weekAgo.toISOString()}::timestamptz
      order by ps.scored_at desc limit 1
    ) else "profiles"."churn_risk_score" end)`;
  const change = sql<number>`("profiles"."churn_risk_score" - coalesce(${previous}, 0))`;
  if (f.risen) {
    where.push(sql`${profiles.churnRiskScoreAt} > ${weekAgo.toISOString()}::timestamptz`);
    where.push(sql`${change} > 0`);
  }

  if (after) {
    where.push(sql`(${profileRankings.churnRiskScore} < ${after.score} or (${profileRankings.churnRiskScore} = ${after.score} and ${profileRankings.profileId} > ${after.id}::uuid))`);
  }
  const condition = and(...where);
  const direction = f.dir === 'asc' ? asc : desc;
  // Score and last activity are ordered by profile_rankings' indexes (the same values as the profile's): the first
  // page walks the index and stops, instead of sorting the club.
  const order: SQL[] = {
    churnRiskScore: [sql`${profileRankings.churnRiskScore} ${sql.raw(f.dir)} nulls last`],
    change: [sql`${change} ${sql.raw(f.dir)}`, desc(profiles.churnRiskScore)],
    lastActivityAt: [sql`${profileRankings.lastActivityAt} ${sql.raw(f.dir)} nulls last`],
    name: [direction(memberRowColumns.name)],
  }[f.sort];

  const rows = await db
    .select({
      ...memberRowColumns,
      churnRiskScoreAt: profiles.churnRiskScoreAt,
      previousScore: previous,
      change,
      factors: sql<ScoreFactor[] | null>`(
        select ps.factors from ${profileScores} ps
        where ps.tenant_id = ${tenantId} and ps.profile_id = ${outerId} and ps.kind = 'CHURN'
        order by ps.scored_at desc limit 1)`,
    })
    .from(profiles)
    .innerJoin(profileRankings, eq(profileRankings.profileId, profiles.id))
    .where(and(condition, eq(profileRankings.tenantId, tenantId)))
    .orderBy(...order, asc(profileRankings.profileId))
    .offset(f.skip)
    .limit(f.take);
  // Capped like the members list: an exact count of the whole club is a scan of every profile, dearer than the page.
  const count = await pageTotal(db, { rows, skip: f.skip, take: f.take }, condition);
  return {
    rows: rows.map((r) => ({ ...r, factors: topFactors(r.factors ?? []) })),
    total: count.total,
    /** False above COUNT_CAP people: `total` is then the planner's estimate. */
    totalExact: count.exact,
    skip: f.skip,
    take: f.take,
  };
}

/** Factors that actually add risk, heaviest contribution first. */
export function topFactors(factors: ScoreFactor[]): ScoreFactor[] {
  return factors
    .filter((f) => f.value > 0)
    .sort((a, b) => b.value * b.weight - a.value * a.weight);
}

export type ChurnDistributionDay = { day: string } & Record<ChurnLevel, number>;

/**
 * How many people sat at each churn level at the end of each of the last `days` days (tenant time zone), from the
 * score history. Each score row holds its level from its time until the person's next row: +1 on the day it starts,
 * −1 on the day it ends, then a running sum per level — one pass over the rows instead of days × people.
 */
export async function churnDistribution(
  db: Db,
  { tenantId, days = 90, timeZone = 'UTC', now = new Date() }: { tenantId: string; days?: number; timeZone?: string; now?: Date },
): Promise<ChurnDistributionDay[]> {
  const rows = await db.execute<{ day: string; level: ChurnLevel; delta: number }>(sql`
    with spans as (
      select ps.level, ps.scored_at as starts,
        lead(ps.scored_at) over (partition by ps.profile_id order by ps.scored_at, ps.id) as ends
      from ${profileScores} ps
      join ${profiles} p on p.id = ps.profile_id and p.tenant_id = ${tenantId} and p.status in ('ACTIVE', 'INACTIVE')
      where ps.tenant_id = ${tenantId} and ps.kind = 'CHURN'
    ),
    window_start as (
      select ((${now.toISOString()}::timestamptz at time zone ${timeZone})::date - ${days - 1}::int) as first_day
    ),
    changes as (
      select greatest((starts at time zone ${timeZone})::date, (select first_day from window_start)) as day, level, 1 as delta
      from spans where ends is null or (ends at time zone ${timeZone})::date >= (select first_day from window_start)
      union all
      select (ends at time zone ${timeZone})::date as day, level, -1
      from spans where ends is not null and (ends at time zone ${timeZone})::date >= (select first_day from window_start)
    )
    select to_char(day, 'YYYY-MM-DD') as day, level, sum(delta)::int as delta
    from changes group by day, level order by day`);

  const today = localDate(now, timeZone);
  const dayList = Array.from({ length: days }, (_, i) => addDays(today, i - (days - 1)));
  const running: Record<ChurnLevel, number> = { MINIMAL: 0, LOW: 0, MODERATE: 0, HIGH: 0, CRITICAL: 0 };
  const byDay = new Map<string, { level: ChurnLevel; delta: number }[]>();
  for (const r of rows) {
    const list = byDay.get(r.day) ?? [];
    list.push({ level: r.level, delta: Number(r.delta) });
    byDay.set(r.day, list);
  }
  return dayList.map((day) => {
    for (const { level, delta } of byDay.get(day) ?? []) {
      if (level in running) running[level] += delta;
    }
    return { day, ...running };
  });
}

/** The calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

function addDays(isoDate: string, n: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
