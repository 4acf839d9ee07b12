import type { Tx } from '@/server/db/client';
import { newId } from '@/server/db/ids';
import { duplicateCandidates, profileIdentities, type Tenant } from '@/server/db/schema';
import { lockIdentifiersOfTenants, tryLockIdentifiersOfTenants } from '@/server/identity/locks';
import { dedupeIdentifiers, identifierKey, type Identifier } from '@/server/identity/normalize';
import { newProfileRow } from '@/server/profiles/new-profile';
import { isStrongKind, orderedPair, planResolution, type CandidateProfile, type DuplicateReason, type HomeRef } from '@/server/identity/plan';
import { mayNeedIdentities } from './apply-event';
import type { BatchState } from './batch-state';
import { ownersOf, type Prepared } from './prefetch';

/** What the batch decided for one event: the answer resolveProfile would have given at that point of the batch. */
export interface BatchResolution {
  profileId: string;
  /** This event created the profile (the person's first event). */
  created: boolean;
  /** The identifiers this event attached to the profile. */
  addedIdentifiers: Identifier[];
  /**
   * Merge protection kept a profile apart from this one (a family's shared email, a second member number): the pair
   * is recorded as a duplicate candidate for staff, once (every later event of the pair finds it recorded).
   */
  duplicatePairs: { profileA: string; profileB: string; reason: DuplicateReason }[];
}

/** Groups of events that share an identifier or an owning profile (union-find over string keys). */
class Groups {
  private readonly parent = new Map<string, string>();

  find(key: string): string {
    let root = key;
    while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root)!;
    this.parent.set(key, root);
    return root;
  }

  union(keys: string[]): void {
    const [first, ...rest] = keys.map((k) => this.find(k));
    for (const r of rest) if (r !== first) this.parent.set(r, first);
  }
}

const isLive = (status: string) => status === 'ACTIVE' || status === 'INACTIVE';

/**
 * Identity resolution for the whole batch at once, for the common cases of a backlog: a person seen for the first
 * time, a known person showing up with a new identifier (a TeeTime player id next to a known email), and a person
 * whose event names someone merge protection keeps apart (a family's shared email: every event of theirs records
 * the same duplicate candidate). Resolving those one by one costs ~6 round trips each, and holds their identifier
 * locks that much longer; here the batch pays a few statements in all.
 *
 * Events are grouped by shared identifiers and owning profiles. A group qualifies when every owner is a live
 * profile and no event of it erases or unlinks. The identifiers of every event that needs resolution are
 * advisory-locked in one statement (the locks resolveProfile takes, so a concurrent batch seeing the same new person
 * waits, then finds it), the unowned ones of qualifying groups checked again, and every owner is row-locked with the
 * batch's other profiles, all before any late lock (see below). Then each event is planned in batch order with
 * the same pure `planResolution` resolveProfile uses, against the group's profiles as the batch changes them. A group
 * where some plan merges or needs a second profile is left entirely to resolveProfile, as is
 * everything these checks reject, so the outcome never differs from resolving event by event.
 *
 * Also locks and loads every profile the fast path needs (the batch's `knownProfileId`s). Taking all of these locks
 * up front, in one sorted statement each, keeps two lanes from deadlocking (Postgres would notice only after 1 s).
 *
 * With `yieldLocked`, none of these locks is waited for: a group with an identifier or a profile that another
 * transaction holds (another worker's batch about the same person) is left out of this batch whole, and its events
 * are returned, for the caller to run in its next batch. Two workers then spend their time on different people
 * instead of queueing on each other's rows.
 */
