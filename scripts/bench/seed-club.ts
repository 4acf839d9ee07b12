/**
 * A club of N profiles as the event pipeline would have left it, written in bulk instead of through the pipeline
 * (which would take far too long at 200,000 people). Who the people are — names, emails, phones, which source
 * systems know them, tiers, status stories, handicaps, consent — comes from the demo generator's cast
 * (createPeople); the derived columns use the pipeline's own functions (search_text, display name, phone digits,
 * lifecycle stage, score levels and weighted totals). Per profile: identities, field versions, the latest engagement
 * and churn score rows with their factors (plus an older row for some). Shared by the benchmarks and the perf test.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '@/server/db/client';
import { newId } from '@/server/db/ids';
import { CHURN_LEVELS, ENGAGEMENT_LEVELS, type IdentityKind, type ScoreFactor } from '@/server/db/schema';
import { createPeople, type Person } from '@/server/demo/people';
import { Rng } from '@/server/demo/random';
import { RANK_AUTHORITATIVE, RANK_FILL } from '@/server/events/types';
import { foldEmail, memberIdsFrom, phoneDigits } from '@/server/identity';
import { deriveLifecycleStage, displayNameOf, searchTextOf, storeVersions, type VersionsByField } from '@/server/profiles/fields';
import { CHURN_WEIGHTS } from '@/server/scoring/churn';
import { levelOf, weightedTotal } from '@/server/scoring/curves';
import { ENGAGEMENT_WEIGHTS } from '@/server/scoring/engagement';
import { insertRows, withoutIndexes, type Cell } from './bulk-load';

const DAY = 86_400_000;

export interface SeedClubOptions {
  tenantId: string;
  /** Profile rows to write, merged-away ones included. */
  profiles: number;
  seed?: number;
  now?: Date;
}

/** A seeded person the benchmarks can look up the way staff would. */
export interface SeededPerson {
  id: string;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
  status: string;
}

const PROFILE_COLUMNS = [
  'id', 'tenant_id', 'display_name', 'first_name', 'last_name', 'email', 'phone_number', 'date_of_birth', 'status',
  'lifecycle_stage', 'tags', 'membership_status', 'membership_tier', 'member_since', 'handicap', 'handicap_updated_at',
  'home_club_id', 'home_club_name', 'email_opt_in', 'sms_opt_in', 'push_opt_in', 'whatsapp_opt_in', 'lifetime_value',
  'last_activity_at', 'last_activity_type', 'last_booking_at', 'last_email_open_at', 'activity_count30d',
  'activity_count90d', 'booking_count30d', 'engagement_score', 'engagement_score_at', 'engagement_level',
  'churn_risk_score', 'churn_risk_score_at', 'churn_risk_level', 'merged_into_id', 'field_versions', 'search_text',
  'phone_digits', 'created_at', 'updated_at',
] as const;
const IDENTITY_COLUMNS = ['tenant_id', 'profile_id', 'kind', 'value', 'source', 'confidence', 'created_at'];
const SCORE_COLUMNS = ['tenant_id', 'profile_id', 'kind', 'score', 'level', 'factors', 'scored_at'];
const MERGE_COLUMNS = ['tenant_id', 'winner_id', 'loser_id', 'reason', 'merged_by', 'merged_at'];

type Identity = { kind: IdentityKind; value: string; source: string; confidence: number };

function factors(rng: Rng, weights: Record<string, number>, lean: number): ScoreFactor[] {
  return Object.entries(weights).map(([name, weight]) => {
    const value = Math.round(Math.min(1, rng.next() ** (1 / lean)) * 100);
    return { name, weight, value, explanation: `${name}: ${value} of 100` };
  });
}

