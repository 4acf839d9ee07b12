import { sql } from 'drizzle-orm';
import type { Tx } from '@/server/db/client';
import { competitions, isLiveStatus, type Profile, type Tenant, type StepTiming } from '@/server/db/schema';
import { writeDeadLetter } from '@/server/dead-letters/store';
import type { FieldWriteSet } from '@/server/events/types';
import { identifierKey, normalizeEmail, normalizePhone } from '@/server/identity/normalize';
import { resolveProfile, type Resolution } from '@/server/identity/resolve';
import { eraseProfileIdentities, identitiesOf, linkedIdsFrom, memberIdsFrom, unlinkIdentity } from '@/server/identity/identities';
import type { OutboundDraft } from '@/server/outbound/outbox';
import type { OutboundType } from '@/server/outbound/catalog';
import { applyWrites, deriveLifecycleStage, displayNameOf, searchTextOf } from '@/server/profiles/fields';
import { phoneDigits } from '@/server/identity/normalize';
import { leaveAllSegments, moveMembershipsOnMerge } from '@/server/segments/membership';
import { BOOKING_ACTIVITY_TYPES, deriveFromActivities, PASSIVE_ACTIVITY_TYPES } from './activity-facts';
import type { BatchState } from './batch-state';
import type { Prepared } from './prefetch';
import type { EventItem } from './types';

export interface AppliedEvent {
  status: 'SUCCESS' | 'DUPLICATE' | 'DEAD_LETTERED';
  reason?: string;
  profileId: string | null;
  activityId: string | null;
  /** Profiles whose facts changed and the fields that changed ('all' after a merge or creation). */
  touched: Map<string, Set<string> | 'all'>;
  outbound: OutboundDraft<OutboundType>[];
  steps: StepTiming[];
  warnings: string[];
}

/** Records each step's time since the previous one. */
class StepTimer {
  private last = performance.now();

  constructor(private readonly steps: StepTiming[]) {}

  mark(step: string): void {
    const now = performance.now();
    this.steps.push({ step, ms: Math.round((now - this.last) * 100) / 100 });
    this.last = now;
  }
}

/** The activity happened after `d` (or nothing is recorded yet). */
const isLater = (occurred: Date, d: Date | null) => !d || occurred > d;

/**
 * Steps 1–4 of §5 for one event inside the batch transaction: claim the sync log, resolve identity, update the
 * profile (last writer wins per field), record the activity, and draft the profile's outbound events. Scoring and
 * segments run once per batch over every touched profile.
 */
