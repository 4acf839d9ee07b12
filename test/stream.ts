import type { CrmEvent } from '@/server/events/envelope';

/** A small seeded PRNG (mulberry32): the same seed gives the same stream. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)],
    chance: (p: number) => next() < p,
    shuffle<T>(items: T[]): T[] {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [copy[i], copy[j]] = [copy[j], copy[i]];
      }
      return copy;
    },
  };
}

const FIRST = ['Thandi', 'Sipho', 'Anika', 'Pieter', 'Priya', 'Lwazi', 'Zanele', 'Johan', 'Ayesha', 'Kagiso'];
const LAST = ['Nkosi', 'Dlamini', 'van der Merwe', 'Naidoo', 'Botha', 'Mokoena', 'Pillay', 'Smith', 'Khumalo', 'Jacobs'];
const TIERS = ['Platinum', 'Gold', 'Silver', 'Bronze'];

/**
 * A random but consistent history for `people` people over the last 60 days. Every source's first event for a
 * person carries the person's IdP id (authUserId), so however the events are ordered they end in one profile per
 * person; activity events carry only the source id, so shuffled delivery creates profiles that later merge.
 */
export function randomStream(seed: number, people: number, tenantId: string): CrmEvent[] {
  const r = rng(seed);
  const now = Date.now();
  const day = 86_400_000;
  const events: CrmEvent[] = [];
  let n = 0;
  const at = () => new Date(now - r.int(1, 60 * 24) * 3_600_000 + r.int(0, 3_599_999));
  const push = (type: string, source: string, time: Date, identity: CrmEvent['identity'], payload: Record<string, unknown>) =>
    events.push({ id: `evt_s${seed}_${++n}`, type, version: '1.0', timestamp: time.toISOString(), tenantId, source, identity, payload } as CrmEvent);

  for (let p = 0; p < people; p++) {
    const auth = `auth-${seed}-${p}`;
    const email = `person${p}.${seed}@example.org`;
    const phone = `082 ${String(1000000 + p * 37).slice(0, 3)} ${String(1000 + p).slice(-4)}`;
    const member = r.chance(0.7) ? 100000 + p : null;
    const player = r.chance(0.7) ? `plr-${seed}-${p}` : null;
    const contact = r.chance(0.8) || (!member && !player) ? `ctc-${seed}-${p}` : null;

    if (member) {
      const created = at();
      push('scl.member.created', 'scl', created, { sclMemberId: member, authUserId: auth, email }, {
        id: member, firstName: r.pick(FIRST), lastName: r.pick(LAST), email, phoneNumber: phone, status: 'ACTIVE',
        membershipTierId: 1, membershipTierName: r.pick(TIERS), createdAt: created.toISOString(),
      });
      for (let i = r.int(0, 2); i > 0; i--) {
        const t = at();
        push('scl.member.updated', 'scl', t, { sclMemberId: member }, { id: member, changes: ['lastName'], lastName: r.pick(LAST), updatedAt: t.toISOString() });
      }
      if (r.chance(0.4)) {
        const t = at();
        push('scl.member.tier.changed', 'scl', t, { sclMemberId: member }, {
          id: member, previousTierId: 1, previousTierName: 'Gold', newTierId: 2, newTierName: r.pick(TIERS), reason: 'downgrade', effectiveAt: t.toISOString(),
        });
      }
      if (r.chance(0.2)) {
        const t = at();
        push('scl.member.status.changed', 'scl', t, { sclMemberId: member }, { id: member, previousStatus: 'ACTIVE', newStatus: r.pick(['LAPSED', 'SUSPENDED', 'ACTIVE']), effectiveAt: t.toISOString() });
      }
      for (let i = r.int(0, 3); i > 0; i--) {
        const t = at();
        push('scl.payment.received', 'scl', t, { sclMemberId: member }, { id: `pay-${seed}-${p}-${i}`, amount: r.int(1, 90) * 1000, currency: 'ZAR', paidAt: t.toISOString() });
      }
    }
    if (player) {
      const created = at();
      push('teetime.player.created', 'teetime', created, { teetimePlayerId: player, authUserId: auth, email }, {
        id: player, name: r.pick(FIRST), surname: r.pick(LAST), email, phone, handicap: r.int(0, 360) / 10,
        homeClubId: 'club-1', homeClubName: 'Highveld Golf Club', createdAt: created.toISOString(),
      });
      for (let i = r.int(0, 2); i > 0; i--) {
        const t = at();
        push('teetime.handicap.updated', 'teetime', t, { teetimePlayerId: player }, {
          playerId: player, previousHandicap: 10, newHandicap: r.int(0, 360) / 10, source: 'GOLF_RSA', effectiveDate: t.toISOString().slice(0, 10),
        });
      }
      for (let i = r.int(1, 5); i > 0; i--) {
        const t = at();
        push('teetime.booking.created', 'teetime', t, { teetimePlayerId: player }, {
          id: `bk-${seed}-${p}-${i}`, playerId: player, clubId: 'club-1', clubName: 'Highveld Golf Club', courseId: 'c1',
          teeTime: new Date(t.getTime() + 2 * day).toISOString(), holes: 18,
        });
      }
    }
    if (contact) {
      const created = at();
      push('messaging.contact.created', 'messaging', created, { messagingContactId: contact, authUserId: auth, email }, {
        contactId: contact, email, phoneNumber: phone, firstName: r.pick(FIRST), lastName: r.pick(LAST),
        emailOptIn: r.chance(0.7), smsOptIn: r.chance(0.5), createdAt: created.toISOString(),
      });
      for (let i = r.int(0, 2); i > 0; i--) {
        const t = at();
        push('messaging.contactPreference.updated', 'messaging', t, { messagingContactId: contact }, { contactId: contact, emailOptIn: r.chance(0.5), updatedAt: t.toISOString() });
      }
      for (let i = r.int(0, 4); i > 0; i--) {
        const t = at();
        push('messaging.email.opened', 'messaging', t, { messagingContactId: contact }, { contactId: contact, messageId: `m-${seed}-${p}-${i}`, openedAt: t.toISOString() });
      }
    }
  }
  return events;
}
