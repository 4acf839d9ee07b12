import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalizeJob } from '@/server/events/normalize';
import { ALL_DEFINITIONS } from '@/server/events/registry';
import { itemId, itemTime, itemType, salted, toPublishable, type DemoItem } from './emit';
import { generateDemo, summarizeCast, summarizeItems, type DemoData } from './generate';
import { CastBook } from './people';

const NOW = Date.parse('2026-11-27T09:00:00Z');
let demo: DemoData;

beforeAll(() => {
  // A smaller club keeps the test quick; the storylines scale with it.
  demo = generateDemo({ people: 600, now: NOW, seed: 7 });
});

/** The event's own fields: the envelope payload, or the flat Messaging object. */
function fieldsOf(item: DemoItem): Record<string, unknown> {
  if (item.kind === 'envelope') return item.event.payload;
  return (item.data.payload ?? item.data) as Record<string, unknown>;
}

function normalize(item: DemoItem) {
  const job = item.kind === 'flat' ? { name: item.name, data: item.data } : { name: 'event', data: toPublishable(item) as unknown };
  return normalizeJob({ ...job, timestamp: NOW }, { now: new Date(NOW) });
}

describe('generateDemo', () => {
  it('is deterministic: same options, same events and ids', () => {
    const again = generateDemo({ people: 600, now: NOW, seed: 7 });
    expect(again.items.length).toBe(demo.items.length);
    expect(JSON.stringify(again.items)).toBe(JSON.stringify(demo.items));
    const other = generateDemo({ people: 600, now: NOW, seed: 8 });
    expect(itemId(other.items[0]!)).not.toBe(itemId(demo.items[0]!));
  });

  it('casts new people with one CastBook: no member number, email or phone comes back on someone else', () => {
    const book = new CastBook();
    const casts = [1, 2, 3].map((seed) => generateDemo({ people: 60, seed, now: NOW, book }).people);
    const members = casts.flat().flatMap((p) => (p.member ? [p.member.memberId] : []));
    const emails = casts.flat().flatMap((p) => (p.email ? [p.email] : []));
    const phones = casts.flat().flatMap((p) => (p.mobile ? [p.mobile] : []));
    for (const ids of [members, emails, phones] as unknown[][]) expect(new Set(ids).size).toBe(ids.length);
    // Without a book every cast starts again (the demo's numbering).
    expect(generateDemo({ people: 60, seed: 2, now: NOW }).people.find((p) => p.member)?.member?.memberId).toBe(10_001);
  });

  it('mixes the seed into every event id, keeping each source\'s shape', () => {
    // The same draw from two seeds' streams (their 32-bit states meet now and then) gives two ids.
    for (const drawn of ['5e670a88-62e9-4b31-ada3-c5a17c32873c', 'evt_7beQsKgFdfgvjWtLVy18pf']) {
      expect(salted(drawn, 90_001)).not.toBe(salted(drawn, 90_002));
      expect(salted(drawn, 90_001)).toBe(salted(drawn, 90_001));
    }
    expect(salted('5e670a88-62e9-4b31-ada3-c5a17c32873c', 1)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(salted('evt_7beQsKgFdfgvjWtLVy18pf', 1)).toMatch(/^evt_[0-9A-Za-z]{22}$/);
  });

  it('gives every event a unique id and keeps them in time order within the 18-month window', () => {
    const ids = demo.items.map(itemId);
    expect(new Set(ids).size).toBe(ids.length);
    const times = demo.items.map(itemTime);
    expect([...times].sort()).toEqual(times);
    expect(Date.parse(times[0]!)).toBeGreaterThanOrEqual(demo.window.start);
    expect(Date.parse(times[times.length - 1]!)).toBeLessThanOrEqual(NOW);
  });

  it('produces only events the CRM accepts, of every consumed type', () => {
    const canonical = new Map<string, number>();
    const failures: string[] = [];
    for (const item of demo.items) {
      try {
        const { envelope, warnings } = normalize(item);
        canonical.set(envelope.type, (canonical.get(envelope.type) ?? 0) + 1);
        expect(warnings).toEqual([]);
      } catch (error) {
        if (failures.length < 5) failures.push(`${itemId(item)}: ${String(error)}`);
      }
    }
    expect(failures).toEqual([]);
    const missing = ALL_DEFINITIONS.map((d) => d.type).filter((type) => !canonical.has(type));
    expect(missing).toEqual([]);
  });

  it('uses both producer formats, both flat shapes and the documented aliases', () => {
    const summary = summarizeItems(demo.items);
    const messaging = summary.bySource.messaging!;
    expect(summary.flat / messaging).toBeGreaterThan(0.2);
    expect(summary.flat / messaging).toBeLessThan(0.4);
    expect(summary.flatWithPayloadWrapper).toBeGreaterThan(0);
    expect(summary.flatWithPayloadWrapper).toBeLessThan(summary.flat);
    const aliasesSeen = ALL_DEFINITIONS.flatMap((d) => d.aliases).filter(
      (alias) => summary.byType[alias] || summary.byType[`messaging.${alias}`],
    );
    expect(aliasesSeen.length).toBeGreaterThanOrEqual(8);
  });

  it('casts every storyline', () => {
    const cast = summarizeCast(demo.people);
    expect(cast.members / cast.people).toBeGreaterThan(0.48);
    expect(cast.members / cast.people).toBeLessThan(0.62);
    for (const key of ['inAllThreeSources', 'inOneSourceOnly', 'lapsed', 'resigned', 'downgraded', 'stoppedBooking', 'sharedFamilyEmails', 'mailboxesGoneDead', 'optedOutOfEmail'] as const) {
      expect(cast[key], key).toBeGreaterThan(0);
    }
    const hardBounces = demo.items.filter((item) => itemType(item).endsWith('message.bounced') && fieldsOf(item).bounceType === 'hard');
    expect(hardBounces.length).toBeGreaterThan(0);
    const optOuts = demo.items.filter((item) => /(contactPreference\.updated|consent\.changed)$/.test(itemType(item)) && fieldsOf(item).emailOptIn === false);
    expect(optOuts.length).toBeGreaterThan(0);
    const statuses = demo.items.flatMap((item) => (itemType(item) === 'scl.member.status.changed' ? [fieldsOf(item).newStatus] : []));
    expect(statuses).toContain('LAPSED');
    const downgrades = demo.items.filter((item) => /tier\.changed$/.test(itemType(item)) && fieldsOf(item).reason === 'downgrade');
    expect(downgrades.length).toBeGreaterThan(0);
    const softDeletes = demo.items.filter((item) => itemType(item) === 'scl.member.deleted' && fieldsOf(item).deletionType === 'soft');
    expect(softDeletes.length).toBeGreaterThan(0);
    const changedContacts = demo.items.filter((item) => itemType(item) === 'scl.member.updated' && /email|phoneNumber/.test(String(fieldsOf(item).changes)));
    expect(changedContacts.length).toBeGreaterThan(0);
  });

  it('links the same person across sources through shared emails or phones', () => {
    const people = demo.people.filter((p) => p.member && p.player && p.contact);
    expect(people.length).toBeGreaterThan(100);
    for (const person of people) {
      const member = person.member!;
      const player = person.player!;
      const contact = person.contact!;
      const memberToPlayer = (member.email !== null && member.email === player.email) || (member.phone !== null && member.phone === player.phone);
      const linked = memberToPlayer || member.sharesEmailWith !== undefined || player.phone === person.mobile;
      expect(linked).toBe(true);
      expect(contact.email === person.email || contact.phone === person.mobile).toBe(true);
    }
  });

  it('shares a family email between two members with different member ids', () => {
    const spouses = demo.people.filter((p) => p.member?.sharesEmailWith !== undefined);
    expect(spouses.length).toBeGreaterThan(0);
    for (const spouse of spouses) {
      const partner = demo.people[spouse.member!.sharesEmailWith!]!;
      expect(spouse.member!.email).toBe(partner.member!.email);
      expect(spouse.member!.memberId).not.toBe(partner.member!.memberId);
      expect(spouse.member!.phone).not.toBe(partner.member!.phone);
    }
  });

  it('uses valid South African mobile numbers and reserved example domains only', () => {
    for (const person of demo.people) {
      if (person.mobile) expect(parsePhoneNumberFromString(person.mobile, 'ZA')?.isValid(), person.mobile).toBe(true);
      for (const email of [person.email, person.player?.email, person.member?.email]) {
        if (email) expect(email).toMatch(/^[a-z0-9._]+@([a-z]+\.)?example\.(com|org|net)$/);
      }
    }
  });
});