export async function applyEvent(
  tx: Tx,
  state: BatchState,
  prepared: Prepared,
  tenant: Tenant | undefined,
): Promise<AppliedEvent> {
  const { item, identifiers } = prepared;
  const { envelope, definition, effects } = item.normalized;
  const steps: StepTiming[] = [...item.steps];
  const warnings = [...prepared.warnings];
  const timer = new StepTimer(steps);
  const result: AppliedEvent = {
    status: 'SUCCESS',
    profileId: null,
    activityId: null,
    touched: new Map(),
    outbound: [],
    steps,
    warnings,
  };
  const deadLetter = async (reason: 'unknown_tenant' | 'no_identity', step: string, error: string) => {
    await writeDeadLetter(tx, {
      tenantId: tenant ? envelope.tenantId : null,
      source: envelope.source,
      eventId: envelope.id,
      eventType: envelope.type,
      jobName: item.jobName,
      jobData: item.jobData,
      reason,
      step,
      error,
      attempts: 1,
    });
    return { ...result, status: 'DEAD_LETTERED' as const, reason };
  };

  if (prepared.duplicate) return { ...result, status: 'DUPLICATE' };

  if (!tenant) return deadLetter('unknown_tenant', 'resolve_identity', `Tenant "${envelope.tenantId}" does not exist`);

  if (definition.personless) {
    const c = effects.competition!;
    await tx
      .insert(competitions)
      .values({ tenantId: tenant.id, ...c, publishedAt: new Date(envelope.timestamp), eventId: envelope.id })
      .onConflictDoUpdate({
        target: [competitions.tenantId, competitions.id],
        set: { name: c.name, clubId: c.clubId, startsAt: c.startsAt, entryDeadline: c.entryDeadline },
        setWhere: sql`${competitions.publishedAt} <= ${new Date(envelope.timestamp).toISOString()}`,
      });
    timer.mark('update_profile');
    return result;
  }

  // Step 2: identity. An event whose identifiers all belong to one live profile needs no resolution (fast path);
  // anything else (new people, new identifiers, merges) goes through resolveProfile.
  if (identifiers.length === 0) {
    return deadLetter('no_identity', 'resolve_identity', 'No usable identity: every identity hint is missing or invalid');
  }
  const at = new Date(envelope.timestamp);
  const known = prepared.knownProfileId ? state.get(prepared.knownProfileId) : undefined;
  let resolution: Resolution;
  if (prepared.resolution) {
    const { profileId, created, addedIdentifiers, duplicatePairs } = prepared.resolution;
    resolution = { profileId, created, merges: [], duplicateCandidateIds: [], addedIdentifiers, createdProfileIds: created ? [profileId] : [] };
    if (duplicatePairs.length) warnings.push('duplicate_candidate_recorded');
    state.addIdentities(profileId, addedIdentifiers);
    for (const i of identifiers) state.resolvedKeys.add(identifierKey(i));
  } else if (known && isLiveStatus(known.status)) {
    resolution = { profileId: known.id, created: false, merges: [], duplicateCandidateIds: [], addedIdentifiers: [], createdProfileIds: [] };
  } else {
    // Resolution reads and writes the rows of the profiles that own these identifiers: if one may be a row this
    // batch holds unwritten (it owned one at prefetch, or an earlier event of the batch resolved one), it gets the
    // database as the batch left it.
    const keys = identifiers.map(identifierKey);
    // So does anything batch resolution planned and has not written yet (new people, their identifiers): resolveProfile
    // reads identifiers and profiles from the database.
    const mayHold = keys.some((k) => state.resolvedKeys.has(k)) || [...prepared.owners.values()].some((o) => state.holdsUnwritten(o.profileId));
    if (mayHold || state.holdsPlanned()) await state.flush();
    // Waiting here for a profile another lane holds, while holding rows of our own, is how two lanes deadlock, and
    // Postgres notices only after deadlock_timeout (1 s). Wait briefly instead; if that is not enough, the batch runs
    // again (lock_not_available is transient), by when the other lane has committed.
    await tx.execute(sql`set local lock_timeout = '100ms'`);
    resolution = await resolveProfile(tx, { tenantId: tenant.id, identifiers, source: envelope.source, eventId: envelope.id, at });
    await tx.execute(sql`set local lock_timeout = 0`);
    for (const key of keys) state.resolvedKeys.add(key);
    // Rarely it lands on a held profile nobody owned at prefetch (an identifier committed to it meanwhile, or a
    // merged-away owner): the batch then re-runs its events one by one, each starting from the database.
    if ([resolution.profileId, ...resolution.merges.flatMap((m) => [m.winnerId, m.loserId])].some((id) => state.holdsUnwritten(id))) {
      throw new Error('Identity resolution reached a profile this batch holds unwritten; running the events one by one');
    }
    state.forget([resolution.profileId, ...resolution.merges.flatMap((m) => [m.winnerId, m.loserId])]);
    await state.load([resolution.profileId]);
  }
  const profileId = resolution.profileId;
  result.profileId = profileId;
  for (const merge of resolution.merges) {
    await moveMembershipsOnMerge(tx, {
      tenantId: tenant.id,
      winnerId: merge.winnerId,
      loserId: merge.loserId,
      at,
      correlationId: envelope.id,
      // The batch re-evaluates the winner once its fields are final; doing it here too would record a
      // pointless enter/exit pair from the half-merged state.
      reevaluateWinner: false,
    });
    result.outbound.push({
      tenantId: tenant.id,
      type: 'crm.profile.merged',
      correlationId: envelope.id,
      key: `${merge.winnerId}:${merge.loserId}`,
      payload: {
        winnerId: merge.winnerId,
        loserId: merge.loserId,
        loserLinkedIds: merge.loserLinkedIds,
        mergedFields: [...merge.mergedFields, 'segmentMemberships'],
        mergedBy: 'system',
        reason: `identity match (${envelope.type})`,
        mergedAt: at.toISOString(),
      },
    });
  }
  if (resolution.duplicateCandidateIds.length) warnings.push('duplicate_candidate_recorded');
  timer.mark('resolve_identity');

  // Step 3: profile (in memory; the batch writes it back once).
  const current = state.get(profileId)!;
  // Erased people stay erased: later events still add activities, never personal data.
  const writes = current.status === 'DELETED' ? [] : normalizeWrites(effects.writes, tenant.country);
  const applied = applyWrites(current, current.fieldVersions, writes, envelope.id);
  const identityChanged = resolution.created || resolution.merges.length > 0 || resolution.addedIdentifiers.length > 0;
  const next: Profile = applied.state === current ? { ...current } : { ...current, ...applied.state, fieldVersions: applied.versions };
  const changed = new Set<string>(applied.changed);

  if (effects.unlinkMessagingContact || effects.erase) await state.flush();
  if (effects.unlinkMessagingContact) {
    await unlinkIdentity(tx, { tenantId: tenant.id, profileId, kind: 'messagingContactId', at });
    state.forgetIdentities(profileId);
  }
  if (effects.erase) {
    await eraseProfileIdentities(tx, { tenantId: tenant.id, profileId });
    state.forgetIdentities(profileId);
    await leaveAllSegments(tx, { tenantId: tenant.id, profileId, at, correlationId: envelope.id });
    Object.assign(next, { firstName: null, lastName: null, email: null, phoneNumber: null, dateOfBirth: null, status: 'DELETED' });
    for (const f of ['firstName', 'lastName', 'email', 'phoneNumber', 'dateOfBirth', 'status']) changed.add(f);
    result.outbound.push({
      tenantId: tenant.id,
      type: 'crm.profile.deleted',
      correlationId: envelope.id,
      key: profileId,
      payload: { id: profileId, reason: effects.erase.reason, deletedAt: at.toISOString() },
    });
  }
  timer.mark('update_profile');

  // Step 4: activity.
  const spec = effects.activity;
  const recordActivity = spec && (!spec.onlyIfChanged || changed.size > 0);
  if (recordActivity) {
    const type = resolution.created && spec.typeIfNewProfile ? spec.typeIfNewProfile : spec.type;
    state.addActivity({
      tenantId: tenant.id,
      profileId,
      source: envelope.source,
      sourceEventId: envelope.id,
      eventType: definition.type,
      type,
      title: spec.title,
      occurredAt: spec.occurredAt,
      properties: spec.properties,
    });

    if (type === 'PAYMENT_RECEIVED' && !resolution.merges.length) {
      // Lifetime value counts each payment id once (ids seen before this batch were looked up with it).
      const payment = `${tenant.id}|${String(spec.properties.paymentId)}`;
      const amount = Number(spec.properties.amount ?? 0);
      if (!state.paymentsSeen.has(payment) && amount) {
        state.paymentsSeen.add(payment);
        next.lifetimeValue = Number(next.lifetimeValue) + amount;
        changed.add('lifetimeValue');
      }
    }
    if (resolution.merges.length) {
      // After a merge the activity-derived facts are recomputed from the activities themselves.
      state.set({ ...next });
      await state.flush();
      const derived = await deriveFromActivities(tx, tenant.id, profileId);
      for (const [k, v] of Object.entries(derived)) {
        if (!sameValue(v, next[k as keyof Profile])) changed.add(k);
      }
      Object.assign(next, derived);
    } else {
      const occurred = spec.occurredAt;
      if (!PASSIVE_ACTIVITY_TYPES.has(type) && isLater(occurred, next.lastActivityAt)) {
        next.lastActivityAt = occurred;
        next.lastActivityType = type;
        changed.add('lastActivityAt');
      }
      if (BOOKING_ACTIVITY_TYPES.has(type) && isLater(occurred, next.lastBookingAt)) {
        next.lastBookingAt = occurred;
        changed.add('lastBookingAt');
      }
      if (type === 'EMAIL_OPENED' && isLater(occurred, next.lastEmailOpenAt)) {
        next.lastEmailOpenAt = occurred;
        changed.add('lastEmailOpenAt');
      }
      if (type === 'EMAIL_CLICKED' && isLater(occurred, next.lastEmailClickAt)) {
        next.lastEmailClickAt = occurred;
        changed.add('lastEmailClickAt');
      }
    }
  } else if (resolution.merges.length) {
    state.set({ ...next });
    await state.flush();
    Object.assign(next, await deriveFromActivities(tx, tenant.id, profileId));
    changed.add('lastActivityAt');
  }
  timer.mark('create_activity');

  // Derived profile facts: computed from the current state, so they do not depend on arrival order.
  const needsIdentities =
    identityChanged || effects.unlinkMessagingContact || effects.erase || namesAny(changed, IDENTITY_DERIVED_FIELDS);
  const identityRows = needsIdentities ? await state.identitiesOf(profileId) : null;
  if (identityRows && next.status !== 'DELETED' && next.status !== 'MERGED') {
    const kinds = new Set<string>();
    for (const r of identityRows) kinds.add(r.kind);
    const lifecycleStage = deriveLifecycleStage({
      membershipStatus: next.membershipStatus,
      lifetimeValue: next.lifetimeValue,
      engagementScore: next.engagementScore,
      hasSclMember: kinds.has('sclMemberId'),
      hasTeetimePlayer: kinds.has('teetimePlayerId'),
      hasMessagingContact: kinds.has('messagingContactId'),
    });
    if (lifecycleStage !== next.lifecycleStage) changed.add('lifecycleStage');
    next.lifecycleStage = lifecycleStage;
    next.searchText = searchTextOf({ ...next, memberIds: memberIdsFrom(identityRows) });
  }
  if (next.status === 'DELETED') next.searchText = '';
  next.displayName = next.status === 'DELETED' ? 'Deleted member' : displayNameOf(next.firstName, next.lastName, next.email);
  next.phoneDigits = next.phoneNumber ? phoneDigits(next.phoneNumber) : null;

  // A winning write of an unchanged value still moves the field's version: that must be stored too, or an older
  // write arriving later would wrongly win.
  if (changed.size > 0 || identityChanged || applied.versionsMoved) state.set(next);

  for (const createdId of resolution.createdProfileIds) {
    if (createdId === profileId) continue;
    // A strong identifier this profile could not hold got a profile of its own (merge protection).
    result.outbound.push({
      tenantId: tenant.id,
      type: 'crm.profile.created',
      correlationId: envelope.id,
      key: createdId,
      payload: {
        id: createdId,
        email: null,
        phoneNumber: null,
        firstName: null,
        lastName: null,
        source: envelope.type,
        linkedIds: linkedIdsFrom(await identitiesOf(tx, { tenantId: tenant.id, profileId: createdId })),
        createdAt: at.toISOString(),
      },
    });
  }
  if (resolution.created) {
    result.outbound.push({
      tenantId: tenant.id,
      type: 'crm.profile.created',
      correlationId: envelope.id,
      key: profileId,
      payload: {
        id: profileId,
        email: next.email,
        phoneNumber: next.phoneNumber,
        firstName: next.firstName,
        lastName: next.lastName,
        source: envelope.type,
        linkedIds: linkedIdsFrom(identityRows ?? []),
        createdAt: (next.createdAt ?? at).toISOString(),
      },
    });
  } else if (applied.changed.length > 0 || effects.erase) {
    const values: Record<string, unknown> = {};
    for (const f of changed) values[f] = serialise(next[f as keyof Profile]);
    result.outbound.push({
      tenantId: tenant.id,
      type: 'crm.profile.updated',
      correlationId: envelope.id,
      key: profileId,
      payload: { id: profileId, changes: [...changed], ...values, updatedAt: new Date().toISOString() },
    });
  }

  const touchedFields = new Set(changed);
  touchedFields.add('activityCount30d');
  result.touched.set(profileId, identityChanged ? 'all' : touchedFields);
  timer.mark('outbox');
  return result;
}

