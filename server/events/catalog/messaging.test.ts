import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { EventDefinition } from '../types';
import { runEffects } from './test-support';
import {
  campaignSent,
  contactCreated,
  contactDeleted,
  contactPreferenceUpdated,
  contactUpdated,
  emailClicked,
  messageBounced,
  messageReplied,
  messageSent,
} from './messaging';

const ENVELOPE_TIME = '2025-12-05T08:00:00+02:00';

function run<S extends z.ZodType>(definition: EventDefinition<S>, payload: Record<string, unknown>) {
  return runEffects(definition, payload, { source: 'messaging', timestamp: ENVELOPE_TIME });
}

describe('Messaging contacts', () => {
  it('writes consent as authoritative and names/email/phone only as fill-ins', () => {
    const effects = run(contactCreated, {
      contactId: 'ctc_1',
      email: 'lerato@example.org',
      phoneNumber: '',
      firstName: 'Lerato',
      emailOptIn: 'true',
      smsOptIn: null,
    });
    const at = new Date(ENVELOPE_TIME);
    expect(effects.writes).toEqual([
      { rank: 2, at, fields: { emailOptIn: true } },
      { rank: 1, at, fields: { email: 'lerato@example.org', firstName: 'Lerato' } },
    ]);
    expect(effects.identities).toEqual({ messagingContactId: 'ctc_1', email: 'lerato@example.org', phoneNumber: '' });
  });

  it('records contact.updated only if it changed something', () => {
    const effects = run(contactUpdated, { contactId: 'ctc_1', lastName: 'Dlamini', updatedAt: '2025-12-06T09:00:00Z' });
    expect(effects.activity).toMatchObject({ type: 'CONTACT_UPDATED', onlyIfChanged: true, occurredAt: new Date('2025-12-06T09:00:00Z') });
    expect(effects.writes).toEqual([{ rank: 1, at: new Date('2025-12-06T09:00:00Z'), fields: { lastName: 'Dlamini' } }]);
  });

  it('unlinks a deleted contact and ends every opt-in', () => {
    const effects = run(contactDeleted, { contactId: 'ctc_1' });
    expect(effects.unlinkMessagingContact).toBe(true);
    expect(effects.writes).toEqual([
      {
        rank: 2,
        at: new Date(ENVELOPE_TIME),
        fields: { emailOptIn: false, smsOptIn: false, pushOptIn: false, whatsappOptIn: false },
      },
    ]);
    expect(effects.activity?.type).toBe('CONTACT_DELETED');
  });

  it('requires a contact id', () => {
    expect(contactCreated.payload.safeParse({ email: 'a@example.org' }).error?.issues[0].path).toEqual(['contactId']);
  });
});

describe('messaging.contactPreference.updated', () => {
  it('writes exactly the stated flags and opts in when none turned false', () => {
    const effects = run(contactPreferenceUpdated, { contactId: 'ctc_1', emailOptIn: true, pushOptIn: true });
    expect(effects.writes).toEqual([{ rank: 2, at: new Date(ENVELOPE_TIME), fields: { emailOptIn: true, pushOptIn: true } }]);
    expect(effects.activity).toMatchObject({
      type: 'CONSENT_OPTED_IN',
      title: 'Opted in to email and push',
      properties: { channels: { EMAIL: true, PUSH: true }, optedIn: ['EMAIL', 'PUSH'], optedOut: [] },
    });
  });

  it('is an opt-out when any channel turned false', () => {
    const effects = run(contactPreferenceUpdated, { contactId: 'ctc_1', emailOptIn: false });
    expect(effects.activity).toMatchObject({ type: 'CONSENT_OPTED_OUT', title: 'Opted out of email', properties: { optedOut: ['EMAIL'] } });
  });

  it('rejects an event that states no flag', () => {
    const result = contactPreferenceUpdated.payload.safeParse({ contactId: 'ctc_1', emailOptIn: null });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].message).toContain('states no opt-in flag');
  });
});

describe('Messaging messages', () => {
  it('upper-cases the channel and rejects unknown channels', () => {
    const effects = run(messageSent, { messageId: 'm1', channel: 'sms', contactId: 'ctc_1' });
    expect(effects.activity).toMatchObject({ type: 'MESSAGE_SENT', title: 'SMS sent', properties: { channel: 'SMS' } });
    expect(messageSent.payload.safeParse({ messageId: 'm1', channel: 'FAX' }).error?.issues[0].path).toEqual(['channel']);
  });

  it('has no person hint without a contactId (the envelope identity carries it)', () => {
    expect(run(messageSent, { messageId: 'm1', channel: 'EMAIL' }).identities).toEqual({});
  });

  it.each([
    ['EMAIL', 'hard', [{ emailUndeliverable: true }]],
    ['SMS', 'hard', [{ phoneUndeliverable: true }]],
    ['WHATSAPP', 'Hard', [{ phoneUndeliverable: true }]],
    ['PUSH', 'hard', []],
    ['EMAIL', 'soft', []],
    ['EMAIL', 'complaint', []],
  ])('a %s %s bounce writes %j', (channel, bounceType, fields) => {
    const effects = run(messageBounced, { messageId: 'm1', channel, bounceType, bouncedAt: '2025-12-05T06:01:15Z' });
    expect(effects.writes.map((write) => write.fields)).toEqual(fields);
    expect(effects.activity?.properties).toMatchObject({ bounceType: bounceType.toLowerCase(), channel });
  });

  it('titles a complaint as a spam report', () => {
    const effects = run(messageBounced, { messageId: 'm1', channel: 'EMAIL', bounceType: 'complaint' });
    expect(effects.activity?.title).toBe('Email reported as spam');
  });

  it('records a link click from an SMS (messaging.link.clicked) with its channel', () => {
    const effects = run(emailClicked, { messageId: 'm1', channel: 'SMS', url: 'https://club.example.org/book' });
    expect(effects.activity).toMatchObject({
      type: 'EMAIL_CLICKED',
      title: 'Clicked a link in an SMS — club.example.org',
      properties: { channel: 'SMS', url: 'https://club.example.org/book' },
    });
  });

  it('truncates a long reply preview', () => {
    const effects = run(messageReplied, { messageId: 'm1', channel: 'EMAIL', preview: 'x'.repeat(500) });
    expect((effects.activity?.properties.preview as string).length).toBe(140);
    expect(effects.activity?.title).toBe('Replied to an email');
  });

  it('records a received campaign', () => {
    const effects = run(campaignSent, { campaignId: 'cmp_9', contactId: 'ctc_1', channel: 'whatsapp' });
    expect(effects.activity).toMatchObject({
      type: 'CAMPAIGN_RECEIVED',
      title: 'Received campaign — cmp_9 (WhatsApp)',
      properties: { campaignId: 'cmp_9', channel: 'WHATSAPP' },
    });
  });
});
