import { aliasedTable, and, asc, desc, eq, gte, inArray, or, sql } from 'drizzle-orm';
import { foldEmail } from '@/server/identity/normalize';
import type { Db } from '@/server/db/client';
import {
  duplicateCandidates,
  profileIdentities,
  profileMerges,
  profiles,
  profileScores,
  segmentMemberships,
  segments,
  tenants,
  type ScoreFactor,
} from '@/server/db/schema';
import { normalizePhone } from '@/server/identity/normalize';
import { displayNameSql } from './display-name';

const SCORE_HISTORY_DAYS = 90;

/** The §7 fields as the UI and API show them (internal bookkeeping columns left out). */
const profileColumns = {
  id: profiles.id,
  tenantId: profiles.tenantId,
  name: displayNameSql,
  displayName: profiles.displayName,
  firstName: profiles.firstName,
  lastName: profiles.lastName,
  email: profiles.email,
  phoneNumber: profiles.phoneNumber,
  dateOfBirth: profiles.dateOfBirth,
  status: profiles.status,
  lifecycleStage: profiles.lifecycleStage,
  tags: profiles.tags,
  membershipStatus: profiles.membershipStatus,
  membershipTier: profiles.membershipTier,
  memberSince: profiles.memberSince,
  membershipExpiry: profiles.membershipExpiry,
  handicap: profiles.handicap,
  handicapUpdatedAt: profiles.handicapUpdatedAt,
  homeClubId: profiles.homeClubId,
  homeClubName: profiles.homeClubName,
  emailOptIn: profiles.emailOptIn,
  smsOptIn: profiles.smsOptIn,
  pushOptIn: profiles.pushOptIn,
  whatsappOptIn: profiles.whatsappOptIn,
  emailUndeliverable: profiles.emailUndeliverable,
  phoneUndeliverable: profiles.phoneUndeliverable,
  lifetimeValue: profiles.lifetimeValue,
  lastActivityAt: profiles.lastActivityAt,
  lastActivityType: profiles.lastActivityType,
  lastBookingAt: profiles.lastBookingAt,
  lastEmailOpenAt: profiles.lastEmailOpenAt,
  lastEmailClickAt: profiles.lastEmailClickAt,
  activityCount30d: profiles.activityCount30d,
  activityCount90d: profiles.activityCount90d,
  bookingCount30d: profiles.bookingCount30d,
  engagementScore: profiles.engagementScore,
  engagementScoreAt: profiles.engagementScoreAt,
  engagementLevel: profiles.engagementLevel,
  churnRiskScore: profiles.churnRiskScore,
  churnRiskScoreAt: profiles.churnRiskScoreAt,
  churnRiskLevel: profiles.churnRiskLevel,
  mergedIntoId: profiles.mergedIntoId,
  createdAt: profiles.createdAt,
  updatedAt: profiles.updatedAt,
};

export interface LatestScore {
  score: number;
  level: string;
  factors: ScoreFactor[];
  scoredAt: Date;
}

export type CustomerDetail = NonNullable<Awaited<ReturnType<typeof getProfile>>>;

/**
 * One person with everything the profile page and `GET /customers/:id` show. A foreign or unknown id answers
 * null; a merged-away id still answers, with status MERGED and mergedIntoId.
 */
export async function getProfile(db: Db, { tenantId, id }: { tenantId: string; id: string }) {
  if (!isUuid(id)) return null;
  const [profile] = await db
    .select(profileColumns)
    .from(profiles)
    .where(and(eq(profiles.tenantId, tenantId), eq(profiles.id, id)));
  if (!profile) return null;

  const other = aliasedTable(profiles, 'other');
  const since = new Date(Date.now() - SCORE_HISTORY_DAYS * 86_400_000);
  const [identifiers, memberships, merges, duplicates, history, latestEngagement, latestChurn] = await Promise.all([
    db
      .select({
        kind: profileIdentities.kind,
        value: profileIdentities.value,
        source: profileIdentities.source,
        confidence: profileIdentities.confidence,
        createdAt: profileIdentities.createdAt,
      })
      .from(profileIdentities)
      .where(and(eq(profileIdentities.tenantId, tenantId), eq(profileIdentities.profileId, id)))
      .orderBy(asc(profileIdentities.kind), asc(profileIdentities.createdAt)),
    db
      .select({
        segmentId: segments.id,
        name: segments.name,
        type: segments.type,
        isSystem: segments.isSystem,
        memberCount: segments.memberCount,
        joinedAt: segmentMemberships.joinedAt,
      })
      .from(segmentMemberships)
      .innerJoin(segments, and(eq(segments.id, segmentMemberships.segmentId), eq(segments.tenantId, tenantId)))
      .where(and(eq(segmentMemberships.tenantId, tenantId), eq(segmentMemberships.profileId, id)))
      .orderBy(asc(segments.name)),
    db
      .select({
        id: profileMerges.id,
        winnerId: profileMerges.winnerId,
        loserId: profileMerges.loserId,
        otherName: sql<string>`coalesce(nullif(${other.displayName}, ''), nullif(trim(concat_ws(' ', ${other.firstName}, ${other.lastName})), ''), ${other.email}, 'Unnamed person')`,
        reason: profileMerges.reason,
        mergedBy: profileMerges.mergedBy,
        eventId: profileMerges.eventId,
        mergedAt: profileMerges.mergedAt,
      })
      .from(profileMerges)
      .leftJoin(
        other,
        and(
          eq(other.tenantId, tenantId),
          sql`${other.id} = case when ${profileMerges.winnerId} = ${id} then ${profileMerges.loserId} else ${profileMerges.winnerId} end`,
        ),
      )
      .where(and(eq(profileMerges.tenantId, tenantId), or(eq(profileMerges.winnerId, id), eq(profileMerges.loserId, id))))
      .orderBy(desc(profileMerges.mergedAt)),
    db
      .select({
        id: duplicateCandidates.id,
        otherId: other.id,
        otherName: sql<string>`coalesce(nullif(${other.displayName}, ''), nullif(trim(concat_ws(' ', ${other.firstName}, ${other.lastName})), ''), ${other.email}, 'Unnamed person')`,
        otherEmail: other.email,
        reason: duplicateCandidates.reason,
        eventId: duplicateCandidates.eventId,
        createdAt: duplicateCandidates.createdAt,
      })
      .from(duplicateCandidates)
      .innerJoin(
        other,
        and(
          eq(other.tenantId, tenantId),
          sql`${other.id} = case when ${duplicateCandidates.profileA} = ${id} then ${duplicateCandidates.profileB} else ${duplicateCandidates.profileA} end`,
        ),
      )
      .where(
        and(
          eq(duplicateCandidates.tenantId, tenantId),
          eq(duplicateCandidates.status, 'OPEN'),
          or(eq(duplicateCandidates.profileA, id), eq(duplicateCandidates.profileB, id)),
        ),
      )
      .orderBy(desc(duplicateCandidates.createdAt)),
    db
      .select({ kind: profileScores.kind, score: profileScores.score, scoredAt: profileScores.scoredAt })
      .from(profileScores)
      .where(
        and(eq(profileScores.tenantId, tenantId), eq(profileScores.profileId, id), gte(profileScores.scoredAt, since)),
      )
      .orderBy(asc(profileScores.scoredAt))
      .limit(2000),
    latestScore(db, tenantId, id, 'ENGAGEMENT'),
    latestScore(db, tenantId, id, 'CHURN'),
  ]);

  return {
    ...profile,
    identifiers,
    segments: memberships,
    merges,
    duplicateCandidates: duplicates,
    scores: { engagement: latestEngagement, churn: latestChurn },
    scoreHistory: history,
  };
}

