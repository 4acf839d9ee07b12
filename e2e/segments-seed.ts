import postgres from 'postgres';
import type { CrmEvent } from '@/server/events/envelope';
import { createPublisher } from '@/server/events/publisher';
import { E2E } from './env';

/**
 * People the segments acceptance test needs on top of the generated club: Gold members with handicaps whose last
 * booking is long ago (or who never booked), so that each rule of "Gold members with handicap under 15 who have
 * not booked in 60 days" changes the count:
 *
 *   Gold                       → +4 (Pieter, Thandi, Johan, Nomsa)
 *   … and handicap under 15    → Nomsa (21.0) drops out
 *   … and not booked in 60 d   → Pieter (75 d ago), Thandi (95 d ago), Johan (never) stay
 *
 * Built like e2e/seed-events.ts (SCL member + TeeTime player + bookings, linked by email). The spec publishes
 * whichever of these events the club has not seen yet, so they may equally be added to global-setup's seed.
 */

const DAY = 86_400_000;

interface Person {
  key: string;
  memberId: number;
  firstName: string;
  lastName: string;
  tier: { id: number; name: string };
  handicap: number;
  /** Days ago of each completed booking. */
  bookings: number[];
}

export const SEGMENT_PEOPLE: readonly Person[] = [
  { key: 'pieter', memberId: 93001, firstName: 'Pieter', lastName: 'Joubert', tier: { id: 3, name: 'Gold' }, handicap: 9.8, bookings: [75, 140] },
  { key: 'thandi', memberId: 93002, firstName: 'Thandi', lastName: 'Khumalo', tier: { id: 3, name: 'Gold' }, handicap: 12.6, bookings: [95, 120] },
  { key: 'johan', memberId: 93003, firstName: 'Johan', lastName: 'Steyn', tier: { id: 3, name: 'Gold' }, handicap: 7.1, bookings: [] },
  { key: 'nomsa', memberId: 93004, firstName: 'Nomsa', lastName: 'Dube', tier: { id: 3, name: 'Gold' }, handicap: 21.0, bookings: [80] },
];

/** The names the test expects in the final segment. */
export const EXPECTED_MEMBERS = ['Pieter Joubert', 'Thandi Khumalo', 'Johan Steyn'];

function emailOf(p: Person): string {
  return `${p.firstName}.${p.lastName}@example.org`.toLowerCase();
}

function event(id: string, type: string, at: string, identity: CrmEvent['identity'], payload: Record<string, unknown>): CrmEvent {
  return { id, type, version: '1.0', timestamp: at, tenantId: E2E.tenant.id, source: type.split('.')[0]!, identity, payload };
}

/** Events that introduce each person (SCL member, TeeTime player): they go first. */
export function segmentPeopleIntroductions(now = Date.now()): CrmEvent[] {
  const iso = (daysAgo: number) => new Date(now - daysAgo * DAY).toISOString();
  return SEGMENT_PEOPLE.flatMap((p) => {
    const email = emailOf(p);
    const playerId = `plr_seg_${p.key}`;
    return [
      event(`evt_e2e_seg_${p.key}_member`, 'scl.member.created', iso(700), { sclMemberId: p.memberId, email }, {
        id: p.memberId, firstName: p.firstName, lastName: p.lastName, email, status: 'ACTIVE',
        membershipTierId: p.tier.id, membershipTierName: p.tier.name, createdAt: iso(700),
      }),
      event(`evt_e2e_seg_${p.key}_player`, 'teetime.player.created', iso(690), { teetimePlayerId: playerId, email }, {
        id: playerId, name: p.firstName, surname: p.lastName, email, handicap: p.handicap,
        homeClubId: 'club_fgc', homeClubName: 'Fairway Golf Club', createdAt: iso(690),
      }),
    ];
  });
}

/** Each person's completed bookings, long enough ago to matter for "not booked in 60 days". */
export function segmentPeopleBookings(now = Date.now()): CrmEvent[] {
  const iso = (daysAgo: number) => new Date(now - daysAgo * DAY + 9 * 3_600_000).toISOString();
  return SEGMENT_PEOPLE.flatMap((p) =>
    p.bookings.map((daysAgo, i) =>
      event(`evt_e2e_seg_${p.key}_booking_${i}`, 'teetime.booking.completed', iso(daysAgo), { teetimePlayerId: `plr_seg_${p.key}`, email: emailOf(p) }, {
        id: `bkg_seg_${p.key}_${i}`, playerId: `plr_seg_${p.key}`, clubId: 'club_fgc', clubName: 'Fairway Golf Club',
        courseName: 'Championship', holes: 18, teeTime: iso(daysAgo), completedAt: iso(daysAgo),
      }),
    ),
  );
}

const FINAL = ['SUCCESS', 'SKIPPED', 'DEAD_LETTERED'];

async function waitForEvents(sql: postgres.Sql, ids: string[], timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    const rows = await sql<{ event_id: string; status: string }[]>`
      select event_id, status from sync_log where event_id = any(${ids}) and status = any(${FINAL})`;
    if (rows.length >= ids.length) {
      const failed = rows.filter((r) => r.status !== 'SUCCESS');
      if (failed.length) throw new Error(`segments seed: ${failed.map((f) => `${f.event_id} ${f.status}`).join(', ')}`);
      return;
    }
    if (Date.now() - started > timeoutMs) throw new Error(`segments seed: only ${rows.length} of ${ids.length} events processed`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Publishes the events the club has not processed yet (introductions first, then bookings) through the real
 * queue and worker, and waits until every one has been processed.
 */
export async function ensureSegmentPeople(): Promise<void> {
  const sql = postgres(E2E.databaseUrl, { max: 1, onnotice: () => {} });
  const publisher = createPublisher({ prefix: E2E.queuePrefix, redisUrl: E2E.redisUrl });
  try {
    const now = Date.now();
    for (const batch of [segmentPeopleIntroductions(now), segmentPeopleBookings(now)]) {
      const ids = batch.map((e) => e.id);
      const seen = await sql<{ event_id: string }[]>`select event_id from sync_log where event_id = any(${ids})`;
      const known = new Set(seen.map((r) => r.event_id));
      const missing = batch.filter((e) => !known.has(e.id));
      if (missing.length > 0) {
        const { rejected } = await publisher.publishMany(missing);
        if (rejected.length) throw new Error(`segments seed: ${rejected[0]!.id} rejected: ${rejected[0]!.error}`);
      }
      await waitForEvents(sql, ids);
    }
  } finally {
    await publisher.close();
    await sql.end();
  }
}
