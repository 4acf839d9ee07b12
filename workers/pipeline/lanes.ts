import { createHash } from 'node:crypto';
import type { ItemOutcome, PipelineItem } from './types';

/**
 * Most identifier → routing key entries kept (≈ 150 bytes each, so ≈ 7.5 MB). Routing only has to keep a person's
 * events that are in flight together in one lane, so the recently seen are enough; 200,000 grew the heap by ~40 MB
 * over the 30-minute soak.
 */
const MAX_REMEMBERED = 50_000;

const KINDS = ['sclMemberId', 'teetimePlayerId', 'messagingContactId', 'authUserId', 'email', 'phone'] as const;

/** The raw identity keys of an event (tenant-qualified), strongest hints first; empty for dead items. */
function identityKeys(item: PipelineItem): { kind: (typeof KINDS)[number]; key: string }[] {
  if (item.kind === 'dead') return [];
  const { envelope, effects } = item.normalized;
  const hints = { ...effects.identities, ...envelope.identity } as Record<string, unknown>;
  return KINDS.flatMap((kind) => {
    const value = hints[kind];
    if (typeof value !== 'string' && typeof value !== 'number') return [];
    const text = kind === 'email' ? String(value).trim().toLowerCase() : String(value).trim();
    return [{ kind, key: `${envelope.tenantId}|${kind}|${text}` }];
  });
}

function hashOf(text: string): number {
  return createHash('md5').update(text).digest().readUInt32BE(0);
}

/**
 * Chooses a lane per event so one person's events share a lane: lanes run in parallel, and two lanes holding the
 * same person would only queue on each other's locks (identifier locks for a new person, the profile row after).
 * The sources name a person differently (a member number here, a player id there), so a person is routed by a key
 * the sources share, their email (else phone), until the router has seen where their identifiers resolved; from
 * then on every identifier of theirs routes by that same key, so events that carry only a system id follow it.
 */
export class LaneRouter {
  /** Identity key → the routing key of the person it resolved to; the Map's order is least recently learned first. */
  private readonly routeOf = new Map<string, string>();

  constructor(private readonly lanes: number) {}

  laneFor(item: PipelineItem): number {
    if (this.lanes === 1) return 0;
    return hashOf(this.routingKey(item)) % this.lanes;
  }

  /** Learns the routing key of a processed event's identifiers. */
  learn(item: PipelineItem, outcome: ItemOutcome): void {
    if (this.lanes === 1 || outcome.status !== 'SUCCESS' || !outcome.profileId) return;
    const route = this.routingKey(item);
    for (const { key } of identityKeys(item)) {
      this.routeOf.delete(key); // re-inserted at the end
      this.routeOf.set(key, route);
    }
    while (this.routeOf.size > MAX_REMEMBERED) this.routeOf.delete(this.routeOf.keys().next().value!);
  }

  private routingKey(item: PipelineItem): string {
    const keys = identityKeys(item);
    for (const { key } of keys) {
      const route = this.routeOf.get(key);
      if (route) return route;
    }
    const shared = keys.find((k) => k.kind === 'email') ?? keys.find((k) => k.kind === 'phone') ?? keys[0];
    return shared?.key ?? (item.kind === 'dead' ? item.deadLetter.eventId : item.normalized.envelope.id);
  }
}