/** What the pipeline knows of one person: the profile row, its identifiers and its latest scores. */
function profileOf(person: Person, rng: Rng, tenantId: string, now: number, taken: Set<string>) {
  const { member, player, contact } = person;
  const id = newId();
  const ended = member?.endedAt !== undefined;
  const membershipStatus = member ? (member.statusChanges.at(-1)?.to ?? 'ACTIVE') : null;
  const tier = member ? (member.tierChange?.to ?? member.tier).name : null;
  const email = member?.email ?? player?.email ?? contact?.email ?? null;
  const phone = member?.phone ?? player?.phone ?? contact?.phone ?? null;

  const identities: Identity[] = [];
  const link = (kind: IdentityKind, value: string | null | undefined, source: string, confidence: number) => {
    if (!value || taken.has(`${kind}:${value}`)) return;
    taken.add(`${kind}:${value}`);
    identities.push({ kind, value, source, confidence });
  };
  if (member) link('sclMemberId', String(member.memberId), 'scl', 100);
  if (player) link('teetimePlayerId', player.playerId, 'teetime', 100);
  if (contact) link('messagingContactId', contact.contactId, 'messaging', 100);
  for (const e of [member?.email, player?.email, contact?.email]) if (e) link('email', foldEmail(e), member ? 'scl' : player ? 'teetime' : 'messaging', 95);
  for (const p of [member?.phone, player?.phone, contact?.phone]) if (p) link('phone', p, member ? 'scl' : player ? 'teetime' : 'messaging', 85);

  // Golfers who stopped booking and ended memberships drift away; the rest are spread like a real club.
  const stopped = (player?.stopAt ?? now) < now || ended;
  const lastActivity = stopped ? now - rng.between(60, 240) * DAY : now - rng.next() ** 2 * 120 * DAY;
  const engagement = factors(rng, ENGAGEMENT_WEIGHTS, stopped ? 0.4 : 1.2);
  const churn = factors(rng, CHURN_WEIGHTS, stopped ? 2 : 0.5).map((f) =>
    f.name === 'tierDowngrade' ? { ...f, value: member?.tierChange?.reason === 'downgrade' ? 100 : 0 } : f,
  );
  const engagementScore = weightedTotal(engagement);
  const churnScore = weightedTotal(churn);
  const scoredAt = now - rng.between(0.1, 1) * DAY;
  const createdAt = Math.min(member?.syncedAt ?? now, player?.syncedAt ?? now, contact?.syncedAt ?? now);
  const deleted = member?.deletedAt !== undefined;
  const version = (rank: number, at: number, source: string): [number, string, string] => [rank, new Date(at).toISOString(), `${source}-${id.slice(0, 8)}`];
  const byField: VersionsByField = {};
  const byMember = member ? version(RANK_AUTHORITATIVE, member.syncedAt, 'scl') : null;
  const byOther = version(player ? RANK_AUTHORITATIVE : RANK_FILL, player?.syncedAt ?? contact?.syncedAt ?? now, player ? 'teetime' : 'messaging');
  for (const field of ['firstName', 'lastName', 'email', 'phoneNumber'] as const) byField[field] = byMember ?? byOther;
  if (member) for (const field of ['membershipStatus', 'membershipTier', 'memberSince', 'dateOfBirth'] as const) byField[field] = byMember!;
  if (player) for (const field of ['handicap', 'homeClubId', 'homeClubName'] as const) byField[field] = version(RANK_AUTHORITATIVE, player.syncedAt, 'teetime');
  if (contact) for (const field of ['emailOptIn', 'smsOptIn'] as const) byField[field] = version(RANK_AUTHORITATIVE, contact.syncedAt, 'messaging');

  const stage = deriveLifecycleStage({
    membershipStatus,
    lifetimeValue: member ? 1 : 0,
    engagementScore,
    hasSclMember: Boolean(member),
    hasTeetimePlayer: Boolean(player),
    hasMessagingContact: Boolean(contact),
  });
  const at = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
  const bookings30 = player && !stopped ? Math.round(player.roundsPerMonth * rng.between(0.5, 1.5)) : 0;
  const row: Record<(typeof PROFILE_COLUMNS)[number], Cell> = {
    id,
    tenant_id: tenantId,
    display_name: deleted ? 'Deleted member' : displayNameOf(person.firstName, person.lastName, email),
    first_name: person.firstName,
    last_name: person.lastName,
    email,
    phone_number: phone,
    date_of_birth: person.dateOfBirth,
    status: deleted ? 'DELETED' : 'ACTIVE',
    lifecycle_stage: stage,
    tags: rng.chance(0.05) ? '{vip}' : '{}',
    membership_status: membershipStatus,
    membership_tier: tier,
    member_since: at(member?.joinedAt),
    handicap: player?.handicap ?? null,
    handicap_updated_at: player ? at(now - rng.between(1, 300) * DAY) : null,
    home_club_id: player?.homeClub.id ?? null,
    home_club_name: player?.homeClub.name ?? null,
    email_opt_in: contact?.emailOptIn ?? false,
    sms_opt_in: contact?.smsOptIn ?? false,
    push_opt_in: member ? rng.chance(0.3) : false,
    whatsapp_opt_in: contact?.phone ? rng.chance(0.15) : false,
    lifetime_value: member ? Math.round(member.tier.monthlyCents * Math.min(240, (now - member.joinedAt) / (30 * DAY))) : 0,
    last_activity_at: at(lastActivity),
    last_activity_type: player ? 'ROUND_PLAYED' : contact ? 'EMAIL_OPENED' : 'PAYMENT_RECEIVED',
    last_booking_at: player ? at(stopped ? (player.stopAt ?? lastActivity) : now - rng.next() ** 2 * 60 * DAY) : null,
    last_email_open_at: contact && contact.openRate > 0 ? at(now - rng.between(0, 120) * DAY) : null,
    activity_count30d: stopped ? 0 : Math.round(rng.next() ** 2 * 30),
    activity_count90d: stopped ? rng.int(0, 3) : Math.round(rng.next() ** 2 * 80),
    booking_count30d: bookings30,
    engagement_score: engagementScore,
    engagement_score_at: at(scoredAt),
    engagement_level: levelOf(engagementScore, ENGAGEMENT_LEVELS),
    churn_risk_score: churnScore,
    churn_risk_score_at: at(scoredAt),
    churn_risk_level: levelOf(churnScore, CHURN_LEVELS),
    merged_into_id: null,
    field_versions: storeVersions(byField),
    search_text: deleted ? '' : searchTextOf({ firstName: person.firstName, lastName: person.lastName, email, memberIds: memberIdsFrom(identities) }),
    phone_digits: phone ? phoneDigits(phone) : null,
    created_at: at(createdAt),
    updated_at: at(scoredAt),
  };
  const scores = [
    { kind: 'ENGAGEMENT', score: engagementScore, level: levelOf(engagementScore, ENGAGEMENT_LEVELS), factors: engagement, at: scoredAt },
    { kind: 'CHURN', score: churnScore, level: levelOf(churnScore, CHURN_LEVELS), factors: churn, at: scoredAt },
  ];
  if (rng.chance(0.3)) {
    // Rescored earlier too: the churn list's week-on-week change and the profile's score history have something to show.
    const earlier = now - rng.between(8, 60) * DAY;
    const before = Math.max(0, Math.min(100, churnScore + rng.int(-25, 25)));
    scores.push({ kind: 'CHURN', score: before, level: levelOf(before, CHURN_LEVELS), factors: churn, at: earlier });
  }
  return { row, identities, scores, createdAt };
}