export async function resolveInBatch(
  tx: Tx,
  prepared: Prepared[],
  tenants: Map<string, Tenant>,
  state: BatchState,
  { yieldLocked = false } = {},
): Promise<Set<Prepared>> {
  const known = prepared.flatMap((p) => (p.knownProfileId ? [p.knownProfileId] : []));
  // Identifiers of known profiles only where applying the event may read them (most events never do).
  const knownNeedingIdentities = prepared.flatMap((p) => (p.knownProfileId && mayNeedIdentities(p.item) ? [p.knownProfileId] : []));
  const tenantOf = (p: Prepared) => p.item.normalized.envelope.tenantId;
  const keyOf = (p: Prepared, i: Identifier) => `${tenantOf(p)}|${identifierKey(i)}`;
  const candidates = prepared.filter(
    (p) => !p.duplicate && p.identifiers.length > 0 && tenants.has(tenantOf(p)) && !p.item.normalized.definition.personless,
  );

  const groups = new Groups();
  for (const p of candidates) {
    groups.union([...p.identifiers.map((i) => keyOf(p, i)), ...[...p.owners.values()].map((o) => `profile|${o.profileId}`)]);
  }
  const byGroup = new Map<string, Prepared[]>();
  for (const p of candidates) {
    const root = groups.find(keyOf(p, p.identifiers[0]));
    byGroup.set(root, [...(byGroup.get(root) ?? []), p]);
  }
  const qualifies = (p: Prepared) =>
    !p.item.normalized.effects.erase &&
    !p.item.normalized.effects.unlinkMessagingContact &&
    [...p.owners.values()].every((o) => isLive(o.status));
  let eligible = [...byGroup.values()].filter((events) => events.some((p) => !p.knownProfileId) && events.every(qualifies));

  // Four statements in one round trip, in this order (see send). First every identifier that resolution may claim
  // or move is advisory-locked, in one statement, before any profile row: resolveProfile (for the events left to
  // it) takes the same locks, re-entrantly, after the batch already holds rows, and taking them only then would let
  // two batches wait on each other (a deadlock costs a second).
  const resolving = candidates.filter((p) => !p.knownProfileId).flatMap((p) => p.identifiers.map((identifier) => ({ tenantId: tenantOf(p), identifier })));
  const locked = yieldLocked ? tryLockIdentifiersOfTenants(tx, resolving) : lockIdentifiersOfTenants(tx, resolving).then(() => []);
  // Then, under those locks, whether someone claimed an unowned one since the prefetch read.
  const unowned = new Map<string, Identifier[]>();
  for (const p of eligible.flat()) {
    const fresh = p.identifiers.filter((i) => !p.owners.has(identifierKey(i)));
    if (fresh.length) unowned.set(tenantOf(p), [...(unowned.get(tenantOf(p)) ?? []), ...fresh]);
  }
  const wanted = [...unowned].flatMap(([tenantId, ids]) => ids.map((i) => ({ tenant_id: tenantId, kind: i.kind, value: i.value })));
  const rechecked = ownersOf(tx, wanted);
  // Then a row lock, in one statement and in id order, on every profile the batch may touch: the fast path's, the
  // owners this batch plans with, and the owners resolveProfile will lock for the events left to it (it re-locks
  // them without waiting). Locks taken one by one later, in another order, are what lets two lanes deadlock. With
  // them, the identifiers of the profiles the batch may plan with.
  const owners = candidates.flatMap((p) => [...p.owners.values()].map((o) => o.profileId));
  const loaded = state.load([...known, ...owners], { skipLocked: yieldLocked });
  const planned = eligible.flat().flatMap((p) => [...p.owners.values()].map((o) => o.profileId));
  const [busyIdentifiers, taken, skippedProfiles] = await Promise.all([locked, rechecked, loaded, state.loadIdentities([...knownNeedingIdentities, ...planned])]);

  // Groups another transaction holds part of wait for the next batch, whole (their events keep their order).
  const deferred = new Set<Prepared>();
  if (yieldLocked && (busyIdentifiers.length > 0 || skippedProfiles.size > 0)) {
    const busyRoots = new Set([
      ...busyIdentifiers.map((e) => groups.find(`${e.tenantId}|${identifierKey(e.identifier)}`)),
      ...[...skippedProfiles].map((id) => groups.find(`profile|${id}`)),
    ]);
    for (const [root, events] of byGroup) if (busyRoots.has(root)) for (const p of events) deferred.add(p);
    eligible = eligible.filter((events) => !deferred.has(events[0]));
  }
  if (taken.size) eligible = eligible.filter((events) => !events.some((p) => p.identifiers.some((i) => taken.has(keyOf(p, i)))));

  const now = new Date();
  const created: { id: string; tenantId: string }[] = [];
  const attached: (typeof profileIdentities.$inferInsert)[] = [];
  const pairs = new Map<string, typeof duplicateCandidates.$inferInsert>();
  for (const events of eligible) {
    const plan = planGroup(events, state, now);
    if (!plan) continue;
    for (const [p, resolution] of plan) {
      p.resolution = resolution;
      if (resolution.created) created.push({ id: resolution.profileId, tenantId: tenantOf(p) });
      for (const i of resolution.addedIdentifiers) {
        attached.push({ tenantId: tenantOf(p), profileId: resolution.profileId, kind: i.kind, value: i.value, confidence: i.confidence, source: p.item.normalized.envelope.source });
      }
      for (const pair of resolution.duplicatePairs) {
        const key = `${tenantOf(p)}|${pair.profileA}|${pair.profileB}`;
        if (!pairs.has(key)) pairs.set(key, { tenantId: tenantOf(p), eventId: p.item.normalized.envelope.id, ...pair });
      }
    }
  }
  // New people are built in memory and written whole once their events are applied, with these identifiers and
  // pairs (BatchState.flushNew): the advisory locks keep the identifiers ours until the batch commits.
  state.adoptNew(created.map((p) => newProfileRow(p.id, p.tenantId, now)));
  state.addPlanned(attached, [...pairs.values()]);
  return deferred;
}

