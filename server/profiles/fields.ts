import type { FieldVersions, LifecycleStage } from '@/server/db/schema';
import { RANK_FILL, type FieldWriteSet, type WritableField, type WritableFields } from '@/server/events/types';

/** The event-writable part of a profile; a `profiles` row is assignable to it. */
export type ProfileFieldState = WritableFields;
/** Provenance of one field's value: [rank, event time ISO, event id]. */
export type FieldVersion = [rank: number, at: string, eventId: string];
/** The stored versions (FieldVersions) read out per field; only applying writes and merging need them so. */
export type VersionsByField = Partial<Record<WritableField, FieldVersion>>;
type FieldValue = WritableFields[WritableField];

// Keyed by every writable field, so adding one to WritableFields fails to compile until it is listed here.
const FIELD_SET: Record<WritableField, true> = {
  firstName: true,
  lastName: true,
  email: true,
  phoneNumber: true,
  dateOfBirth: true,
  membershipStatus: true,
  membershipTier: true,
  memberSince: true,
  membershipExpiry: true,
  handicap: true,
  handicapUpdatedAt: true,
  homeClubId: true,
  homeClubName: true,
  emailOptIn: true,
  smsOptIn: true,
  pushOptIn: true,
  whatsappOptIn: true,
  emailUndeliverable: true,
  phoneUndeliverable: true,
};
export const WRITABLE_FIELDS = Object.keys(FIELD_SET) as WritableField[];

/**
 * Orders versions: rank first, then event time, then event id; a missing version is the lowest. Reads the first
 * three elements only, so a stored entry (a version followed by its fields) compares as its version.
 */
export function compareVersions(a: readonly [number, string, string, ...unknown[]] | undefined, b: typeof a): number {
  if (!a || !b) return (a ? 1 : 0) - (b ? 1 : 0);
  if (a[0] !== b[0]) return a[0] - b[0];
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  if (a[2] !== b[2]) return a[2] < b[2] ? -1 : 1;
  return 0;
}

/** Each field's version, from the stored entries. */
export function readVersions(stored: FieldVersions): VersionsByField {
  const byField: VersionsByField = {};
  for (const entry of stored) {
    const version: FieldVersion = [entry[0], entry[1], entry[2]];
    for (let i = 3; i < entry.length; i++) byField[entry[i] as WritableField] = version;
  }
  return byField;
}

/**
 * The stored form of per-field versions: one entry per distinct version, fields in WRITABLE_FIELDS order, entries
 * in version order. The same versions always give the same value, whatever order they were set in.
 */
export function storeVersions(byField: VersionsByField): FieldVersions {
  const stored: FieldVersions = [];
  for (const field of WRITABLE_FIELDS) {
    const version = byField[field];
    if (!version) continue;
    let entry = stored.find((e) => compareVersions(e, version) === 0);
    if (!entry) stored.push((entry = [version[0], version[1], version[2]]));
    entry.push(field);
  }
  return stored.sort(compareVersions);
}

/** "Nothing there": what a fill may fill. A false flag counts, so a fill can set a flag nobody has set yet. */
function isEmpty(value: FieldValue | undefined): boolean {
  return value === null || value === undefined || value === '' || value === false;
}

function sameValue(a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}

function writeApplies(
  incoming: FieldVersion,
  current: FieldVersion | undefined,
  value: FieldValue,
  currentValue: FieldValue,
): boolean {
  if (incoming[0] === RANK_FILL) {
    // A fill only fills: it never clears a field, and never replaces a value of unknown origin (imported or typed
    // by staff, so unversioned). Against versioned values the rank order below keeps it under authoritative ones.
    if (value === null || value === '') return false;
    if (!current) return isEmpty(currentValue);
  }
  return compareVersions(incoming, current) > 0;
}

export interface FieldStateWithVersions {
  state: ProfileFieldState;
  versions: FieldVersions;
}

export interface AppliedWrites extends FieldStateWithVersions {
  /** Fields whose final value differs from the input state. */
  changed: WritableField[];
  /**
   * Some field took a write, if only of the value it had: its version moved and must be stored. When none did,
   * `versions` is the input object itself.
   */
  versionsMoved: boolean;
}

function changedFields(before: ProfileFieldState, after: ProfileFieldState): WritableField[] {
  const changed: WritableField[] = [];
  for (const field of WRITABLE_FIELDS) if (!sameValue(before[field], after[field])) changed.push(field);
  return changed;
}

/**
 * Last-writer-wins: a field takes a write whose [rank, time, event id] is greater than the version it holds, so
 * the same events delivered in any order leave the same state. A winning write of the same value still moves the
 * version (otherwise the outcome would depend on order). Pure; the inputs are not modified, and come back themselves
 * when no write applies.
 */
