import { and, eq, inArray, sql } from 'drizzle-orm';
import { AdminError } from '@/server/admin/errors';
import type { Tx } from '@/server/db/client';
import {
  activities,
  duplicateCandidates,
  profileIdentities,
  profileMerges,
  profiles,
  type Profile,
} from '@/server/db/schema';
import {
  deriveLifecycleStage,
  displayNameOf,
  mergeFieldStates,
  searchTextOf,
  WRITABLE_FIELDS,
  type ProfileFieldState,
} from '@/server/profiles/fields';
import { linkedIdsFrom, memberIdsFrom, type LinkedIds } from './identities';
import { phoneDigits } from './normalize';
import { orderedPair } from './plan';

export interface MergeInput {
  tenantId: string;
  winnerId: string;
  loserId: string;
  /** Why: 'identity_match' (an event linked them), 'duplicate_candidate' (staff), … */
  reason: string;
  /** 'system' or the staff user id. */
  mergedBy: string;
  eventId: string | null;
  at: Date;
}

/** What crm.profile.merged reports. */
export interface MergeResult {
  winnerId: string;
  loserId: string;
  loserLinkedIds: LinkedIds;
  /** What moved or changed on the winner: 'identities', 'activities', 'duplicateCandidates', field names, … */
  mergedFields: string[];
}

function fieldState(profile: Profile): ProfileFieldState {
  return Object.fromEntries(WRITABLE_FIELDS.map((field) => [field, profile[field]])) as unknown as ProfileFieldState;
}

function latest(a: Date | null, b: Date | null): Date | null {
  if (!a || !b) return a ?? b;
  return a >= b ? a : b;
}

/** Locks both rows (in id order, like resolution does) and checks they can merge. */
async function lockPair(tx: Tx, input: MergeInput): Promise<{ winner: Profile; loser: Profile }> {
  if (input.winnerId === input.loserId) throw new AdminError('invalid_input', 'A profile cannot be merged into itself');
  const rows = await tx
    .select()
    .from(profiles)
    .where(and(eq(profiles.tenantId, input.tenantId), inArray(profiles.id, [input.winnerId, input.loserId])))
    .orderBy(profiles.id)
    .for('update');
  const winner = rows.find((r) => r.id === input.winnerId);
  const loser = rows.find((r) => r.id === input.loserId);
  if (!winner || !loser) throw new AdminError('not_found', 'No such profile');
  if (winner.status === 'MERGED' || loser.status === 'MERGED') {
    throw new AdminError('conflict', 'A merged-away profile cannot take part in another merge');
  }
  return { winner, loser };
}

/**
 * The loser's other duplicate pairs now concern the winner; the pair being merged is settled (status MERGED).
 * Returns how many pairs were touched.
 */
async function repointDuplicates(tx: Tx, input: MergeInput): Promise<number> {
  const { tenantId, winnerId: w, loserId: l } = input;
  const [a, b] = orderedPair(w, l);
  const settled = await tx
    .update(duplicateCandidates)
    .set({ status: 'MERGED', resolvedBy: input.mergedBy, resolvedAt: input.at })
    .where(
      and(
        eq(duplicateCandidates.tenantId, tenantId),
        eq(duplicateCandidates.profileA, a),
        eq(duplicateCandidates.profileB, b),
        eq(duplicateCandidates.status, 'OPEN'),
      ),
    )
    .returning({ id: duplicateCandidates.id });
  await tx.execute(sql`
    insert into duplicate_candidates
      (tenant_id, profile_a, profile_b, reason, event_id, status, resolved_by, resolved_at, created_at)
    select tenant_id, least(other, ${w}::uuid), greatest(other, ${w}::uuid),
           reason, event_id, status, resolved_by, resolved_at, created_at
      from (select d.*, case when d.profile_a = ${l}::uuid then d.profile_b else d.profile_a end as other
              from duplicate_candidates d
             where d.tenant_id = ${tenantId} and (d.profile_a = ${l}::uuid or d.profile_b = ${l}::uuid)) pairs
     where other <> ${w}::uuid
    on conflict (tenant_id, profile_a, profile_b) do nothing`);
  const moved = await tx.execute(sql`
    delete from duplicate_candidates
     where tenant_id = ${tenantId} and (profile_a = ${l}::uuid or profile_b = ${l}::uuid)
       and not (profile_a = ${a}::uuid and profile_b = ${b}::uuid)`);
  return settled.length + moved.count;
}

