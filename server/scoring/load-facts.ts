import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/server/db/client';
import {
  DAY_MS,
  EMAIL_ENGAGEMENT_TYPES,
  ENGAGING_ACTIVITY_TYPES,
  GOLF_ACTIVITY_TYPES,
  PASSIVE_ACTIVITY_TYPES,
  WINDOW_DAYS,
  countOverdueInvoices,
  type InvoiceFact,
  type PaymentFact,
  type ScoringFacts,
} from './facts';

export interface LoadFactsInput {
  tenantId: string;
  profileIds: string[];
  /** The instant the facts are seen from: activities after it do not exist yet. */
  now: Date;
  /**
   * The profile columns scoring reads, when the caller holds newer values than the table (the pipeline scores
   * before it writes its batch back). Without it they are read from profiles.
   */
  held?: HeldProfileValues[];
}

export interface HeldProfileValues {
  id: string;
  lifetimeValue: number;
  lastBookingAt: Date | null;
  lastEmailOpenAt: Date | null;
  lastEmailClickAt: Date | null;
}

/** Epoch milliseconds of a timestamptz (the driver hands timestamps to raw SQL as strings). */
const ms = (expression: SQL) => sql`(extract(epoch from ${expression}) * 1000)::float8`;

type Millis = number | null;
interface FactsRow extends Record<string, unknown> {
  profile_id: string;
  lifetime_value: string;
  profile_last_golf_at: Millis;
  profile_last_email_at: Millis;
  activity_30d: number | null;
  activity_90d: number | null;
  last_engaged_at: Millis;
  last_engaged_type: string | null;
  engaged_30d: number | null;
  sources_90d: string[] | null;
  golf_30d: number | null;
  golf_baseline: number | null;
  last_golf_at: Millis;
  email_sent_90d: number | null;
  campaign_email_90d: number | null;
  emails_opened_90d: number | null;
  emails_clicked_90d: number | null;
  email_engagement_30d: number | null;
  email_engagement_baseline: number | null;
  last_email_engagement_at: Millis;
  opt_outs_90d: number | null;
  failed_payments_90d: number | null;
  downgrades_180d: number | null;
  last_downgrade_at: Millis;
  no_shows_90d: number | null;
  late_cancellations_90d: number | null;
  spam_complaints_90d: number | null;
  hard_bounces_90d: number | null;
  invoices: [number, string | null, string | null][] | null;
  payments: [number, string | null][] | null;
}

/**
 * The scoring facts of a batch of profiles at `now`, in two index scans of activities for the whole batch (the
 * last 180 days, and payments after `now`), never a query per profile. Every window is relative to `now`.
 * Profiles that do not exist in the tenant are absent from the map.
 *
 * History older than 180 days reaches the facts only through the profile's lastBookingAt / lastEmailOpenAt /
 * lastEmailClickAt columns (kept by the pipeline from all activities), and only when they are not after `now`:
 * that is how a long-lapsed golfer still shows a full decline.
 */
export async function loadScoringFacts(db: Db, input: LoadFactsInput): Promise<Map<string, ScoringFacts>> {
  const result = new Map<string, ScoringFacts>();
  if (input.profileIds.length === 0) return result;
  const rows = await db.execute<FactsRow>(scoringFactsQuery(input));
  for (const row of rows) result.set(row.profile_id, toFacts(row, input.now));
  return result;
}

function heldProfileRecords(held: HeldProfileValues[]) {
  const records = [];
  for (const h of held) {
    records.push({
      id: h.id,
      lifetime_value: h.lifetimeValue,
      last_booking_at: h.lastBookingAt,
      last_email_open_at: h.lastEmailOpenAt,
      last_email_click_at: h.lastEmailClickAt,
    });
  }
  return records;
}

