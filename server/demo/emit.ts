import { hash } from 'node:crypto';
import type { CrmEvent, IdentityHints } from '../events/envelope';
import type { FlatMessagingJob } from '../events/publisher';
import type { Rng } from './random';
import { iso } from './time';

/** One generated message, in the shape its producer really sends it. */
export type DemoItem =
  | { kind: 'envelope'; event: CrmEvent }
  | { kind: 'flat'; name: string; data: Record<string, unknown> };

export type Source = 'scl' | 'teetime' | 'messaging';

/** What a producer gives the typed publisher. */
export function toPublishable(item: DemoItem): CrmEvent | FlatMessagingJob {
  return item.kind === 'envelope' ? item.event : { name: item.name, data: item.data };
}

/** When the item happened, for sorting. */
export function itemTime(item: DemoItem): string {
  if (item.kind === 'envelope') return item.event.timestamp;
  const fields = (item.data.payload ?? item.data) as { timestamp: string };
  return fields.timestamp;
}

export function itemId(item: DemoItem): string {
  if (item.kind === 'envelope') return item.event.id;
  return ((item.data.payload ?? item.data) as { eventId: string }).eventId;
}

/** The event type as the CRM will read it (flat jobs are named without the `messaging.` prefix). */
export function itemType(item: DemoItem): string {
  return item.kind === 'envelope' ? item.event.type : `messaging.${item.name}`;
}

/** Each source mints ids its own way, as the real services do. */
function eventIdFor(source: Source, rng: Rng): string {
  return source === 'teetime' ? `evt_${rng.chars(22)}` : rng.uuid();
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * The drawn id mixed with the generator's seed, in the same shape. A stream's 32-bit state repeats across runs
 * with different seeds (birthday odds: ~14 shared ids in 400,000 events of the soak's batch-after-batch feed), and
 * two different events must never share an id: the CRM rightly takes the second as a redelivery.
 */
export function salted(id: string, salt: number): string {
  const digest = hash('sha256', `${salt}|${id}`, 'buffer');
  if (id.startsWith('evt_')) return `evt_${Array.from(digest.subarray(0, 22), (byte) => BASE62[byte % 62]).join('')}`;
  const hex = digest.toString('hex');
  const variant = '89ab'[digest[8]! & 0x3];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface EnvelopeSpec {
  source: Source;
  type: string;
  at: number;
  identity: IdentityHints;
  payload: Record<string, unknown>;
  correlationId?: string;
  metadata?: CrmEvent['metadata'];
  version?: string;
}

/**
 * Collects the generated items. Nothing after `now` is emitted: the history ends at the moment the demo is seeded,
 * and the CRM would clamp (and flag) anything from the future.
 */
export class Emitter {
  readonly items: DemoItem[] = [];
  /** Ids minted so far: the seeded generator's 32-bit state repeats a draw now and then (≈ 1 in 20,000 at 50,000). */
  private readonly minted = new Set<string>();

  constructor(
    readonly tenantId: string,
    readonly now: number,
    /** The generator's seed: runs with different seeds never share an event id (see salted). */
    private readonly salt: number,
  ) {}

  /** A fresh event id: two different events never share one (a source never reuses its ids). */
  private mint(draw: () => string): string {
    let id = salted(draw(), this.salt);
    while (this.minted.has(id)) id = salted(draw(), this.salt);
    this.minted.add(id);
    return id;
  }

  envelope(rng: Rng, spec: EnvelopeSpec): string | null {
    if (spec.at > this.now) return null;
    const id = this.mint(() => eventIdFor(spec.source, rng));
    const event: CrmEvent = {
      id,
      type: spec.type,
      version: spec.version ?? '1.0',
      timestamp: iso(spec.at),
      tenantId: this.tenantId,
      source: spec.source,
      identity: spec.identity,
      payload: spec.payload,
      ...(spec.correlationId ? { correlationId: spec.correlationId } : {}),
      ...(spec.metadata ? { metadata: spec.metadata } : {}),
    };
    this.items.push({ kind: 'envelope', event });
    return id;
  }

  /**
   * A Messaging job in the flat format: `{eventId, tenantId, contactId, …fields}` at `data.payload`, or at `data`
   * itself as older Messaging producers send it.
   */
  flat(rng: Rng, spec: { name: string; at: number; contactId: string; fields: Record<string, unknown>; nested: boolean }): string | null {
    if (spec.at > this.now) return null;
    const eventId = this.mint(() => rng.uuid());
    const body = { eventId, tenantId: this.tenantId, contactId: spec.contactId, ...spec.fields, timestamp: iso(spec.at) };
    this.items.push({ kind: 'flat', name: spec.name, data: spec.nested ? { payload: body } : body });
    return eventId;
  }
}
