import { and, eq, inArray, isNull, or } from 'drizzle-orm';
import type { Tx } from '@/server/db/client';
import { profileIdentities, profiles, STRONG_IDENTITY_KINDS, type ProfileStatus } from '@/server/db/schema';
import { recordDuplicateCandidates } from './duplicates';
import { lockIdentifiers } from './locks';
import { mergeProfiles, type MergeResult } from './merge';
import { dedupeIdentifiers, identifierKey, type Identifier } from './normalize';
import { isStrongKind, planResolution, type CandidateProfile, type HomeRef } from './plan';

export interface ResolveInput {
  tenantId: string;
  /** Normalised identifiers (normalizeIdentifiers); at least one. */
  identifiers: Identifier[];
  /** Who told us: scl, teetime, messaging, crm. Stored on new identifiers. */
  source: string;
  eventId: string;
  at: Date;
}

export interface Resolution {
  /** The live profile the event is about. */
  profileId: string;
  /** True when `profileId` was created by this resolution. */
  created: boolean;
  /** Profiles merged into `profileId`, in order. */
  merges: MergeResult[];
  /** Duplicate candidates (new or already recorded) for the pairs merge protection kept apart. */
  duplicateCandidateIds: string[];
  /** Identifiers stored by this resolution (on `profileId`, or on a profile of its own when protected). */
  addedIdentifiers: Identifier[];
  /**
   * Every profile this resolution created, `profileId` included when `created`. More than one when a strong
   * identifier the event's profile cannot hold got a profile of its own: each needs crm.profile.created too.
   */
  createdProfileIds: string[];
}

/** A resolution that saw the database change under it this many times gives up (the pipeline retries the batch). */
const MAX_ATTEMPTS = 5;

function identifierMatch(identifiers: readonly Identifier[]) {
  return or(
    ...identifiers.map((i) => and(eq(profileIdentities.kind, i.kind), eq(profileIdentities.value, i.value))),
  );
}

interface LockedProfile {
  id: string;
  createdAt: Date;
  status: ProfileStatus;
}

/**
 * Locks the live profiles behind `ids` FOR UPDATE in id order, following mergedIntoId to the live profile.
 * Returns id → live profile id and the locked live rows.
 */
async function lockLiveProfiles(tx: Tx, tenantId: string, ids: readonly string[]) {
  const liveOf = new Map<string, string>();
  const live = new Map<string, LockedProfile>();
  let pending = [...new Set(ids)];
  for (let depth = 0; pending.length > 0; depth++) {
    if (depth > 10) throw new Error('Merge chain too long while resolving identity');
    const rows = await tx
      .select({
        id: profiles.id,
        createdAt: profiles.createdAt,
        status: profiles.status,
        mergedIntoId: profiles.mergedIntoId,
      })
      .from(profiles)
      .where(and(eq(profiles.tenantId, tenantId), inArray(profiles.id, pending)))
      .orderBy(profiles.id)
      .for('update');
    pending = [];
    for (const row of rows) {
      if (row.status === 'MERGED' && row.mergedIntoId) {
        liveOf.set(row.id, row.mergedIntoId);
        if (!liveOf.has(row.mergedIntoId)) pending.push(row.mergedIntoId);
      } else {
        liveOf.set(row.id, row.id);
        live.set(row.id, row);
      }
    }
  }
  const follow = (id: string): string => {
    let current = id;
    for (let hops = 0; liveOf.get(current) !== current && liveOf.has(current) && hops < 20; hops++) {
      current = liveOf.get(current)!;
    }
    return current;
  };
  return { follow, live };
}

/**
 * Who owns the identifiers, and what the owning profiles hold, read under row locks. Identifiers only move
 * between profiles whose rows are locked (merges, unlinks), so after locking the owners, a second read is
 * stable; if an identifier moved between the two reads (a merge committed in between), read again.
 */
async function loadCandidates(tx: Tx, tenantId: string, identifiers: readonly Identifier[]) {
  let owned = await tx
    .select({ kind: profileIdentities.kind, value: profileIdentities.value, profileId: profileIdentities.profileId })
    .from(profileIdentities)
    .where(and(eq(profileIdentities.tenantId, tenantId), identifierMatch(identifiers)));

  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const owners = new Map<string, string>();
    const candidates = new Map<string, CandidateProfile>();
    if (owned.length === 0) return { owners, candidates };

    const { follow, live } = await lockLiveProfiles(
      tx,
      tenantId,
      owned.map((row) => row.profileId),
    );
    const liveIds = [...live.keys()];
    const rows = await tx
      .select({ kind: profileIdentities.kind, value: profileIdentities.value, profileId: profileIdentities.profileId })
      .from(profileIdentities)
      .where(
        and(
          eq(profileIdentities.tenantId, tenantId),
          or(
            identifierMatch(identifiers),
            and(
              inArray(profileIdentities.profileId, liveIds),
              inArray(profileIdentities.kind, [...STRONG_IDENTITY_KINDS]),
              // An unlinked (tombstoned) source id no longer counts as the profile's link.
              isNull(profileIdentities.unlinkedAt),
            ),
          ),
        ),
      );
    const eventKeys = new Set(identifiers.map(identifierKey));
    const current = rows.filter((row) => eventKeys.has(identifierKey(row)));
    if (current.some((row) => !live.has(follow(row.profileId)))) {
      owned = current; // an identifier moved to a profile we have not locked: lock that one too
      continue;
    }

    for (const profile of live.values()) candidates.set(profile.id, { ...profile, strong: {} });
    for (const row of rows) {
      const candidate = candidates.get(follow(row.profileId));
      if (candidate && isStrongKind(row.kind)) (candidate.strong[row.kind] ??= []).push(row.value);
    }
    for (const row of current) owners.set(identifierKey(row), follow(row.profileId));
    // Profiles locked via a first read that no longer own any of the identifiers simply drop out of the plan.
    for (const id of [...candidates.keys()]) {
      if (![...owners.values()].includes(id)) candidates.delete(id);
    }
    return { owners, candidates };
  }
  throw new Error('Identity resolution kept changing under concurrent merges; retry');
}

