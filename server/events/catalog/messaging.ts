import { z } from 'zod';
import {
  RANK_AUTHORITATIVE,
  RANK_FILL,
  type EventDefinition,
  type FieldWriteSet,
  type WritableFields,
} from '../types';
import {
  channelSchema,
  compact,
  defineEvent,
  flag,
  humanList,
  idString,
  isoDateTime,
  optionalText,
  type Channel,
} from './shared';

/*
 * Messaging (email/SMS/push/WhatsApp) events, §3. The person is the Messaging contact (`contactId`). Messaging owns
 * consent, so its opt-in flags are authoritative; its names, emails and phones only fill what is empty on the
 * profile (SCL and TeeTime data win). Messaging's own time fields are optional: its flat jobs often carry only one
 * timestamp, which the normaliser puts on the envelope, so each event falls back to the envelope time.
 */

const nullableText = z.string().nullish();
const eventTime = isoDateTime.nullish();

const OPT_IN_FIELDS = ['emailOptIn', 'smsOptIn', 'pushOptIn', 'whatsappOptIn'] as const;
type OptInField = (typeof OPT_IN_FIELDS)[number];
const OPT_IN_CHANNEL: Record<OptInField, Channel> = {
  emailOptIn: 'EMAIL',
  smsOptIn: 'SMS',
  pushOptIn: 'PUSH',
  whatsappOptIn: 'WHATSAPP',
};
const CHANNEL_LABEL: Record<Channel, string> = { EMAIL: 'email', SMS: 'SMS', PUSH: 'push', WHATSAPP: 'WhatsApp' };
const MESSAGE_LABEL: Record<Channel, string> = {
  EMAIL: 'Email',
  SMS: 'SMS',
  PUSH: 'Push notification',
  WHATSAPP: 'WhatsApp message',
};
const A_MESSAGE: Record<Channel, string> = {
  EMAIL: 'an email',
  SMS: 'an SMS',
  PUSH: 'a push notification',
  WHATSAPP: 'a WhatsApp message',
};

const optInShape = {
  emailOptIn: flag.nullish(),
  smsOptIn: flag.nullish(),
  pushOptIn: flag.nullish(),
  whatsappOptIn: flag.nullish(),
};

/** The opt-in flags the event states (null and absent mean "not said"). */
function statedOptIns(payload: Partial<Record<OptInField, boolean | null>>): Partial<Record<OptInField, boolean>> {
  const stated: Partial<Record<OptInField, boolean>> = {};
  for (const field of OPT_IN_FIELDS) {
    const value = payload[field];
    if (typeof value === 'boolean') stated[field] = value;
  }
  return stated;
}