/**
 * Merges `loserId` into `winnerId` (§6): identifiers and activities move to the winner, duplicate pairs follow,
 * fields merge by version (last writer wins), metrics add up, and the loser stays as a MERGED row pointing at the
 * winner, with a profile_merges record. Segment memberships, scores and outbound events are the caller's.
 */
export async function mergeProfiles(tx: Tx, input: MergeInput): Promise<MergeResult> {
  const { tenantId, winnerId, loserId } = input;
  const { winner, loser } = await lockPair(tx, input);

  const movedIdentities = await tx
    .update(profileIdentities)
    .set({ profileId: winnerId })
    .where(and(eq(profileIdentities.tenantId, tenantId), eq(profileIdentities.profileId, loserId)))
    .returning({ kind: profileIdentities.kind, value: profileIdentities.value });
  const movedActivities = await tx
    .update(activities)
    .set({ profileId: winnerId })
    .where(and(eq(activities.tenantId, tenantId), eq(activities.profileId, loserId)));
  const movedPairs = await repointDuplicates(tx, input);
  // Anything merged into the loser earlier now points straight at the live profile.
  await tx
    .update(profiles)
    .set({ mergedIntoId: winnerId })
    .where(and(eq(profiles.tenantId, tenantId), eq(profiles.mergedIntoId, loserId)));

  const fields = mergeFieldStates(
    { state: fieldState(winner), versions: winner.fieldVersions },
    { state: fieldState(loser), versions: loser.fieldVersions },
  );
  const identities = await tx
    .select({ kind: profileIdentities.kind, value: profileIdentities.value })
    .from(profileIdentities)
    .where(and(eq(profileIdentities.tenantId, tenantId), eq(profileIdentities.profileId, winnerId)));
  const linked = linkedIdsFrom(identities);
  const lifetimeValue = winner.lifetimeValue + loser.lifetimeValue;
  const tags = [...new Set([...winner.tags, ...loser.tags])].sort();
  const state = fields.state;

  await tx
    .update(profiles)
    .set({
      ...state,
      fieldVersions: fields.versions,
      displayName: displayNameOf(state.firstName, state.lastName, state.email),
      searchText: searchTextOf({ ...state, memberIds: memberIdsFrom(identities) }),
      phoneDigits: state.phoneNumber ? phoneDigits(state.phoneNumber) : null,
      lifecycleStage: deriveLifecycleStage({
        membershipStatus: state.membershipStatus,
        lifetimeValue,
        engagementScore: winner.engagementScore,
        hasSclMember: linked.sclMemberId !== null,
        hasTeetimePlayer: linked.teetimePlayerId !== null,
        hasMessagingContact: linked.messagingContactId !== null,
      }),
      lifetimeValue,
      tags,
      lastActivityAt: latest(winner.lastActivityAt, loser.lastActivityAt),
      lastActivityType:
        loser.lastActivityAt && (!winner.lastActivityAt || loser.lastActivityAt > winner.lastActivityAt)
          ? loser.lastActivityType
          : winner.lastActivityType,
      lastBookingAt: latest(winner.lastBookingAt, loser.lastBookingAt),
      lastEmailOpenAt: latest(winner.lastEmailOpenAt, loser.lastEmailOpenAt),
      lastEmailClickAt: latest(winner.lastEmailClickAt, loser.lastEmailClickAt),
      createdAt: winner.createdAt <= loser.createdAt ? winner.createdAt : loser.createdAt,
      updatedAt: sql`now()`,
    })
    .where(and(eq(profiles.tenantId, tenantId), eq(profiles.id, winnerId)));
  await tx
    .update(profiles)
    .set({ status: 'MERGED', mergedIntoId: winnerId, updatedAt: sql`now()` })
    .where(and(eq(profiles.tenantId, tenantId), eq(profiles.id, loserId)));
  await tx.insert(profileMerges).values({
    tenantId,
    winnerId,
    loserId,
    reason: input.reason,
    mergedBy: input.mergedBy,
    eventId: input.eventId,
    mergedAt: input.at,
  });

  const mergedFields = [
    ...(movedIdentities.length ? ['identities'] : []),
    ...(movedActivities.count ? ['activities'] : []),
    ...(movedPairs ? ['duplicateCandidates'] : []),
    ...(loser.lifetimeValue ? ['lifetimeValue'] : []),
    ...(tags.length !== winner.tags.length ? ['tags'] : []),
    ...fields.changed,
  ];
  return { winnerId, loserId, loserLinkedIds: linkedIdsFrom(movedIdentities), mergedFields };
}