/**
 * Replays resolveProfile's plan for each event of one group in batch order. Returns null when some event needs
 * more than creating one profile, adding identifiers to it and recording duplicate candidates (a merge, or a second
 * profile for a strong identifier the first cannot hold), or when an owner is no longer live under its lock.
 */
function planGroup(events: Prepared[], state: BatchState, now: Date): Map<Prepared, BatchResolution> | null {
  const owners = new Map<string, string>();
  const candidates = new Map<string, CandidateProfile>();
  for (const p of events) {
    for (const [key, o] of p.owners) {
      const row = state.get(o.profileId);
      if (!row || !isLive(row.status)) return null;
      owners.set(key, o.profileId);
      if (candidates.has(row.id)) continue;
      const strong: CandidateProfile['strong'] = {};
      for (const i of state.heldIdentities(row.id)) {
        if (isStrongKind(i.kind) && !i.unlinkedAt) (strong[i.kind] ??= []).push(i.value);
      }
      candidates.set(row.id, { id: row.id, createdAt: row.createdAt, status: row.status, strong });
    }
  }
  const result = new Map<Prepared, BatchResolution>();
  for (const p of events) {
    if (p.knownProfileId) continue; // the fast path: nothing to resolve
    const plan = planResolution(dedupeIdentifiers(p.identifiers), owners, candidates);
    // The one profile a plan may create here is its target: another is a home for a strong identifier the target
    // cannot hold, and resolveProfile places those.
    const createsOnlyTarget = plan.createCount === ('created' in plan.target ? 1 : 0);
    if (plan.mergeLoserIds.length > 0 || !createsOnlyTarget) return null;
    let profileId: string;
    if ('created' in plan.target) {
      profileId = newId();
      candidates.set(profileId, { id: profileId, createdAt: now, status: 'ACTIVE', strong: {} });
    } else {
      profileId = plan.target.existing;
    }
    // Every home of the plan is now its target or a profile that exists.
    const idOf = (home: HomeRef) => ('existing' in home ? home.existing : profileId);
    const duplicatePairs = plan.duplicates.flatMap(({ a, b, reason }) => {
      if (idOf(a) === idOf(b)) return [];
      const [profileA, profileB] = orderedPair(idOf(a), idOf(b));
      return [{ profileA, profileB, reason }];
    });
    const candidate = candidates.get(profileId)!;
    const added = plan.attach.map(({ identifier }) => identifier);
    for (const identifier of added) {
      owners.set(identifierKey(identifier), profileId);
      if (isStrongKind(identifier.kind)) (candidate.strong[identifier.kind] ??= []).push(identifier.value);
    }
    result.set(p, { profileId, created: 'created' in plan.target, addedIdentifiers: added, duplicatePairs });
  }
  return result;
}
