import { STRONG_IDENTITY_KINDS, type IdentityKind, type ProfileStatus } from '@/server/db/schema';
import { identifierKey, type Identifier } from './normalize';

/**
 * The decision part of identity resolution (§6), pure so every rule can be read and tested without a database:
 * given an event's identifiers and the live profiles that own some of them, which profiles merge, where new
 * identifiers go, and which pairs staff should look at.
 */

export type StrongKind = (typeof STRONG_IDENTITY_KINDS)[number];

export function isStrongKind(kind: IdentityKind): kind is StrongKind {
  return (STRONG_IDENTITY_KINDS as readonly string[]).includes(kind);
}

/** Email and phone: shared by families and households, so they alone never join two source-linked people. */
function isContactKind(kind: IdentityKind): boolean {
  return kind === 'email' || kind === 'phone';
}

export interface CandidateProfile {
  id: string;
  createdAt: Date;
  status: ProfileStatus;
  /** The strong identifiers it holds, kind → values (normally one value per kind). */
  strong: Partial<Record<StrongKind, string[]>>;
}

/** A profile in the plan: one that exists, or the n-th one the plan creates. */
export type HomeRef = { existing: string } | { created: number };

/** The pair in stored order (profile_a < profile_b, as Postgres orders uuids), so each pair is recorded once. */
export function orderedPair(x: string, y: string): [string, string] {
  return x < y ? [x, y] : [y, x];
}

export type DuplicateReason = 'strong_identifier_conflict' | 'shared_contact_identifier';

export interface ResolutionPlan {
  /** The profile the event is about: the one that ends up holding its strongest identifier. */
  target: HomeRef;
  /** How many new profiles to create (`{created: n}` refers to the n-th). */
  createCount: number;
  /** Existing profiles that merge into the target (which is then the oldest of them all). */
  mergeLoserIds: string[];
  /** Identifiers nobody owns yet and where they go. Owned identifiers never move (one owner each). */
  attach: { home: HomeRef; identifier: Identifier }[];
  duplicates: { a: HomeRef; b: HomeRef; reason: DuplicateReason }[];
}

type Holdings = Map<StrongKind, Set<string>>;

function hold(holdings: Holdings, kind: StrongKind, value: string) {
  const values = holdings.get(kind) ?? new Set<string>();
  values.add(value);
  holdings.set(kind, values);
}

function holdsOther(holdings: Holdings, kind: StrongKind, value: string): boolean {
  return [...(holdings.get(kind) ?? [])].some((held) => held !== value);
}

function strongEntries(profile: CandidateProfile): [StrongKind, string][] {
  return Object.entries(profile.strong).flatMap(([kind, values]) =>
    (values ?? []).map((value): [StrongKind, string] => [kind as StrongKind, value]),
  );
}

function olderFirst(a: CandidateProfile, b: CandidateProfile): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * @param identifiers the event's normalised identifiers, strongest first (see compareIdentifiers)
 * @param owners identifier key → live profile id, for identifiers some profile already owns
 * @param candidates every live profile in `owners`, with its strong identifiers
 */
export function planResolution(
  identifiers: readonly Identifier[],
  owners: ReadonlyMap<string, string>,
  candidates: ReadonlyMap<string, CandidateProfile>,
): ResolutionPlan {
  // Walk the identifiers strongest first. Each owning profile joins the group that will merge unless merge
  // protection keeps it apart; each unowned identifier is claimed for the event's person. `held` is what that
  // person holds so far (group + claims): one value per strong kind.
  const group: CandidateProfile[] = [];
  const held: Holdings = new Map();
  let groupHasStrong = false;
  const keptApart: { profile: CandidateProfile; reason: DuplicateReason | null }[] = [];
  const claims: Identifier[] = [];
  const conflicting: Identifier[] = [];
  const visited = new Set<string>();

  for (const identifier of identifiers) {
    const ownerId = owners.get(identifierKey(identifier));
    if (ownerId === undefined) {
      if (isStrongKind(identifier.kind) && holdsOther(held, identifier.kind, identifier.value)) {
        conflicting.push(identifier);
      } else {
        if (isStrongKind(identifier.kind)) hold(held, identifier.kind, identifier.value);
        claims.push(identifier);
      }
      continue;
    }
    if (visited.has(ownerId)) continue;
    visited.add(ownerId);
    const profile = candidates.get(ownerId);
    if (!profile) throw new Error(`planResolution: owner ${ownerId} is not among the candidates`);
    const strong = strongEntries(profile);

    let reason: DuplicateReason | null | undefined;
    if (group.length > 0 && (profile.status === 'DELETED' || group.some((p) => p.status === 'DELETED'))) {
      reason = null; // an erased person is never merged with anyone, nor offered as a duplicate
    } else if (strong.some(([kind, value]) => holdsOther(held, kind, value))) {
      reason = 'strong_identifier_conflict';
    } else if (group.length > 0 && isContactKind(identifier.kind) && strong.length > 0 && groupHasStrong) {
      reason = 'shared_contact_identifier';
    }
    if (reason !== undefined) {
      keptApart.push({ profile, reason });
      continue;
    }
    group.push(profile);
    for (const [kind, value] of strong) hold(held, kind, value);
    groupHasStrong ||= strong.length > 0;
  }

  let createCount = 0;
  const [winner, ...losers] = [...group].sort(olderFirst);
  const target: HomeRef = winner ? { existing: winner.id } : { created: createCount++ };
  // An erased person keeps only source links: new contact details must not bring personal data back.
  const targetErased = winner?.status === 'DELETED';

  const attach: ResolutionPlan['attach'] = claims
    .filter((identifier) => !(targetErased && !isStrongKind(identifier.kind)))
    .map((identifier) => ({ home: target, identifier }));
  const duplicates: ResolutionPlan['duplicates'] = keptApart
    .filter((kept) => kept.reason !== null)
    .map((kept) => ({ a: target, b: { existing: kept.profile.id }, reason: kept.reason as DuplicateReason }));

  // A strong identifier the target cannot take (it holds another value of that kind) gets a profile of its own.
  const extraHomes: { home: HomeRef; held: Holdings }[] = [];
  for (const identifier of conflicting) {
    const kind = identifier.kind as StrongKind;
    let extra = extraHomes.find((h) => !holdsOther(h.held, kind, identifier.value));
    if (!extra) {
      extra = { home: { created: createCount++ }, held: new Map() };
      extraHomes.push(extra);
      duplicates.push({ a: target, b: extra.home, reason: 'strong_identifier_conflict' });
    }
    hold(extra.held, kind, identifier.value);
    attach.push({ home: extra.home, identifier });
  }

  return { target, createCount, mergeLoserIds: losers.map((p) => p.id), attach, duplicates };
}
