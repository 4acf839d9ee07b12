import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { ItemOutcome, PipelineItem } from './types';

/**
 * Most entries kept in each of the router's three caches (identifier → profile, identifier → lane, profile → lane;
 * ≈ 150 bytes an entry, so ≈ 4.5 MB in all). Routing only has to keep a person's events that are in flight together
 * in one lane: at most WORKER_CONCURRENCY (1,000) events with a few identifiers each, so the last 10,000 set are
 * enough. A person forgotten meanwhile is routed afresh by an identifier and keeps that lane from then on. With
 * 50,000 (≈ 22 MB) two lanes peaked at 404.7–407.5 MB on the million-event backfill, with 10,000 at 387.3 MB (on
 * different boots, docs/performance-log.md); 200,000 grew the heap by ~40 MB over the 30-minute soak.
 */
const MAX_REMEMBERED = 10_000;

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
  return hash('md5', text, 'buffer').readUInt32BE(0);
}

/**
 * Chooses a lane per event so one person's events share a lane: lanes run in parallel, and two lanes holding
 * the same profile would only queue on its row lock, or on the advisory lock of an identifier both resolve (a new
 * person's first SCL and TeeTime events both claim their email).
 *
 * Once one of an event's identifiers has resolved (learn), the event goes to its profile's lane: the lane the
 * profile's first resolved event was routed to (a batch may carry other lanes' events too: see Batcher). Before
 * that (a new person, whose first events may still be in flight), every identifier routed takes the lane of its
 * event, so the next event that shares any of them goes to the same lane; failing both, an event goes by its
 * strongest identifier. A family sharing an email thus shares a lane too (its members' events would otherwise
 * wait on each other's lock of that email); people who share nothing spread over the lanes. Profile first, because identifiers alone can split a person for good: two identifiers that first
 * meet in the database (a contact matched by a phone no earlier event carried beside a member number, a merge)
 * had taken different lanes, and every later event of that person then locked the same profile row from one lane
 * or the other (in a live soak, a fifth of the worker's sampled active statements were one lane waiting on the
 * other's row lock).
 */
export class LaneRouter {
  // The most recently *set* keys are kept: look-ups use peek, which does not refresh a key. A cache library, not a
  // Map trimmed from its front: deleting a Map's oldest keys one by one leaves tombstones that every later
  // `keys().next()` walks over (~77 µs an eviction at 50,000 keys, up to five evictions an event once a
  // million-event backfill had routed 50,000 identifiers: the pipeline thread's top two functions there).
  private readonly profileOf = new LRUCache<string, string>({ max: MAX_REMEMBERED });
  private readonly laneOf = new LRUCache<string, number>({ max: MAX_REMEMBERED });
  private readonly laneOfProfile = new LRUCache<string, number>({ max: MAX_REMEMBERED });

  constructor(private readonly lanes: number) {}

  laneFor(item: PipelineItem): number {
    if (this.lanes === 1) return 0;
    const keys = identityKeys(item);
    const profileId = keys.map((k) => this.profileOf.peek(k)).find(Boolean);
    let lane = profileId === undefined ? undefined : this.laneOfProfile.peek(profileId);
    lane ??= keys.map((k) => this.laneOf.peek(k)).find((l) => l !== undefined);
    lane ??= hashOf(profileId ?? keys[0] ?? (item.kind === 'dead' ? item.deadLetter.eventId : item.normalized.envelope.id)) % this.lanes;
    for (const key of keys) this.laneOf.set(key, lane);
    return lane;
  }

  /** Learns where an event's identifiers resolved, and gives a profile seen for the first time the lane it was routed to. */
  learn(item: PipelineItem, outcome: ItemOutcome, lane: number): void {
    if (this.lanes === 1 || outcome.status !== 'SUCCESS' || !outcome.profileId) return;
    for (const key of identityKeys(item)) this.profileOf.set(key, outcome.profileId);
    if (this.laneOfProfile.peek(outcome.profileId) === undefined) this.laneOfProfile.set(outcome.profileId, lane);
  }
}