/** The one statement behind loadScoringFacts (exported so a test can EXPLAIN it). */
export function scoringFactsQuery({ tenantId, profileIds, now, held }: LoadFactsInput): SQL {
  const at = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();
  const ids = sql.param(profileIds);
  const nowIso = now.toISOString();
  const golf = sql.param([...GOLF_ACTIVITY_TYPES]);
  const email = sql.param([...EMAIL_ENGAGEMENT_TYPES]);
  const heldRows = held && heldProfileRecords(held);
  const profileSource = heldRows
    ? sql`jsonb_to_recordset(${JSON.stringify(heldRows)}::jsonb)
        as p(id uuid, lifetime_value bigint, last_booking_at timestamptz, last_email_open_at timestamptz, last_email_click_at timestamptz)`
    : sql`profiles p`;
  const profileFilter = heldRows ? sql`` : sql`where p.tenant_id = ${tenantId} and p.id = any(${ids}::uuid[])`;

  return sql`
    with acts as (
      -- One range scan of activities_timeline_idx (tenant_id, profile_id, occurred_at desc, id desc) per profile.
      select a.id, a.profile_id, a.type, a.source, a.occurred_at, a.properties,
        not (a.type = any(${sql.param([...PASSIVE_ACTIVITY_TYPES])}::text[])) as active,
        a.type = any(${sql.param([...ENGAGING_ACTIVITY_TYPES])}::text[]) as engaging,
        a.occurred_at > ${at(WINDOW_DAYS.recent)}::timestamptz as in30,
        a.occurred_at > ${at(WINDOW_DAYS.quarter)}::timestamptz as in90,
        a.occurred_at <= ${at(WINDOW_DAYS.recent)}::timestamptz
          and a.occurred_at > ${at(WINDOW_DAYS.baselineEnd)}::timestamptz as in_baseline,
        coalesce(a.properties->>'bookingId', a.id::text) as booking_key
      -- LATERAL per profile: the plan stays one index range scan per person even when the table's statistics
      -- are stale (a backlog fills it faster than autovacuum analyses it).
      from unnest(${ids}::uuid[]) as wanted(profile_id)
      cross join lateral (
        select x.id, x.profile_id, x.type, x.source, x.occurred_at, x.properties
        from activities x
        where x.tenant_id = ${tenantId}
          and x.profile_id = wanted.profile_id
          and x.occurred_at > ${at(WINDOW_DAYS.scan)}::timestamptz
          and x.occurred_at <= ${nowIso}::timestamptz
        offset 0 -- keeps the planner from flattening the LATERAL back into one big scan
      ) a
    ),
    -- Materialised: computed once for the batch, not re-aggregated for every profile row it is joined to.
    agg as materialized (
      select profile_id as scanned_profile_id,
        count(*) filter (where active and in30)::int as activity_30d,
        count(*) filter (where active and in90)::int as activity_90d,
        ${ms(sql`max(occurred_at) filter (where engaging)`)} as last_engaged_at,
        (array_agg(type order by occurred_at desc, id desc) filter (where engaging))[1] as last_engaged_type,
        count(*) filter (where engaging and in30)::int as engaged_30d,
        array_agg(distinct source order by source) filter (where engaging and in90) as sources_90d,
        count(distinct booking_key) filter (where type = any(${golf}::text[]) and in30)::int as golf_30d,
        count(distinct booking_key) filter (where type = any(${golf}::text[]) and in_baseline)::int as golf_baseline,
        ${ms(sql`max(occurred_at) filter (where type = any(${golf}::text[]))`)} as last_golf_at,
        count(*) filter (where type = 'MESSAGE_SENT' and upper(properties->>'channel') = 'EMAIL' and in90)::int
          as email_sent_90d,
        count(*) filter (where type = 'CAMPAIGN_RECEIVED' and upper(properties->>'channel') = 'EMAIL' and in90)::int
          as campaign_email_90d,
        count(distinct coalesce(properties->>'messageId', properties->>'campaignId', id::text))
          filter (where type = 'EMAIL_OPENED' and in90)::int as emails_opened_90d,
        count(distinct coalesce(properties->>'messageId', properties->>'campaignId', id::text))
          filter (where type = 'EMAIL_CLICKED' and in90)::int as emails_clicked_90d,
        count(*) filter (where type = any(${email}::text[]) and in30)::int as email_engagement_30d,
        count(*) filter (where type = any(${email}::text[]) and in_baseline)::int as email_engagement_baseline,
        ${ms(sql`max(occurred_at) filter (where type = any(${email}::text[]))`)} as last_email_engagement_at,
        count(*) filter (where type = 'CONSENT_OPTED_OUT' and in90)::int as opt_outs_90d,
        count(distinct coalesce(properties->>'paymentId', id::text))
          filter (where type = 'PAYMENT_FAILED' and in90)::int as failed_payments_90d,
        -- The scan is exactly the 180-day downgrade window.
        count(*) filter (where type = 'TIER_CHANGED' and properties->>'downgrade' = 'true')::int as downgrades_180d,
        ${ms(sql`max(occurred_at) filter (where type = 'TIER_CHANGED' and properties->>'downgrade' = 'true')`)}
          as last_downgrade_at,
        count(*) filter (where type = 'BOOKING_NO_SHOW' and in90)::int as no_shows_90d,
        count(*) filter (where type = 'BOOKING_CANCELLED' and properties->>'lateCancellation' = 'true' and in90)::int
          as late_cancellations_90d,
        count(*) filter (where type = 'MESSAGE_BOUNCED' and lower(properties->>'bounceType') = 'complaint' and in90)::int
          as spam_complaints_90d,
        count(*) filter (where type = 'MESSAGE_BOUNCED' and lower(properties->>'bounceType') = 'hard' and in90)::int
          as hard_bounces_90d,
        jsonb_agg(jsonb_build_array(${ms(sql`occurred_at`)}, properties->>'dueDate', properties->>'invoiceId'))
          filter (where type = 'INVOICE_SENT') as invoices,
        jsonb_agg(jsonb_build_array(${ms(sql`occurred_at`)}, properties->>'invoiceId'))
          filter (where type = 'PAYMENT_RECEIVED') as payments
      from acts
      group by profile_id
    ),
    later_payments as materialized (
      -- Payments recorded after now are not part of the lifetime value as of now. Found as acts are, by a range scan
      -- of each profile's timeline after now (nearly always empty); the type is checked outside the LATERAL, so the
      -- planner cannot take the partial index of payments instead, whose only key here is the tenant: a scan of every
      -- payment of the club, for every batch.
      select a.profile_id,
        sum(case when jsonb_typeof(a.properties->'amount') = 'number' then (a.properties->>'amount')::numeric else 0 end)
          as amount
      from unnest(${ids}::uuid[]) as wanted(profile_id)
      cross join lateral (
        select x.profile_id, x.type, x.properties
        from activities x
        where x.tenant_id = ${tenantId} and x.profile_id = wanted.profile_id and x.occurred_at > ${nowIso}::timestamptz
        offset 0
      ) a
      where a.type = 'PAYMENT_RECEIVED'
      group by a.profile_id
    )
    select p.id as profile_id,
      greatest(0, p.lifetime_value - coalesce(lp.amount, 0))::text as lifetime_value,
      case when p.last_booking_at <= ${nowIso}::timestamptz then ${ms(sql`p.last_booking_at`)} end as profile_last_golf_at,
      ${ms(sql`(select max(t) from (values (p.last_email_open_at), (p.last_email_click_at)) v(t)
              where t <= ${nowIso}::timestamptz)`)} as profile_last_email_at,
      agg.*
    from ${profileSource}
    left join agg on agg.scanned_profile_id = p.id
    left join later_payments lp on lp.profile_id = p.id
    ${profileFilter}`;
}