function contactIdentity(payload: { contactId?: string | null; email?: string | null; phoneNumber?: string | null }) {
  return compact({
    messagingContactId: payload.contactId ?? undefined,
    email: payload.email ?? undefined,
    phoneNumber: payload.phoneNumber ?? undefined,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Contacts

const contactPayload = z
  .object({
    contactId: idString,
    email: nullableText,
    phoneNumber: nullableText,
    firstName: nullableText,
    lastName: nullableText,
    ...optInShape,
    createdAt: eventTime,
    updatedAt: eventTime,
  })
  .loose();
type ContactPayload = z.infer<typeof contactPayload>;

/** Consent flags authoritative, names/email/phone as fill-ins, both at the contact's own time. */
function contactWrites(payload: ContactPayload, at: Date): FieldWriteSet[] {
  const writes: FieldWriteSet[] = [];
  const consent = statedOptIns(payload);
  if (Object.keys(consent).length) writes.push({ rank: RANK_AUTHORITATIVE, at, fields: consent });
  const fill: Partial<WritableFields> = {};
  for (const field of ['firstName', 'lastName', 'email', 'phoneNumber'] as const) {
    const value = payload[field]?.trim();
    if (value) fill[field] = value;
  }
  if (Object.keys(fill).length) writes.push({ rank: RANK_FILL, at, fields: fill });
  return writes;
}

export const contactCreated = defineEvent({
  type: 'messaging.contact.created',
  aliases: [],
  source: 'messaging',
  priority: 2,
  payload: contactPayload,
  effects({ event, payload }) {
    const at = payload.createdAt ?? payload.updatedAt ?? new Date(event.timestamp);
    return {
      identities: contactIdentity(payload),
      writes: contactWrites(payload, at),
      activity: {
        type: 'CONTACT_CREATED',
        occurredAt: at,
        title: 'Messaging contact created',
        properties: { messagingContactId: payload.contactId, ...statedOptIns(payload) },
      },
    };
  },
});

export const contactUpdated = defineEvent({
  type: 'messaging.contact.updated',
  aliases: [],
  source: 'messaging',
  priority: 2,
  payload: contactPayload,
  effects({ event, payload }) {
    const at = payload.updatedAt ?? new Date(event.timestamp);
    return {
      identities: contactIdentity(payload),
      writes: contactWrites(payload, at),
      activity: {
        type: 'CONTACT_UPDATED',
        onlyIfChanged: true,
        occurredAt: at,
        title: 'Messaging contact updated',
        properties: { messagingContactId: payload.contactId, ...statedOptIns(payload) },
      },
    };
  },
});

const contactDeletedPayload = z
  .object({ contactId: idString, reason: optionalText, deletedAt: eventTime })
  .loose();

export const contactDeleted = defineEvent({
  type: 'messaging.contact.deleted',
  aliases: [],
  source: 'messaging',
  priority: 2,
  payload: contactDeletedPayload,
  effects({ event, payload }) {
    const at = payload.deletedAt ?? new Date(event.timestamp);
    return {
      identities: { messagingContactId: payload.contactId },
      // Without a contact Messaging can reach nobody: every channel's consent ends with it.
      writes: [
        {
          rank: RANK_AUTHORITATIVE,
          at,
          fields: { emailOptIn: false, smsOptIn: false, pushOptIn: false, whatsappOptIn: false },
        },
      ],
      unlinkMessagingContact: true,
      activity: {
        type: 'CONTACT_DELETED',
        occurredAt: at,
        title: payload.reason ? `Messaging contact deleted — ${payload.reason}` : 'Messaging contact deleted',
        properties: compact({ messagingContactId: payload.contactId, reason: payload.reason }),
      },
    };
  },
});

// ---------------------------------------------------------------------------------------------------------------
// Consent

const contactPreferencePayload = z
  .object({ contactId: idString, ...optInShape, updatedAt: eventTime })
  .loose()
  .refine((payload) => OPT_IN_FIELDS.some((field) => typeof payload[field] === 'boolean'), {
    message: `states no opt-in flag (expected at least one of ${OPT_IN_FIELDS.join(', ')})`,
  });

export const contactPreferenceUpdated = defineEvent({
  type: 'messaging.contactPreference.updated',
  aliases: ['messaging.consent.changed'],
  source: 'messaging',
  priority: 1,
  payload: contactPreferencePayload,
  effects({ event, payload }) {
    const at = payload.updatedAt ?? new Date(event.timestamp);
    const stated = statedOptIns(payload);
    const fields = Object.keys(stated) as OptInField[];
    const optedIn = fields.filter((field) => stated[field]).map((field) => OPT_IN_CHANNEL[field]);
    const optedOut = fields.filter((field) => !stated[field]).map((field) => OPT_IN_CHANNEL[field]);
    const label = (channels: Channel[]) => humanList(channels.map((channel) => CHANNEL_LABEL[channel]));
    const title = [
      optedOut.length ? `Opted out of ${label(optedOut)}` : undefined,
      optedIn.length ? `${optedOut.length ? 'opted' : 'Opted'} in to ${label(optedIn)}` : undefined,
    ]
      .filter(Boolean)
      .join('; ');
    return {
      identities: { messagingContactId: payload.contactId },
      writes: [{ rank: RANK_AUTHORITATIVE, at, fields: stated }],
      activity: {
        type: optedOut.length ? 'CONSENT_OPTED_OUT' : 'CONSENT_OPTED_IN',
        occurredAt: at,
        title,
        properties: {
          channels: Object.fromEntries(fields.map((field) => [OPT_IN_CHANNEL[field], stated[field]])),
          optedIn,
          optedOut,
        },
      },
    };
  },
});

// ---------------------------------------------------------------------------------------------------------------
// Messages

const messageBase = {
  messageId: idString,
  contactId: idString.nullish(),
  campaignId: idString.nullish(),
};

function messageIdentity(contactId: string | null | undefined) {
  return contactId ? { messagingContactId: contactId } : {};
}

const messageSentPayload = z
  .object({ ...messageBase, channel: channelSchema, subject: optionalText, sentAt: eventTime })
  .loose();

export const messageSent = defineEvent({
  type: 'messaging.message.sent',
  aliases: [],
  source: 'messaging',
  priority: 2,
  payload: messageSentPayload,
  effects({ event, payload }) {
    const sent = `${MESSAGE_LABEL[payload.channel]} sent`;
    return {
      identities: messageIdentity(payload.contactId),
      writes: [],
      activity: {
        type: 'MESSAGE_SENT',
        occurredAt: payload.sentAt ?? new Date(event.timestamp),
        title: payload.subject ? `${sent} — ${payload.subject}` : sent,
        properties: compact({
          messageId: payload.messageId,
          channel: payload.channel,
          campaignId: payload.campaignId ?? undefined,
          subject: payload.subject,
        }),
      },
    };
  },
});

const messageDeliveredPayload = z
  .object({ ...messageBase, channel: channelSchema, deliveredAt: eventTime })
  .loose();

export const messageDelivered = defineEvent({
  type: 'messaging.message.delivered',
  aliases: [],
  source: 'messaging',
  priority: 2,
  payload: messageDeliveredPayload,
  effects({ event, payload }) {
    return {
      identities: messageIdentity(payload.contactId),
      writes: [],
      activity: {
        type: 'MESSAGE_DELIVERED',
        occurredAt: payload.deliveredAt ?? new Date(event.timestamp),
        title: `${MESSAGE_LABEL[payload.channel]} delivered`,
        properties: compact({
          messageId: payload.messageId,
          channel: payload.channel,
          campaignId: payload.campaignId ?? undefined,
        }),
      },
    };
  },
});

const messageBouncedPayload = z
  .object({
    ...messageBase,
    channel: channelSchema,
    bounceType: z.string().trim().toLowerCase().pipe(z.enum(['hard', 'soft', 'complaint'])),
    reason: optionalText,
    bouncedAt: eventTime,
  })
  .loose();

/** The profile flag a hard bounce on this channel sets (push has no address of ours to mark). */
const UNDELIVERABLE_FLAG: Partial<Record<Channel, 'emailUndeliverable' | 'phoneUndeliverable'>> = {
  EMAIL: 'emailUndeliverable',
  SMS: 'phoneUndeliverable',
  WHATSAPP: 'phoneUndeliverable',
};

export const messageBounced = defineEvent({
  type: 'messaging.message.bounced',
  aliases: [],
  source: 'messaging',
  priority: 1,
  payload: messageBouncedPayload,
  effects({ event, payload }) {
    const at = payload.bouncedAt ?? new Date(event.timestamp);
    const undeliverable = payload.bounceType === 'hard' ? UNDELIVERABLE_FLAG[payload.channel] : undefined;
    const label = MESSAGE_LABEL[payload.channel];
    return {
      identities: messageIdentity(payload.contactId),
      writes: undeliverable ? [{ rank: RANK_AUTHORITATIVE, at, fields: { [undeliverable]: true } }] : [],
      activity: {
        type: 'MESSAGE_BOUNCED',
        occurredAt: at,
        title:
          payload.bounceType === 'complaint'
            ? `${label} reported as spam`
            : `${label} bounced (${payload.bounceType})${payload.reason ? ` — ${payload.reason}` : ''}`,
        properties: compact({
          messageId: payload.messageId,
          channel: payload.channel,
          campaignId: payload.campaignId ?? undefined,
          bounceType: payload.bounceType,
          reason: payload.reason,
        }),
      },
    };
  },
});

const emailOpenedPayload = z.object({ ...messageBase, openedAt: eventTime }).loose();

export const emailOpened = defineEvent({
  type: 'messaging.email.opened',
  aliases: ['email.opened'],
  source: 'messaging',
  priority: 3,
  payload: emailOpenedPayload,
  effects({ event, payload }) {
    return {
      identities: messageIdentity(payload.contactId),
      writes: [],
      activity: {
        type: 'EMAIL_OPENED',
        occurredAt: payload.openedAt ?? new Date(event.timestamp),
        title: 'Email opened',
        properties: compact({
          messageId: payload.messageId,
          channel: 'EMAIL',
          campaignId: payload.campaignId ?? undefined,
        }),
      },
    };
  },
});

/** "golfclub.example.org" for a link, or the link itself when it does not parse. */
function linkHost(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

const emailClickedPayload = z
  .object({
    ...messageBase,
    // messaging.link.clicked may come from an SMS or WhatsApp link; email clicks usually omit the channel.
    channel: channelSchema.nullish(),
    url: z.string().trim().min(1),
    clickedAt: eventTime,
  })
  .loose();

export const emailClicked = defineEvent({
  type: 'messaging.email.clicked',
  aliases: ['email.clicked', 'messaging.link.clicked'],
  source: 'messaging',
  priority: 3,
  payload: emailClickedPayload,
  effects({ event, payload }) {
    const channel = payload.channel ?? 'EMAIL';
    return {
      identities: messageIdentity(payload.contactId),
      writes: [],
      activity: {
        type: 'EMAIL_CLICKED',
        occurredAt: payload.clickedAt ?? new Date(event.timestamp),
        title: `Clicked a link in ${A_MESSAGE[channel]} — ${linkHost(payload.url)}`,
        properties: compact({
          messageId: payload.messageId,
          channel,
          campaignId: payload.campaignId ?? undefined,
          url: payload.url,
        }),
      },
    };
  },
});

const PREVIEW_LENGTH = 140;

const messageRepliedPayload = z
  .object({ ...messageBase, channel: channelSchema, repliedAt: eventTime, preview: optionalText })
  .loose();

export const messageReplied = defineEvent({
  type: 'messaging.message.replied',
  aliases: [],
  source: 'messaging',
  priority: 2,
  payload: messageRepliedPayload,
  effects({ event, payload }) {
    return {
      identities: messageIdentity(payload.contactId),
      writes: [],
      activity: {
        type: 'MESSAGE_REPLIED',
        occurredAt: payload.repliedAt ?? new Date(event.timestamp),
        title: `Replied to ${A_MESSAGE[payload.channel]}`,
        properties: compact({
          messageId: payload.messageId,
          channel: payload.channel,
          campaignId: payload.campaignId ?? undefined,
          preview: payload.preview?.slice(0, PREVIEW_LENGTH),
        }),
      },
    };
  },
});

const campaignSentPayload = z
  .object({
    campaignId: idString,
    campaignName: optionalText,
    contactId: idString.nullish(),
    messageId: idString.nullish(),
    channel: channelSchema,
    sentAt: eventTime,
  })
  .loose();

export const campaignSent = defineEvent({
  type: 'messaging.campaign.sent',
  aliases: [],
  source: 'messaging',
  priority: 2,
  payload: campaignSentPayload,
  effects({ event, payload }) {
    return {
      identities: messageIdentity(payload.contactId),
      writes: [],
      activity: {
        type: 'CAMPAIGN_RECEIVED',
        occurredAt: payload.sentAt ?? new Date(event.timestamp),
        title: `Received campaign — ${payload.campaignName ?? payload.campaignId} (${CHANNEL_LABEL[payload.channel]})`,
        properties: compact({
          campaignId: payload.campaignId,
          campaignName: payload.campaignName,
          channel: payload.channel,
          messageId: payload.messageId ?? undefined,
        }),
      },
    };
  },
});

export const MESSAGING_DEFINITIONS: readonly EventDefinition[] = [
  contactCreated,
  contactUpdated,
  contactDeleted,
  contactPreferenceUpdated,
  messageSent,
  messageDelivered,
  messageBounced,
  emailOpened,
  emailClicked,
  messageReplied,
  campaignSent,
];