/**
 * Profile fields whose change re-derives the lifecycle stage and search text, which read the profile's identifiers
 * (which sources know the person, their member ids).
 */
const IDENTITY_DERIVED_FIELDS = ['membershipStatus', 'lifetimeValue', 'firstName', 'lastName', 'email'] as const;

/**
 * Whether applying this event to a known profile may need the profile's identifiers (see needsIdentities above):
 * the batch loads them up front for those events only, in one statement; a miss costs a look-up of its own.
 */
export function mayNeedIdentities(item: EventItem): boolean {
  const { effects } = item.normalized;
  if (effects.unlinkMessagingContact || effects.erase || effects.activity?.type === 'PAYMENT_RECEIVED') return true;
  for (const w of effects.writes) {
    const fields = w.fields as Record<string, unknown>;
    for (const f of IDENTITY_DERIVED_FIELDS) if (fields[f] !== undefined) return true;
  }
  return false;
}

function namesAny(changed: Set<string>, fields: readonly string[]): boolean {
  for (const f of fields) if (changed.has(f)) return true;
  return false;
}

/** Profile email and phone are stored as identity resolution sees them: lower-case email, E.164 phone. */
function normalizeWrites(writes: FieldWriteSet[], country: string): FieldWriteSet[] {
  const normalized: FieldWriteSet[] = [];
  for (const w of writes) {
    const fields = { ...w.fields };
    if (typeof fields.email === 'string') {
      const email = normalizeEmail(fields.email);
      if (email) fields.email = email;
      else delete fields.email;
    }
    if (typeof fields.phoneNumber === 'string') {
      const phone = normalizePhone(fields.phoneNumber, country);
      if (phone) fields.phoneNumber = phone;
      else delete fields.phoneNumber;
    }
    normalized.push({ ...w, fields });
  }
  return normalized;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return serialise(a) === serialise(b);
  return a === b;
}

function serialise(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}
