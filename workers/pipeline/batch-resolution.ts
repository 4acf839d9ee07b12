import type { Tx } from '@/server/db/client';
import { newId } from '@/server/db/ids';
import { duplicateCandidates, isLiveStatus, profileIdentities, type Tenant } from '@/server/db/schema';
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
    if (keys.length === 0) return;
    const first = this.find(keys[0]);
    for (let n = 1; n < keys.length; n++) {
      const root = this.find(keys[n]);
      if (root !== first) this.parent.set(root, first);
    }
  }
}

const tenantOf = (p: Prepared) => p.item.normalized.envelope.tenantId;
const keyOf = (p: Prepared, i: Identifier) => `${tenantOf(p)}|${identifierKey(i)}`;

/** An event the batch may resolve: about a person, of a known club, with identifiers, not already processed. */
function isCandidate(p: Prepared, tenants: Map<string, Tenant>): boolean {
  return !p.duplicate && p.identifiers.length > 0 && tenants.has(tenantOf(p)) && !p.item.normalized.definition.personless;
}

/** What ties an event to others of its group: its identifiers and the profiles owning them. */
function groupKeysOf(p: Prepared): string[] {
  const keys: string[] = [];
  for (const i of p.identifiers) keys.push(keyOf(p, i));
  for (const o of p.owners.values()) keys.push(`profile|${o.profileId}`);
  return keys;
}

/** A group the batch resolves: some event of it needs resolution, and none erases, unlinks or has an owner not live. */
function groupQualifies(events: Prepared[]): boolean {
  let resolves = false;
  for (const p of events) {
    const { effects } = p.item.normalized;
    if (effects.erase || effects.unlinkMessagingContact) return false;
    for (const o of p.owners.values()) if (!isLiveStatus(o.status)) return false;
    if (!p.knownProfileId) resolves = true;
  }
  return resolves;
}

/** Some identifier of the group was claimed by another transaction since the prefetch read. */
function claimedSince(events: Prepared[], taken: Map<string, unknown>): boolean {
  for (const p of events) for (const i of p.identifiers) if (taken.has(keyOf(p, i))) return true;
  return false;
}

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
  // Profiles to row-lock: the fast path's, then (below) every owner of a candidate's identifiers.
  const toLock: string[] = [];
  // Identifiers of known profiles only where applying the event may read them (most events never do).
  const needingIdentities: string[] = [];
  const candidates: Prepared[] = [];
  for (const p of prepared) {
    if (p.knownProfileId) {
      toLock.push(p.knownProfileId);
      if (mayNeedIdentities(p.item)) needingIdentities.push(p.knownProfileId);
    }
    if (isCandidate(p, tenants)) candidates.push(p);
  }

  const groups = new Groups();
  for (const p of candidates) groups.union(groupKeysOf(p));
  const byGroup = new Map<string, Prepared[]>();
  for (const p of candidates) {
    const root = groups.find(keyOf(p, p.identifiers[0]));
    const events = byGroup.get(root);
    if (events) events.push(p);
    else byGroup.set(root, [p]);
  }
  const eligible: Prepared[][] = [];
  for (const events of byGroup.values()) if (groupQualifies(events)) eligible.push(events);

  // Four statements in one round trip, in this order (see send). First every identifier that resolution may claim
  // or move is advisory-locked, in one statement, before any profile row: resolveProfile (for the events left to
  // it) takes the same locks, re-entrantly, after the batch already holds rows, and taking them only then would let
  // two batches wait on each other (a deadlock costs a second).
  const resolving: { tenantId: string; identifier: Identifier }[] = [];
  for (const p of candidates) {
    if (!p.knownProfileId) for (const identifier of p.identifiers) resolving.push({ tenantId: tenantOf(p), identifier });
  }
  const locked = yieldLocked ? tryLockIdentifiersOfTenants(tx, resolving) : lockIdentifiersOfTenants(tx, resolving).then(() => []);
  // Then, under those locks, whether someone claimed an unowned one since the prefetch read.
  const wanted: { tenant_id: string; kind: string; value: string }[] = [];
  for (const events of eligible) {
    for (const p of events) {
      for (const i of p.identifiers) if (!p.owners.has(identifierKey(i))) wanted.push({ tenant_id: tenantOf(p), kind: i.kind, value: i.value });
    }
  }
  const rechecked = ownersOf(tx, wanted);
  // Then a row lock, in one statement and in id order, on every profile the batch may touch: the fast path's, the
  // owners this batch plans with, and the owners resolveProfile will lock for the events left to it (it re-locks
  // them without waiting). Locks taken one by one later, in another order, are what lets two lanes deadlock. With
  // them, the identifiers of the profiles the batch may plan with.
  for (const p of candidates) for (const o of p.owners.values()) toLock.push(o.profileId);
  for (const events of eligible) for (const p of events) for (const o of p.owners.values()) needingIdentities.push(o.profileId);
  const [busyIdentifiers, taken, skippedProfiles] = await Promise.all([
    locked,
    rechecked,
    state.load(toLock, { skipLocked: yieldLocked }),
    state.loadIdentities(needingIdentities),
  ]);

  // Groups another transaction holds part of wait for the next batch, whole (their events keep their order).
  const deferred = new Set<Prepared>();
  if (yieldLocked && (busyIdentifiers.length > 0 || skippedProfiles.size > 0)) {
    const busyRoots = new Set<string>();
    for (const e of busyIdentifiers) busyRoots.add(groups.find(`${e.tenantId}|${identifierKey(e.identifier)}`));
    for (const id of skippedProfiles) busyRoots.add(groups.find(`profile|${id}`));
    for (const [root, events] of byGroup) if (busyRoots.has(root)) for (const p of events) deferred.add(p);
  }

  const now = new Date();
  const created: { id: string; tenantId: string }[] = [];
  const attached: (typeof profileIdentities.$inferInsert)[] = [];
  const pairs = new Map<string, typeof duplicateCandidates.$inferInsert>();
  for (const events of eligible) {
    if (deferred.has(events[0]) || (taken.size > 0 && claimedSince(events, taken))) continue;
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
  const newRows: ReturnType<typeof newProfileRow>[] = [];
  for (const p of created) newRows.push(newProfileRow(p.id, p.tenantId, now));
  state.adoptNew(newRows);
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
      if (!row || !isLiveStatus(row.status)) return null;
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
    const duplicatePairs: BatchResolution['duplicatePairs'] = [];
    for (const { a, b, reason } of plan.duplicates) {
      const [idA, idB] = [idOf(a, profileId), idOf(b, profileId)];
      if (idA === idB) continue;
      const [profileA, profileB] = orderedPair(idA, idB);
      duplicatePairs.push({ profileA, profileB, reason });
    }
    const candidate = candidates.get(profileId)!;
    const added: Identifier[] = [];
    for (const { identifier } of plan.attach) added.push(identifier);
    for (const identifier of added) {
      owners.set(identifierKey(identifier), profileId);
      if (isStrongKind(identifier.kind)) (candidate.strong[identifier.kind] ??= []).push(identifier.value);
    }
    result.set(p, { profileId, created: 'created' in plan.target, addedIdentifiers: added, duplicatePairs });
  }
  return result;
}

/** A plan's home as a profile id: every home is now the plan's target or a profile that exists. */
function idOf(home: HomeRef, targetId: string): string {
  return 'existing' in home ? home.existing : targetId;
}