const date = (value: Millis) => (value === null ? null : new Date(value));
const latest = (a: Millis, b: Millis) => (a === null ? date(b) : b === null ? new Date(a) : new Date(Math.max(a, b)));

function toFacts(row: FactsRow, now: Date): ScoringFacts {
  const invoices: InvoiceFact[] = [];
  for (const [sentAt, dueDate, invoiceId] of row.invoices ?? []) invoices.push({ sentAt: new Date(sentAt), dueDate, invoiceId });
  const payments: PaymentFact[] = [];
  for (const [paidAt, invoiceId] of row.payments ?? []) payments.push({ paidAt: new Date(paidAt), invoiceId });
  return {
    activityCount30d: row.activity_30d ?? 0,
    activityCount90d: row.activity_90d ?? 0,
    lastEngagedAt: date(row.last_engaged_at),
    lastEngagedType: row.last_engaged_type,
    engagedCount30d: row.engaged_30d ?? 0,
    sources90d: row.sources_90d ?? [],
    lifetimeValueCents: Number(row.lifetime_value),
    golfCount30d: row.golf_30d ?? 0,
    golfCountBaseline: row.golf_baseline ?? 0,
    lastGolfAt: latest(row.last_golf_at, row.profile_last_golf_at),
    // Messaging may report an email as a message sent, a campaign received, or both: the larger count, not the sum.
    emailsReceived90d: Math.max(row.email_sent_90d ?? 0, row.campaign_email_90d ?? 0),
    emailsOpened90d: row.emails_opened_90d ?? 0,
    emailsClicked90d: row.emails_clicked_90d ?? 0,
    emailEngagement30d: row.email_engagement_30d ?? 0,
    emailEngagementBaseline: row.email_engagement_baseline ?? 0,
    lastEmailEngagementAt: latest(row.last_email_engagement_at, row.profile_last_email_at),
    optOuts90d: row.opt_outs_90d ?? 0,
    failedPayments90d: row.failed_payments_90d ?? 0,
    overdueInvoices: countOverdueInvoices(invoices, payments, now),
    tierDowngrades180d: row.downgrades_180d ?? 0,
    lastDowngradeAt: date(row.last_downgrade_at),
    noShows90d: row.no_shows_90d ?? 0,
    lateCancellations90d: row.late_cancellations_90d ?? 0,
    spamComplaints90d: row.spam_complaints_90d ?? 0,
    hardBounces90d: row.hard_bounces_90d ?? 0,
  };
}