export function applyWrites(
  state: ProfileFieldState,
  versions: FieldVersions,
  writes: readonly FieldWriteSet[],
  eventId: string,
): AppliedWrites {
  // Read on the first write that names a field, and the state copied on the first that applies: most events write
  // no field (a booking, an email opened).
  let byField: VersionsByField | null = null;
  let next: Record<WritableField, FieldValue> | null = null;
  for (const write of writes) {
    const incoming: FieldVersion = [write.rank, write.at.toISOString(), eventId];
    for (const field of WRITABLE_FIELDS) {
      const value = write.fields[field];
      if (value === undefined) continue;
      byField ??= readVersions(versions);
      if (!writeApplies(incoming, byField[field], value, (next ?? state)[field])) continue;
      byField[field] = incoming;
      next ??= { ...state };
      next[field] = value;
    }
  }
  if (!next) return { state, versions, changed: [], versionsMoved: false };
  const nextState = next as ProfileFieldState;
  return { state: nextState, versions: storeVersions(byField!), changed: changedFields(state, nextState), versionsMoved: true };
}

/**
 * Two profiles become one: per field the value with the greater version wins (a missing version is the lowest);
 * when neither side has one, the winner keeps its value unless it is empty. `changed` is relative to the winner.
 */
export function mergeFieldStates(winner: FieldStateWithVersions, loser: FieldStateWithVersions): AppliedWrites {
  const next: Record<WritableField, FieldValue> = { ...winner.state };
  const byField = readVersions(winner.versions);
  const loserByField = readVersions(loser.versions);
  let versionsMoved = false;
  for (const field of WRITABLE_FIELDS) {
    const version = loserByField[field];
    const order = compareVersions(version, byField[field]);
    const loserWins =
      order > 0 || (order === 0 && !byField[field] && isEmpty(next[field]) && !isEmpty(loser.state[field]));
    if (!loserWins) continue;
    next[field] = loser.state[field];
    if (version) {
      byField[field] = version;
      versionsMoved = true;
    }
  }
  const nextState = next as ProfileFieldState;
  return {
    state: nextState,
    versions: versionsMoved ? storeVersions(byField) : winner.versions,
    changed: changedFields(winner.state, nextState),
    versionsMoved,
  };
}

// ---- derived facts ---------------------------------------------------------------------------------------------

/** Membership statuses that mean the person has left the club. */
const ENDED_MEMBERSHIP = new Set(['LAPSED', 'RESIGNED', 'CANCELLED', 'DELETED']);
export const ADVOCATE_ENGAGEMENT = 80;

export interface LifecycleFacts {
  membershipStatus: string | null;
  lifetimeValue: number;
  engagementScore: number | null;
  hasSclMember: boolean;
  hasTeetimePlayer: boolean;
  hasMessagingContact: boolean;
}

/**
 * The lifecycle stage from what is true now (never from the events that led here), so it does not depend on the
 * order events arrived in.
 */
export function deriveLifecycleStage(p: LifecycleFacts): LifecycleStage {
  const status = p.membershipStatus?.trim().toUpperCase() || null;
  if (status && ENDED_MEMBERSHIP.has(status)) return 'CHURNED';
  if (status || p.hasSclMember) {
    return (p.engagementScore ?? 0) >= ADVOCATE_ENGAGEMENT ? 'ADVOCATE' : 'MEMBER';
  }
  if (p.lifetimeValue > 0) return 'CUSTOMER';
  if (p.hasTeetimePlayer) return 'PROSPECT';
  if (p.hasMessagingContact) return 'SUBSCRIBER';
  return 'LEAD';
}

/** "First Last", else the email, else null. */
export function displayNameOf(
  firstName: string | null | undefined,
  lastName: string | null | undefined,
  email: string | null | undefined,
): string | null {
  const name = [firstName, lastName]
    .map((part) => part?.trim())
    .filter(Boolean)
    .join(' ');
  return name || email?.trim() || null;
}

export interface SearchFacts {
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  /** SCL member id, TeeTime player id, external ids: what staff type to find a member by number. */
  memberIds?: ReadonlyArray<string | number | null | undefined>;
}

/**
 * profiles.search_text: name, email and member ids, lower-case and accent-free ("Zanélé" → "zanele"), matching the
 * folding the search queries apply to what staff type.
 */
export function searchTextOf(p: SearchFacts): string {
  return [p.firstName, p.lastName, p.email, ...(p.memberIds ?? [])]
    .filter((part) => part !== null && part !== undefined && String(part).trim() !== '')
    .join(' ')
    .normalize('NFD')
    .replace(/[\p{M}\p{Diacritic}]/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}