async function latestScore(
  db: Db,
  tenantId: string,
  profileId: string,
  kind: 'ENGAGEMENT' | 'CHURN',
): Promise<LatestScore | null> {
  const [row] = await db
    .select({
      score: profileScores.score,
      level: profileScores.level,
      factors: profileScores.factors,
      scoredAt: profileScores.scoredAt,
    })
    .from(profileScores)
    .where(and(eq(profileScores.tenantId, tenantId), eq(profileScores.profileId, profileId), eq(profileScores.kind, kind)))
    .orderBy(desc(profileScores.scoredAt))
    .limit(1);
  return row ?? null;
}

export interface ResolveInput {
  tenantId: string;
  email?: string | null;
  phone?: string | null;
  authUserId?: string | null;
}

/**
 * `GET /customers/resolve`: the live profile an identifier belongs to, strongest identifier first (§6). Follows a
 * merge to the surviving profile. Null when nothing matches.
 */
export async function resolveCustomer(db: Db, input: ResolveInput): Promise<CustomerDetail | null> {
  const { tenantId } = input;
  const candidates: { kind: 'authUserId' | 'email' | 'phone'; value: string }[] = [];
  if (input.authUserId?.trim()) candidates.push({ kind: 'authUserId', value: input.authUserId.trim() });
  if (input.email?.trim()) candidates.push({ kind: 'email', value: foldEmail(input.email) });
  if (input.phone?.trim()) {
    const [tenant] = await db.select({ country: tenants.country }).from(tenants).where(eq(tenants.id, tenantId));
    const e164 = normalizePhone(input.phone, tenant?.country ?? 'ZA');
    if (e164) candidates.push({ kind: 'phone', value: e164 });
  }
  if (candidates.length === 0) return null;

  const rows = await db
    .select({ kind: profileIdentities.kind, profileId: profileIdentities.profileId })
    .from(profileIdentities)
    .where(
      and(
        eq(profileIdentities.tenantId, tenantId),
        or(...candidates.map((c) => and(eq(profileIdentities.kind, c.kind), eq(profileIdentities.value, c.value)))),
      ),
    );
  let profileId = candidates.map((c) => rows.find((r) => r.kind === c.kind)?.profileId).find(Boolean);
  if (!profileId && input.email?.trim()) {
    // Profiles created before identities were recorded still carry their email on the row itself.
    const [byEmail] = await db
      .select({ id: profiles.id })
      .from(profiles)
      .where(
        and(
          eq(profiles.tenantId, tenantId),
          eq(profiles.email, foldEmail(input.email)),
          inArray(profiles.status, ['ACTIVE', 'INACTIVE']),
        ),
      )
      .limit(1);
    profileId = byEmail?.id;
  }
  if (!profileId) return null;
  return followMerges(db, tenantId, profileId);
}

/** A merged-away profile points at its winner; follow the chain (bounded, in case of a bad cycle). */
async function followMerges(db: Db, tenantId: string, id: string): Promise<CustomerDetail | null> {
  let current = await getProfile(db, { tenantId, id });
  for (let hops = 0; current?.status === 'MERGED' && current.mergedIntoId && hops < 5; hops++) {
    current = await getProfile(db, { tenantId, id: current.mergedIntoId });
  }
  return current;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Anything that is not a uuid cannot be a profile id; answering null avoids a database cast error. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
