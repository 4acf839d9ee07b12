import { describe, expect, it } from 'vitest';
import { ALL_DEFINITIONS, canonicalType, getDefinition, priorityOf } from './registry';

const CANONICAL = [
  'scl.member.created',
  'scl.member.updated',
  'scl.member.deleted',
  'scl.member.status.changed',
  'scl.member.tier.changed',
  'scl.payment.received',
  'scl.payment.failed',
  'scl.invoice.sent',
  'teetime.player.created',
  'teetime.player.updated',
  'teetime.handicap.updated',
  'teetime.booking.created',
  'teetime.booking.cancelled',
  'teetime.booking.completed',
  'teetime.booking.noshow',
  'teetime.competition.published',
  'teetime.competition.entered',
  'teetime.score.posted',
  'messaging.contact.created',
  'messaging.contact.updated',
  'messaging.contact.deleted',
  'messaging.contactPreference.updated',
  'messaging.message.sent',
  'messaging.message.delivered',
  'messaging.message.bounced',
  'messaging.email.opened',
  'messaging.email.clicked',
  'messaging.message.replied',
  'messaging.campaign.sent',
];

const ALIASES: Record<string, string> = {
  'scl.tier.changed': 'scl.member.tier.changed',
  'tier.changed': 'scl.member.tier.changed',
  'payment.received': 'scl.payment.received',
  'payment.failed': 'scl.payment.failed',
  'player.created': 'teetime.player.created',
  'handicap.updated': 'teetime.handicap.updated',
  'teetime.booked': 'teetime.booking.created',
  'teetime.completed': 'teetime.booking.completed',
  'competition.published': 'teetime.competition.published',
  'messaging.consent.changed': 'messaging.contactPreference.updated',
  'email.opened': 'messaging.email.opened',
  'email.clicked': 'messaging.email.clicked',
  'messaging.link.clicked': 'messaging.email.clicked',
};

const HIGH = [
  'scl.payment.failed',
  'scl.member.status.changed',
  'teetime.booking.noshow',
  'messaging.contactPreference.updated',
  'messaging.message.bounced',
];
const LOW = ['messaging.email.opened', 'messaging.email.clicked', 'teetime.score.posted', 'scl.invoice.sent'];

describe('event registry', () => {
  it('holds exactly the 29 canonical types of §3: 8 SCL, 10 TeeTime, 11 Messaging', () => {
    expect(ALL_DEFINITIONS).toHaveLength(29);
    expect(ALL_DEFINITIONS.map((definition) => definition.type).sort()).toEqual([...CANONICAL].sort());
    const bySource = (source: string) => ALL_DEFINITIONS.filter((definition) => definition.source === source).length;
    expect([bySource('scl'), bySource('teetime'), bySource('messaging')]).toEqual([8, 10, 11]);
    for (const definition of ALL_DEFINITIONS) expect(definition.type.startsWith(`${definition.source}.`)).toBe(true);
  });

  it.each(Object.entries(ALIASES))('maps alias %s to %s', (alias, canonical) => {
    expect(canonicalType(alias)).toBe(canonical);
    expect(getDefinition(alias)).toBe(getDefinition(canonical));
  });

  it('declares no aliases beyond the spec', () => {
    const declared = ALL_DEFINITIONS.flatMap((definition) => definition.aliases).sort();
    expect(declared).toEqual(Object.keys(ALIASES).sort());
  });

  it('maps canonical types to themselves and unknown types to undefined', () => {
    for (const type of CANONICAL) expect(canonicalType(type)).toBe(type);
    expect(canonicalType('scl.member.merged')).toBeUndefined();
    expect(getDefinition('')).toBeUndefined();
    expect(getDefinition('SCL.MEMBER.CREATED')).toBeUndefined();
  });

  it('gives High 1 / Normal 2 / Low 3 priorities per §1, aliases included', () => {
    for (const type of CANONICAL) {
      expect(priorityOf(type), type).toBe(HIGH.includes(type) ? 1 : LOW.includes(type) ? 3 : 2);
    }
    expect(priorityOf('payment.failed')).toBe(1);
    expect(priorityOf('messaging.consent.changed')).toBe(1);
    expect(priorityOf('email.clicked')).toBe(3);
    expect(priorityOf('something.else')).toBe(2);
  });

  it('marks only competition publication as personless', () => {
    expect(ALL_DEFINITIONS.filter((definition) => definition.personless).map((definition) => definition.type)).toEqual(
      ['teetime.competition.published'],
    );
  });
});
