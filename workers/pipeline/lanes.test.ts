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
  it('routes a new person’s events from all three sources to one lane by the email they share', () => {
    const router = new LaneRouter(2);
    for (const p of PEOPLE) {
      const lanes = new Set([
        router.laneFor(event(`scl-${p.member}`, { sclMemberId: p.member, email: p.email })),
        router.laneFor(event(`tt-${p.player}`, { teetimePlayerId: p.player, email: p.email.toUpperCase() })),
        router.laneFor(event(`msg-${p.contact}`, { messagingContactId: p.contact, email: p.email })),
      ]);
      expect(lanes.size, p.email).toBe(1);
    }
  });

  it('sends a later event that carries only a system id to the lane of the person it belongs to', () => {
    const router = new LaneRouter(2);
    for (const p of PEOPLE) {
      const first = event(`tt-${p.player}`, { teetimePlayerId: p.player, email: p.email });
      const lane = router.laneFor(first);
      router.learn(first, success(`profile-${p.player}`));
      expect(router.laneFor(event(`booking-${p.player}`, { teetimePlayerId: p.player })), p.player).toBe(lane);
    }
  });

  it('spreads different people over the lanes', () => {
    const router = new LaneRouter(2);
    const perLane = [0, 0];
    for (const p of PEOPLE) perLane[router.laneFor(event(`scl-${p.member}`, { sclMemberId: p.member, email: p.email }))]++;
    expect(Math.min(...perLane)).toBeGreaterThan(PEOPLE.length * 0.3);
  });
});
