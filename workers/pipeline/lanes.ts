import { createHash } from 'node:crypto';
import type { ItemOutcome, PipelineItem } from './types';

/**
 * Most identifier → profile entries kept (≈ 150 bytes each, so ≈ 7.5 MB). Routing only has to keep a person's
 * events that are in flight together in one lane, so the recently seen are enough; 200,000 grew the heap by ~40 MB
 * over the 30-minute soak.
 */
const MAX_REMEMBERED = 50_000;

/** The raw identity keys of an event (tenant-qualified), strongest hints first; empty for dead items. */
function identityKeys(item: PipelineItem): string[] {
  if (item.kind === 'dead') return [];
  const { envelope, effects } = item.normalized;
  const hints = { ...effects.identities, ...envelope.identity } as Record<string, unknown>;
  const keys: string[] = [];
  for (const kind of ['sclMemberId', 'teetimePlayerId', 'messagingContactId', 'authUserId', 'email', 'phone']) {
    const value = hints[kind];
    if (typeof value === 'string' || typeof value === 'number') {
      keys.push(`${envelope.tenantId}|${kind}|${kind === 'email' ? String(value).trim().toLowerCase() : String(value).trim()}`);
    }
  }
  return keys;
}

function hashOf(text: string): number {
  return createHash('md5').update(text).digest().readUInt32BE(0);
}

/**
 * Chooses a lane per event so one person's events share a lane: lanes run in parallel, and two lanes holding
 * the same profile would only queue on its row lock. Events name a person by different identifiers (a member
 * number here, a player id there), so the router remembers which profile each identifier resolved to and routes
 * by profile once it knows it; before that, by the event's strongest identifier.
 */
export class LaneRouter {
  private readonly profileOf = new Map<string, string>();

  constructor(private readonly lanes: number) {}

  laneFor(item: PipelineItem): number {
    if (this.lanes === 1) return 0;
    const keys = identityKeys(item);
    const profileId = keys.map((k) => this.profileOf.get(k)).find(Boolean);
    const key = profileId ?? keys[0] ?? (item.kind === 'dead' ? item.deadLetter.eventId : item.normalized.envelope.id);
    return hashOf(key) % this.lanes;
  }

  /** Learns where an event's identifiers resolved. */
  learn(item: PipelineItem, outcome: ItemOutcome): void {
    if (this.lanes === 1 || outcome.status !== 'SUCCESS' || !outcome.profileId) return;
    for (const key of identityKeys(item)) {
      this.profileOf.delete(key); // re-inserted at the end: the Map's order is a least-recently-learned order
      this.profileOf.set(key, outcome.profileId);
    }
    while (this.profileOf.size > MAX_REMEMBERED) this.profileOf.delete(this.profileOf.keys().next().value!);
  }
}
