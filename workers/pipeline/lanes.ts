import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { ItemOutcome, PipelineItem } from './types';

/**
 * Most identifier → profile and identifier → lane entries kept (≈ 150 bytes each, so ≈ 15 MB for both). Routing only
 * has to keep a person's events that are in flight together in one lane, so the recently seen are enough; 200,000
 * grew the heap by ~40 MB over the 30-minute soak.
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
 * the same profile would only queue on its row lock, or on the advisory lock of an identifier both resolve (a new
 * person's first SCL and TeeTime events both claim their email).
 *
 * Events name a person by different identifiers (a member number here, a player id there), so every identifier
 * routed takes the lane of its event: the next event that shares any of them goes to the same lane, even while the
 * first is still in flight. An event goes to the lane of its strongest identifier routed before; failing that, to
 * its profile's lane when one of its identifiers resolved before (learn), else by its strongest identifier.
 * A family sharing an email thus shares a lane too (its members' events would otherwise wait on each other's lock
 * of that email); people who share nothing spread over the lanes.
 */
export class LaneRouter {
  // The most recently *set* keys are kept: look-ups use peek, which does not refresh a key. A cache library, not a
  // Map trimmed from its front: deleting a Map's oldest keys one by one leaves tombstones that every later
  // `keys().next()` walks over (~77 µs an eviction at 50,000 keys, five evictions an event once a backfill or a
  // soak had routed 50,000 identifiers: the pipeline thread's top two functions).
  private readonly profileOf = new LRUCache<string, string>({ max: MAX_REMEMBERED });
  private readonly laneOf = new LRUCache<string, number>({ max: MAX_REMEMBERED });

  constructor(private readonly lanes: number) {}

  laneFor(item: PipelineItem): number {
    if (this.lanes === 1) return 0;
    const keys = identityKeys(item);
    let lane = keys.map((k) => this.laneOf.peek(k)).find((l) => l !== undefined);
    if (lane === undefined) {
      const profileId = keys.map((k) => this.profileOf.peek(k)).find(Boolean);
      const key = profileId ?? keys[0] ?? (item.kind === 'dead' ? item.deadLetter.eventId : item.normalized.envelope.id);
      lane = hashOf(key) % this.lanes;
    }
    for (const key of keys) this.laneOf.set(key, lane);
    return lane;
  }

  /** Learns where an event's identifiers resolved. */
  learn(item: PipelineItem, outcome: ItemOutcome): void {
    if (this.lanes === 1 || outcome.status !== 'SUCCESS' || !outcome.profileId) return;
    for (const key of identityKeys(item)) this.profileOf.set(key, outcome.profileId);
  }
}