async function createProfiles(tx: Tx, tenantId: string, count: number): Promise<string[]> {
  if (count === 0) return [];
  const now = new Date();
  const rows = await tx
    .insert(profiles)
    .values(Array.from({ length: count }, () => ({ tenantId, createdAt: now, updatedAt: now })))
    .returning({ id: profiles.id });
  return rows.map((row) => row.id);
}

/**
 * Stores identifiers. The advisory locks mean nobody else can have stored one of these since we read them; the
 * unique index is the backstop. If it ever fires, the owner is re-read: already ours is fine, anyone else's means
 * the picture we planned on was wrong, so the transaction fails and the pipeline runs it again.
 */
async function attachIdentifiers(
  tx: Tx,
  input: { tenantId: string; source: string; rows: { profileId: string; identifier: Identifier }[] },
): Promise<Identifier[]> {
  if (input.rows.length === 0) return [];
  const inserted = await tx
    .insert(profileIdentities)
    .values(
      input.rows.map(({ profileId, identifier }) => ({
        tenantId: input.tenantId,
        profileId,
        kind: identifier.kind,
        value: identifier.value,
        confidence: identifier.confidence,
        source: input.source,
      })),
    )
    .onConflictDoNothing()
    .returning({ kind: profileIdentities.kind, value: profileIdentities.value });
  const insertedKeys = new Set(inserted.map(identifierKey));
  const skipped = input.rows.filter((row) => !insertedKeys.has(identifierKey(row.identifier)));
  if (skipped.length > 0) {
    const owners = await tx
      .select({ kind: profileIdentities.kind, value: profileIdentities.value, profileId: profileIdentities.profileId })
      .from(profileIdentities)
      .where(
        and(
          eq(profileIdentities.tenantId, input.tenantId),
          identifierMatch(skipped.map((row) => row.identifier)),
        ),
      );
    const ownerOf = new Map(owners.map((row) => [identifierKey(row), row.profileId]));
    if (skipped.some((row) => ownerOf.get(identifierKey(row.identifier)) !== row.profileId)) {
      throw new Error('An identifier was claimed by another profile during resolution; retry');
    }
  }
  return input.rows.filter((row) => insertedKeys.has(identifierKey(row.identifier))).map((row) => row.identifier);
}

/**
 * Finds or creates the profile an event is about (§6), merging profiles the event proves are one person unless
 * merge protection forbids it. Must run inside the caller's transaction: it takes advisory locks on the
 * identifiers and row locks on the profiles it reads, held until commit.
 */
export async function resolveProfile(tx: Tx, input: ResolveInput): Promise<Resolution> {
  const { tenantId } = input;
  const identifiers = dedupeIdentifiers(input.identifiers);
  if (identifiers.length === 0) throw new Error('resolveProfile needs at least one identifier');

  await lockIdentifiers(tx, tenantId, identifiers);
  const { owners, candidates } = await loadCandidates(tx, tenantId, identifiers);
  const plan = planResolution(identifiers, owners, candidates);

  const createdIds = await createProfiles(tx, tenantId, plan.createCount);
  const idOf = (home: HomeRef) => ('existing' in home ? home.existing : createdIds[home.created]);
  const profileId = idOf(plan.target);

  const merges: MergeResult[] = [];
  for (const loserId of plan.mergeLoserIds) {
    merges.push(
      await mergeProfiles(tx, {
        tenantId,
        winnerId: profileId,
        loserId,
        reason: 'identity_match',
        mergedBy: 'system',
        eventId: input.eventId,
        at: input.at,
      }),
    );
  }

  const addedIdentifiers = await attachIdentifiers(tx, {
    tenantId,
    source: input.source,
    rows: plan.attach.map(({ home, identifier }) => ({ profileId: idOf(home), identifier })),
  });
  const duplicateCandidateIds = await recordDuplicateCandidates(tx, {
    tenantId,
    eventId: input.eventId,
    pairs: plan.duplicates.map(({ a, b, reason }) => ({ profileA: idOf(a), profileB: idOf(b), reason })),
  });

  return {
    profileId,
    created: 'created' in plan.target,
    merges,
    duplicateCandidateIds,
    addedIdentifiers,
    createdProfileIds: createdIds,
  };
}
