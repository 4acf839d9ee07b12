import { describe, expect, it } from 'vitest';
import { LaneRouter } from './lanes';
import type { PipelineItem } from './types';

/** An event reduced to what routing reads: its tenant, id and identity hints. */
function event(id: string, identity: Record<string, string>): PipelineItem {
  return { kind: 'event', normalized: { envelope: { tenantId: 'club-1', id, identity }, effects: { identities: {} } } } as unknown as PipelineItem;
}

const PEOPLE = Array.from({ length: 200 }, (_, i) => ({
  email: `person${i}@example.org`,
  member: String(10_000 + i),
  player: `P-${i}`,
  contact: `c-${i}`,
}));
const success = (profileId: string) => ({ status: 'SUCCESS', profileId, activityId: null }) as const;

describe('LaneRouter', () => {
  it('once a person resolved, routes an event carrying any one of their identifiers to that profile’s lane', () => {
    const router = new LaneRouter(2);
    for (const p of PEOPLE) {
      const profileId = `profile-${p.member}`;
      for (const e of [event(`scl-${p.member}`, { sclMemberId: p.member, email: p.email }), event(`tt-${p.player}`, { teetimePlayerId: p.player, email: p.email })]) {
        router.learn(e, success(profileId), router.laneFor(e));
      }
      const lanes = new Set([
        router.laneFor(event(`booking-${p.player}`, { teetimePlayerId: p.player })),
        router.laneFor(event(`payment-${p.member}`, { sclMemberId: p.member })),
        router.laneFor(event(`open-${p.contact}`, { messagingContactId: p.contact, email: p.email.toUpperCase() })),
      ]);
      expect(lanes.size, p.email).toBe(1);
    }
  });

  it('sends a new person\'s first events from every source to one lane, before any of them resolved', () => {
    const router = new LaneRouter(2);
    for (const p of PEOPLE) {
      const lanes = new Set([
        router.laneFor(event(`scl-${p.member}`, { sclMemberId: p.member, email: p.email })),
        router.laneFor(event(`tt-${p.player}`, { teetimePlayerId: p.player, email: p.email })),
        router.laneFor(event(`booking-${p.player}`, { teetimePlayerId: p.player })),
        router.laneFor(event(`open-${p.contact}`, { messagingContactId: p.contact, email: p.email })),
      ]);
      expect(lanes.size, p.email).toBe(1);
    }
  });

  it('sends a family sharing an email to one lane, each member by their own number from then on', () => {
    const router = new LaneRouter(2);
    const family = PEOPLE.slice(0, 6).map((p) => p.member);
    const lanes = family.map((member) => router.laneFor(event(`created-${member}`, { sclMemberId: member, email: 'family@example.org' })));
    expect(new Set(lanes).size).toBe(1);
    for (const member of family) expect(router.laneFor(event(`payment-${member}`, { sclMemberId: member }))).toBe(lanes[0]);
  });

  it('spreads different people over the lanes', () => {
    const router = new LaneRouter(2);
    const perLane = [0, 0];
    for (const p of PEOPLE) perLane[router.laneFor(event(`scl-${p.member}`, { sclMemberId: p.member, email: p.email }))]++;
    expect(Math.min(...perLane)).toBeGreaterThan(PEOPLE.length * 0.3);
  });

  it('keeps routing recent people together after more identifiers than it remembers have gone by', () => {
    const router = new LaneRouter(2);
    const many = Array.from({ length: 60_000 }, (_, i) => ({ member: `M-${i}`, email: `member${i}@example.org`, player: `T-${i}` }));
    const first = many.map((p) => router.laneFor(event(`scl-${p.member}`, { sclMemberId: p.member, email: p.email })));
    for (const [i, p] of many.slice(-1000).entries()) {
      expect(router.laneFor(event(`tt-${p.player}`, { teetimePlayerId: p.player, email: p.email }))).toBe(first[many.length - 1000 + i]);
    }
  });

  it('brings a person whose identifiers first met in the database back to one lane after one resolved event', () => {
    const router = new LaneRouter(2);
    // Member numbers and contact ids that share nothing a router could see, routed to different lanes…
    const split = PEOPLE.flatMap((p) => {
      const member = event(`scl-${p.member}`, { sclMemberId: p.member });
      const contact = event(`open-${p.contact}`, { messagingContactId: p.contact });
      const lanes = [router.laneFor(member), router.laneFor(contact)];
      return lanes[0] === lanes[1] ? [] : [{ p, member, contact, lanes }];
    });
    expect(split.length).toBeGreaterThan(PEOPLE.length * 0.3);
    for (const { p, member, contact, lanes } of split) {
      // …both resolve to one profile (matched by a phone the events did not carry, or merged).
      router.learn(member, success(`profile-${p.member}`), lanes[0]);
      router.learn(contact, success(`profile-${p.member}`), lanes[1]);
      const next = [
        router.laneFor(event(`payment-${p.member}`, { sclMemberId: p.member })),
        router.laneFor(event(`click-${p.contact}`, { messagingContactId: p.contact })),
      ];
      expect(next, p.member).toEqual([lanes[0], lanes[0]]);
    }
  });
});
