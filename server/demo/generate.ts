import { Emitter, itemId, itemTime, itemType, type DemoItem } from './emit';
import { planCampaigns, emitContactHistory } from './messaging';
import { createPeople, type CastBook, type Person, type Window } from './people';
import { Rng } from './random';
import { emitMemberHistory } from './scl';
import { emitCompetitions, emitPlayerHistory } from './teetime';
import { DAY } from './time';

export type { DemoItem } from './emit';
export { toPublishable } from './emit';

/**
 * The demo club's data: a deterministic cast of people and 18 months of their history in SCL, TeeTime and
 * Messaging, as the events those systems publish. Same options, same events — ids included — so seeding again
 * is a no-op for the worker's idempotency.
 */

export const DEMO_TENANT_ID = 'demo-club';
export const DEFAULT_PEOPLE = 2400;
export const DEFAULT_SEED = 20251201;
/** 18 months. */
export const HISTORY_DAYS = 548;

export interface DemoOptions {
  tenantId?: string;
  people?: number;
  seed?: number;
  /** The end of the history. Pass the same moment on every run (the demo uses the tenant's creation time). */
  now: Date | number;
  /** Identifiers earlier casts of the same club used (see CastBook); a fresh book by default. */
  book?: CastBook;
}

export interface DemoData {
  items: DemoItem[];
  people: Person[];
  window: Window;
}

export function generateDemo(options: DemoOptions): DemoData {
  const tenantId = options.tenantId ?? DEMO_TENANT_ID;
  const end = typeof options.now === 'number' ? options.now : options.now.getTime();
  const window: Window = { start: end - HISTORY_DAYS * DAY, end };
  const seed = options.seed ?? DEFAULT_SEED;
  const root = new Rng(seed);
  const out = new Emitter(tenantId, end, seed);

  const people = createPeople(root.fork('people'), options.people ?? DEFAULT_PEOPLE, window, options.book);
  const competitions = emitCompetitions(root.fork('competitions'), out, window);
  const campaigns = planCampaigns(root.fork('campaigns'), window, competitions);
  for (const person of people) {
    const rng = root.fork('history', person.index);
    emitMemberHistory(rng.fork('scl'), out, person, window);
    const teeTimes = emitPlayerHistory(rng.fork('teetime'), out, person, competitions, window);
    emitContactHistory(rng.fork('messaging'), out, person, campaigns, teeTimes);
  }

  // In time order, as the sources published them (ISO-8601 UTC strings sort chronologically).
  const keyed = out.items.map((item) => ({ item, key: `${itemTime(item)}|${itemId(item)}` }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { items: keyed.map((k) => k.item), people, window };
}

/** Just the events, in time order. */
export function generateDemoEvents(options: DemoOptions): DemoItem[] {
  return generateDemo(options).items;
}

export interface DemoSummary {
  total: number;
  bySource: Record<string, number>;
  /** By the type name as sent (aliases and flat names included, flat ones prefixed `messaging.`). */
  byType: Record<string, number>;
  flat: number;
  flatWithPayloadWrapper: number;
}

export function summarizeItems(items: DemoItem[]): DemoSummary {
  const summary: DemoSummary = { total: items.length, bySource: {}, byType: {}, flat: 0, flatWithPayloadWrapper: 0 };
  for (const item of items) {
    const source = item.kind === 'envelope' ? item.event.source : 'messaging';
    summary.bySource[source] = (summary.bySource[source] ?? 0) + 1;
    const type = itemType(item);
    summary.byType[type] = (summary.byType[type] ?? 0) + 1;
    if (item.kind === 'flat') {
      summary.flat++;
      if ('payload' in item.data) summary.flatWithPayloadWrapper++;
    }
  }
  return summary;
}

export interface CastSummary {
  people: number;
  members: number;
  players: number;
  contacts: number;
  inAllThreeSources: number;
  inOneSourceOnly: number;
  lapsed: number;
  resigned: number;
  softDeleted: number;
  downgraded: number;
  stoppedBooking: number;
  sharedFamilyEmails: number;
  mailboxesGoneDead: number;
  optedOutOfEmail: number;
}

/** How many people follow each storyline, for the demo's printout and the tests. */
export function summarizeCast(people: Person[]): CastSummary {
  const count = (predicate: (p: Person) => boolean) => people.filter(predicate).length;
  const sources = (p: Person) => Number(Boolean(p.member)) + Number(Boolean(p.player)) + Number(Boolean(p.contact));
  return {
    people: people.length,
    members: count((p) => Boolean(p.member)),
    players: count((p) => Boolean(p.player)),
    contacts: count((p) => Boolean(p.contact)),
    inAllThreeSources: count((p) => sources(p) === 3),
    inOneSourceOnly: count((p) => sources(p) === 1),
    lapsed: count((p) => p.member?.statusChanges.some((s) => s.to === 'LAPSED') ?? false),
    resigned: count((p) => p.member?.statusChanges.some((s) => s.to === 'RESIGNED') ?? false),
    softDeleted: count((p) => p.member?.deletedAt !== undefined),
    downgraded: count((p) => p.member?.tierChange?.reason === 'downgrade'),
    stoppedBooking: count((p) => p.player?.stopAt !== undefined),
    sharedFamilyEmails: count((p) => p.member?.sharesEmailWith !== undefined),
    mailboxesGoneDead: count((p) => p.contact?.mailboxDeadFrom !== undefined),
    optedOutOfEmail: count((p) => p.contact?.preferenceChanges.some((c) => c.fields.emailOptIn === false) ?? false),
  };
}
