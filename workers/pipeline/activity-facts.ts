import { sql } from 'drizzle-orm';
import type { Tx } from '@/server/db/client';
import { PASSIVE_ACTIVITY_TYPES as PASSIVE_TYPES } from '@/server/scoring/facts';

/** Activities that something else did to the person (one list, shared with scoring): they are not "last seen". */
export const PASSIVE_ACTIVITY_TYPES: ReadonlySet<string> = new Set(PASSIVE_TYPES);
export const BOOKING_ACTIVITY_TYPES = new Set(['TEETIME_BOOKED', 'ROUND_PLAYED']);

export interface ActivityDerived {
  lastActivityAt: Date | null;
  lastActivityType: string | null;
  lastBookingAt: Date | null;
  lastEmailOpenAt: Date | null;
  lastEmailClickAt: Date | null;
  lifetimeValue: number;
}

/**
 * Recomputes the activity-derived profile fields from the activities themselves (after a merge or a payment), so
 * they never depend on the order events arrived in. Lifetime value counts each payment id once.
 */
export async function deriveFromActivities(tx: Tx, tenantId: string, profileId: string): Promise<ActivityDerived> {
  const passive = [...PASSIVE_ACTIVITY_TYPES];
  const rows = await tx.execute<{
    last_activity_at: string | null;
    last_activity_type: string | null;
    last_booking_at: string | null;
    last_email_open_at: string | null;
    last_email_click_at: string | null;
    lifetime_value: string | null;
  }>(sql`
    with acts as (
      select type, occurred_at, properties from activities where tenant_id = ${tenantId} and profile_id = ${profileId}
    ),
    last_act as (
      select occurred_at, type from acts where not (type = any(${sql.param(passive)}::text[]))
      order by occurred_at desc limit 1
    ),
    payments as (
      select distinct on (coalesce(properties->>'paymentId', occurred_at::text))
        coalesce((properties->>'amount')::bigint, 0) as amount
      from acts where type = 'PAYMENT_RECEIVED'
    )
    select
      (select occurred_at from last_act) as last_activity_at,
      (select type from last_act) as last_activity_type,
      (select max(occurred_at) from acts where type in ('TEETIME_BOOKED', 'ROUND_PLAYED')) as last_booking_at,
      (select max(occurred_at) from acts where type = 'EMAIL_OPENED') as last_email_open_at,
      (select max(occurred_at) from acts where type = 'EMAIL_CLICKED') as last_email_click_at,
      (select sum(amount) from payments) as lifetime_value`);
  const r = rows[0];
  const date = (v: string | null) => (v ? new Date(v) : null);
  return {
    lastActivityAt: date(r.last_activity_at),
    lastActivityType: r.last_activity_type,
    lastBookingAt: date(r.last_booking_at),
    lastEmailOpenAt: date(r.last_email_open_at),
    lastEmailClickAt: date(r.last_email_click_at),
    lifetimeValue: Number(r.lifetime_value ?? 0),
  };
}
