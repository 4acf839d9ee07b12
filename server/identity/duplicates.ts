import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { AdminError } from '@/server/admin/errors';
import type { Db, Tx } from '@/server/db/client';
import { duplicateCandidates, profiles } from '@/server/db/schema';
import { mergeProfiles, type MergeResult } from './merge';
import { orderedPair, type DuplicateReason } from './plan';

export type DuplicateCandidate = typeof duplicateCandidates.$inferSelect;

export interface DuplicatePair {
  profileA: string;
  profileB: string;
  reason: DuplicateReason;
}

/**
 * Records pairs that an event suggested are one person but merge protection kept apart. A pair already recorded
 * (open, merged or dismissed by staff) is left as it is. Returns the candidate ids of all given pairs.
 */
export async function recordDuplicateCandidates(
  tx: Db,
  input: { tenantId: string; eventId: string | null; pairs: readonly DuplicatePair[] },
): Promise<string[]> {
  const rows = new Map<string, { profileA: string; profileB: string; reason: DuplicateReason }>();
  for (const pair of input.pairs) {
    if (pair.profileA === pair.profileB) continue;
    const [profileA, profileB] = orderedPair(pair.profileA, pair.profileB);
    rows.set(`${profileA}|${profileB}`, { profileA, profileB, reason: pair.reason });
  }
  if (rows.size === 0) return [];
  const values = [...rows.values()];
  await tx
    .insert(duplicateCandidates)
    .values(values.map((v) => ({ tenantId: input.tenantId, eventId: input.eventId, ...v })))
    .onConflictDoNothing();
  const stored = await tx
    .select({ id: duplicateCandidates.id })
    .from(duplicateCandidates)
    .where(
      and(
        eq(duplicateCandidates.tenantId, input.tenantId),
        or(
          ...values.map((v) =>
            and(eq(duplicateCandidates.profileA, v.profileA), eq(duplicateCandidates.profileB, v.profileB)),
          ),
        ),
      ),
    )
    .orderBy(duplicateCandidates.id);
  return stored.map((row) => row.id);
}

async function openCandidate(tx: Db, tenantId: string, candidateId: string): Promise<DuplicateCandidate> {
  const [candidate] = await tx
    .select()
    .from(duplicateCandidates)
    .where(and(eq(duplicateCandidates.tenantId, tenantId), eq(duplicateCandidates.id, candidateId)))
    .for('update');
  if (!candidate) throw new AdminError('not_found', 'No such duplicate candidate');
  if (candidate.status !== 'OPEN') {
    throw new AdminError('conflict', `This duplicate candidate is already ${candidate.status.toLowerCase()}`);
  }
  return candidate;
}

/** Staff decided the pair are two people: the candidate is closed and not offered again. */
export async function dismissDuplicate(
  tx: Db,
  input: { tenantId: string; candidateId: string; userId: string },
): Promise<DuplicateCandidate> {
  await openCandidate(tx, input.tenantId, input.candidateId);
  const [dismissed] = await tx
    .update(duplicateCandidates)
    .set({ status: 'DISMISSED', resolvedBy: input.userId, resolvedAt: sql`now()` })
    .where(and(eq(duplicateCandidates.tenantId, input.tenantId), eq(duplicateCandidates.id, input.candidateId)))
    .returning();
  return dismissed;
}

/**
 * Staff decided the pair are one person: the younger profile merges into the older one. The candidate is marked
 * MERGED by mergeProfiles. The caller (like the pipeline) updates segments and emits crm.profile.merged.
 */
export async function mergeDuplicate(
  tx: Tx,
  input: { tenantId: string; candidateId: string; userId: string; at?: Date },
): Promise<MergeResult> {
  const candidate = await openCandidate(tx, input.tenantId, input.candidateId);
  const pair = await tx
    .select({ id: profiles.id, status: profiles.status, createdAt: profiles.createdAt })
    .from(profiles)
    .where(and(eq(profiles.tenantId, input.tenantId), inArray(profiles.id, [candidate.profileA, candidate.profileB])))
    .orderBy(profiles.createdAt, profiles.id);
  if (pair.length !== 2) throw new AdminError('not_found', 'A profile of this pair no longer exists');
  if (pair.some((p) => p.status === 'MERGED')) {
    throw new AdminError('conflict', 'A profile of this pair was already merged into another profile');
  }
  const [winner, loser] = pair;
  return mergeProfiles(tx, {
    tenantId: input.tenantId,
    winnerId: winner.id,
    loserId: loser.id,
    reason: 'duplicate_candidate',
    mergedBy: input.userId,
    eventId: null,
    at: input.at ?? new Date(),
  });
}
