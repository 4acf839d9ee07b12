/**
 * The read benchmark's data: the shared bench club (seed-club), a realistic few activities per live person (by what
 * the sources know of them: golf, email, membership), one long-standing member with 10,000 activities, and the
 * system segments with their memberships computed by the real recompute. Ends with VACUUM ANALYZE, as autovacuum
 * would long have done in a live database.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import type { Database } from '@/server/db/client';
import type { Segment } from '@/server/db/schema';
import { recomputeSegment } from '@/server/segments/recompute';
import { ensureSystemSegments } from '@/server/segments/system';
import { withoutIndexes } from './bulk-load';
import { seedClub, type SeededPerson } from './seed-club';

export const HEAVY_ACTIVITIES = 10_000;

export interface ReadData {
  people: SeededPerson[];
  heavyMemberId: string;
  activities: number;
  segments: Segment[];
  timings: Record<string, number>;
}

/**
 * Activity kinds by source: 1–3 golf (players), 4–6 email (contacts), 7–9 membership (members). The properties
 * carry the ids the real events would (a payment id for PAYMENT_RECEIVED, which the payment index reads).
 */
const KINDS = sql.raw(`(values
  (1, 'teetime', 'teetime.booking.created', 'TEETIME_BOOKED', 'Tee time booked — Protea Championship Course, 4 players', 'bookingId'),
  (2, 'teetime', 'teetime.booking.completed', 'ROUND_PLAYED', 'Round played — Protea Championship Course, 18 holes', 'bookingId'),
  (3, 'teetime', 'teetime.score.posted', 'SCORE_POSTED', 'Score posted — 84 gross (18 holes)', 'scoreId'),
  (4, 'messaging', 'messaging.campaign.sent', 'CAMPAIGN_RECEIVED', 'Received campaign "Winter Stableford Series"', 'campaignId'),
  (5, 'messaging', 'messaging.email.opened', 'EMAIL_OPENED', 'Opened "Winter Stableford Series"', 'messageId'),
  (6, 'messaging', 'messaging.email.clicked', 'EMAIL_CLICKED', 'Clicked a link in "Winter Stableford Series"', 'messageId'),
  (7, 'scl', 'scl.invoice.sent', 'INVOICE_SENT', 'Invoice sent — R 1,650.00', 'invoiceId'),
  (8, 'scl', 'scl.payment.received', 'PAYMENT_RECEIVED', 'Payment received — R 1,650.00', 'paymentId'),
  (9, 'scl', 'scl.member.updated', 'MEMBER_UPDATED', 'Member details updated', 'changeId')
) as k(code, source, event_type, type, title, ref_key)`);

async function timed(timings: Record<string, number>, label: string, fn: () => Promise<unknown>): Promise<void> {
  const start = performance.now();
  await fn();
  timings[label] = Math.round(performance.now() - start);
}

export async function seedReadData(db: Database, { tenantId, profiles }: { tenantId: string; profiles: number }): Promise<ReadData> {
  const timings: Record<string, number> = {};
  let people: SeededPerson[] = [];
  await timed(timings, 'profiles', async () => {
    people = await seedClub(db, { tenantId, profiles });
  });

  // The heaviest timeline: a long-standing member who plays, reads the newsletter and pays.
  const [heavy] = await db.execute<{ id: string }>(sql`
    select id from profiles
    where tenant_id = ${tenantId} and status = 'ACTIVE' and handicap is not null and membership_tier is not null
      and email_opt_in
    order by member_since limit 1`);
  if (!heavy) throw new Error('no member who plays and reads email to give the long timeline to');

  await timed(timings, 'activities', () =>
    withoutIndexes(db, 'activities', async () => {
      // 1–15 a person, skewed low (≈ 5 on average), spread over the last 18 months.
      await db.execute(sql`
        insert into activities (tenant_id, profile_id, source, source_event_id, event_type, type, title, occurred_at, properties)
        select p.tenant_id, p.id, k.source, k.type || '-' || p.id || '-' || g, k.event_type, k.type, k.title,
          now() - (g * 540.0 / n.total + random() * 7) * interval '1 day',
          jsonb_build_object(k.ref_key, k.type || '-' || p.id || '-' || g)
        from profiles p
        cross join lateral (select 1 + floor(random() ^ 2 * 15)::int + 0 * length(p.id::text) as total) n
        cross join lateral (select
            (case when p.handicap is not null then '{1,2,3}'::int[] else '{}' end)
            || (case when p.email_opt_in or p.last_email_open_at is not null then '{4,5,6}'::int[] else '{}' end)
            || (case when p.membership_tier is not null then '{7,8,9}'::int[] else '{}' end) as codes) c
        cross join lateral generate_series(1, n.total) g
        join ${KINDS} on k.code = coalesce(c.codes[1 + (g + abs(hashtext(p.id::text))) % greatest(cardinality(c.codes), 1)], 5)
        where p.tenant_id = ${tenantId} and p.status = 'ACTIVE' and p.id <> ${heavy.id}::uuid`);
      await db.execute(sql`
        insert into activities (tenant_id, profile_id, source, source_event_id, event_type, type, title, occurred_at, properties)
        select ${tenantId}, ${heavy.id}::uuid, k.source, k.type || '-heavy-' || g, k.event_type, k.type, k.title,
          now() - (g * 1825.0 / ${HEAVY_ACTIVITIES} + random() * 0.1) * interval '1 day',
          jsonb_build_object(k.ref_key, k.type || '-heavy-' || g)
        from generate_series(1, ${HEAVY_ACTIVITIES}) g
        join ${KINDS} on k.code = 1 + g % 9`);
    }),
  );

  let systemSegments: Segment[] = [];
  await timed(timings, 'segments', async () => {
    const { segments } = await ensureSystemSegments(db, tenantId);
    const now = new Date();
    for (const segment of segments) await recomputeSegment(db, { tenantId, segmentId: segment.id, now });
    systemSegments = await db.query.segments.findMany({ where: (s, { and, eq }) => and(eq(s.tenantId, tenantId), eq(s.isSystem, true)) });
  });
  await timed(timings, 'vacuum analyze', () => db.execute(sql`vacuum analyze`));
  const [{ n }] = await db.execute<{ n: number }>(sql`select count(*)::int as n from activities where tenant_id = ${tenantId}`);
  return { people, heavyMemberId: heavy.id, activities: n, segments: systemSegments, timings };
}