/**
 * Writes the club and answers the live people (for benchmarks to search for). About one in eight people known to
 * more than one source also leaves a MERGED profile behind: the one a second source created before identity
 * resolution linked them (no identities, merged_into_id set), as the pipeline leaves it.
 */
export async function seedClub(db: Database, options: SeedClubOptions): Promise<SeededPerson[]> {
  const { tenantId, profiles: count, seed = 42 } = options;
  const now = (options.now ?? new Date()).getTime();
  const rng = new Rng(seed);
  const people = createPeople(rng.fork('people'), count, { start: now - 540 * DAY, end: now });
  const taken = new Set<string>();
  const profileRows: Record<string, Cell>[] = [];
  const identityRows: Record<string, Cell>[] = [];
  const scoreRows: Record<string, Cell>[] = [];
  const mergeRows: Record<string, Cell>[] = [];
  const seeded: SeededPerson[] = [];
  for (const person of people) {
    if (profileRows.length >= count) break;
    const r = rng.fork('profile', person.index);
    const { row, identities, scores, createdAt } = profileOf(person, r, tenantId, now, taken);
    profileRows.push(row);
    for (const i of identities) identityRows.push({ tenant_id: tenantId, profile_id: row.id, ...i, created_at: row.created_at });
    for (const s of scores) {
      scoreRows.push({ tenant_id: tenantId, profile_id: row.id, kind: s.kind, score: s.score, level: s.level, factors: s.factors, scored_at: new Date(s.at).toISOString() });
    }
    seeded.push({ id: row.id as string, firstName: person.firstName, lastName: person.lastName, email: row.email as string | null, phone: row.phone_number as string | null, status: row.status as string });
    const sources = [person.member, person.player, person.contact].filter(Boolean).length;
    if (sources > 1 && r.chance(0.12) && profileRows.length < count) {
      const loser = { ...row, id: newId(), status: 'MERGED', merged_into_id: row.id, field_versions: [], created_at: new Date(createdAt).toISOString() };
      profileRows.push(loser);
      mergeRows.push({ tenant_id: tenantId, winner_id: row.id, loser_id: loser.id, reason: 'identity_match', merged_by: 'system', merged_at: row.created_at });
    }
  }
  await withoutIndexes(db, 'profiles', () => insertRows(db, 'profiles', PROFILE_COLUMNS, profileRows));
  await withoutIndexes(db, 'profile_identities', () => insertRows(db, 'profile_identities', IDENTITY_COLUMNS, identityRows));
  await withoutIndexes(db, 'profile_scores', () => insertRows(db, 'profile_scores', SCORE_COLUMNS, scoreRows));
  await insertRows(db, 'profile_merges', MERGE_COLUMNS, mergeRows);
  await db.execute(sql`analyze`);
  return seeded;
}
