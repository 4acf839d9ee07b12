import { z } from 'zod';
import { RANK_AUTHORITATIVE, type EventDefinition, type FieldWriteSet, type WritableFields } from '../types';
import {
  calendarDate,
  cents,
  compact,
  currencyCode,
  dateOrDateTime,
  defineEvent,
  type FieldMap,
  formatMoney,
  humanList,
  idString,
  isoDateTime,
  listedChanges,
  optionalText,
  sclMemberIdSchema,
  smallCount,
  statusCode,
} from './shared';

/*
 * SCL (membership system) events, §3. Member events carry the SCL member id as payload `id`; payment and invoice
 * events carry their own id there, so their person comes from the envelope identity (or an optional `memberId`).
 */

const nullableText = z.string().nullish();

// ---------------------------------------------------------------------------------------------------------------
// scl.member.created

const memberCreatedPayload = z
  .object({
    id: sclMemberIdSchema,
    firstName: z.string().trim().min(1),
    lastName: z.string().trim().min(1),
    email: nullableText,
    phoneNumber: nullableText,
    status: statusCode,
    membershipTierId: idString.nullish(),
    membershipTierName: optionalText,
    dateOfBirth: calendarDate.nullish(),
    createdAt: isoDateTime,
  })
  .loose();

export const memberCreated = defineEvent({
  type: 'scl.member.created',
  aliases: [],
  source: 'scl',
  priority: 2,
  payload: memberCreatedPayload,
  effects({ payload }) {
    const fields: Partial<WritableFields> = {
      firstName: payload.firstName,
      lastName: payload.lastName,
      membershipStatus: payload.status,
      memberSince: payload.createdAt,
    };
    if (payload.email?.trim()) fields.email = payload.email.trim();
    if (payload.phoneNumber?.trim()) fields.phoneNumber = payload.phoneNumber.trim();
    if (payload.membershipTierName) fields.membershipTier = payload.membershipTierName;
    if (payload.dateOfBirth) fields.dateOfBirth = payload.dateOfBirth;
    return {
      identities: compact({
        sclMemberId: payload.id,
        email: payload.email ?? undefined,
        phoneNumber: payload.phoneNumber ?? undefined,
      }),
      writes: [{ rank: RANK_AUTHORITATIVE, at: payload.createdAt, fields }],
      activity: {
        type: 'MEMBER_CREATED',
        occurredAt: payload.createdAt,
        title: `Member created — ${[payload.membershipTierName, payload.status].filter(Boolean).join(', ')}`,
        properties: compact({
          sclMemberId: payload.id,
          status: payload.status,
          membershipTierId: payload.membershipTierId ?? undefined,
          membershipTierName: payload.membershipTierName,
        }),
      },
    };
  },
});

// ---------------------------------------------------------------------------------------------------------------
// scl.member.updated

/** SCL member fields the CRM mirrors. */
const MEMBER_FIELD_MAP = {
  firstName: { field: 'firstName', label: 'first name' },
  lastName: { field: 'lastName', label: 'last name' },
  email: { field: 'email', label: 'email' },
  phoneNumber: { field: 'phoneNumber', label: 'phone number' },
  dateOfBirth: { field: 'dateOfBirth', label: 'date of birth' },
  status: { field: 'membershipStatus', label: 'membership status' },
  membershipTierName: { field: 'membershipTier', label: 'membership tier' },
  membershipExpiry: { field: 'membershipExpiry', label: 'membership expiry' },
} as const satisfies FieldMap<string>;

const memberUpdatedPayload = z
  .object({
    id: sclMemberIdSchema,
    changes: z.array(z.string()).nullish(),
    firstName: nullableText,
    lastName: nullableText,
    email: nullableText,
    phoneNumber: nullableText,
    dateOfBirth: calendarDate.nullish(),
    status: statusCode.nullish(),
    membershipTierName: nullableText,
    membershipExpiry: dateOrDateTime.nullish(),
    updatedAt: isoDateTime,
  })
  .loose();

export const memberUpdated = defineEvent({
  type: 'scl.member.updated',
  aliases: [],
  source: 'scl',
  priority: 2,
  payload: memberUpdatedPayload,
  effects({ payload }) {
    const { changed, fields, labels } = listedChanges(payload, payload.changes, MEMBER_FIELD_MAP);
    const writes: FieldWriteSet[] = changed.length ? [{ rank: RANK_AUTHORITATIVE, at: payload.updatedAt, fields }] : [];
    const newEmail = changed.includes('email') ? payload.email?.trim() : undefined;
    const newPhone = changed.includes('phoneNumber') ? payload.phoneNumber?.trim() : undefined;
    return {
      identities: compact({
        sclMemberId: payload.id,
        email: newEmail || undefined,
        phoneNumber: newPhone || undefined,
      }),
      writes,
      activity: {
        type: 'MEMBER_UPDATED',
        occurredAt: payload.updatedAt,
        title: labels.length ? `Member details updated — ${humanList(labels)}` : 'Member details updated',
        // Field names only: values may be personal data and the timeline does not need them.
        properties: { sclMemberId: payload.id, changes: payload.changes ?? changed },
      },
    };
  },
});

// ---------------------------------------------------------------------------------------------------------------
// scl.member.deleted

const memberDeletedPayload = z
  .object({
    id: sclMemberIdSchema,
    // Anything but an explicit hard delete keeps the profile: erasure is never guessed.
    deletionType: z.string().trim().toLowerCase().pipe(z.enum(['soft', 'hard'])).nullish(),
    reason: optionalText,
    deletedAt: isoDateTime,
  })
  .loose();

export const memberDeleted = defineEvent({
  type: 'scl.member.deleted',
  aliases: [],
  source: 'scl',
  priority: 2,
  payload: memberDeletedPayload,
  effects({ payload }) {
    const hard = payload.deletionType === 'hard';
    return {
      identities: { sclMemberId: payload.id },
      writes: hard
        ? []
        : [{ rank: RANK_AUTHORITATIVE, at: payload.deletedAt, fields: { membershipStatus: 'DELETED' } }],
      activity: {
        type: 'MEMBER_DELETED',
        occurredAt: payload.deletedAt,
        title: hard ? 'Member erased in SCL (hard delete)' : 'Membership deleted in SCL',
        properties: compact({ sclMemberId: payload.id, deletionType: hard ? 'hard' : 'soft', reason: payload.reason }),
      },
      ...(hard ? { erase: { reason: 'member_hard_delete' } } : {}),
    };
  },
});

// ---------------------------------------------------------------------------------------------------------------
// scl.member.status.changed

const memberStatusChangedPayload = z
  .object({
    id: sclMemberIdSchema,
    previousStatus: statusCode.nullish(),
    newStatus: statusCode,
    reason: optionalText,
    effectiveAt: isoDateTime.nullish(),
  })
  .loose();

export const memberStatusChanged = defineEvent({
  type: 'scl.member.status.changed',
  aliases: [],
  source: 'scl',
  priority: 1,
  payload: memberStatusChangedPayload,
  effects({ event, payload }) {
    const at = payload.effectiveAt ?? new Date(event.timestamp);
    return {
      identities: { sclMemberId: payload.id },
      writes: [{ rank: RANK_AUTHORITATIVE, at, fields: { membershipStatus: payload.newStatus } }],
      activity: {
        type: 'MEMBER_STATUS_CHANGED',
        occurredAt: at,
        title: payload.previousStatus
          ? `Membership status ${payload.previousStatus} → ${payload.newStatus}`
          : `Membership status now ${payload.newStatus}`,
        properties: compact({
          sclMemberId: payload.id,
          previousStatus: payload.previousStatus ?? undefined,
          newStatus: payload.newStatus,
          reason: payload.reason,
        }),
      },
    };
  },
});

// ---------------------------------------------------------------------------------------------------------------
// scl.member.tier.changed

/** Known tier order, highest first; Social and Junior share the bottom rung. */
const TIER_RANKS: ReadonlyArray<[RegExp, number]> = [
  [/\bplatinum\b/i, 5],
  [/\bgold\b/i, 4],
  [/\bsilver\b/i, 3],
  [/\bbronze\b/i, 2],
  [/\b(social|junior)\b/i, 1],
];

export function tierRank(name: string | null | undefined): number | undefined {
  if (!name) return undefined;
  return TIER_RANKS.find(([pattern]) => pattern.test(name))?.[1];
}

export type TierDirection = 'upgrade' | 'downgrade' | 'unknown';

/** As SCL's reason says it, or else as the known tier order says it (equal or unknown tiers: 'unknown'). */
export function tierDirection(
  previousTier: string | undefined,
  newTier: string,
  reason: string | undefined,
): TierDirection {
  const said = reason?.toLowerCase();
  if (said === 'downgrade' || said === 'upgrade') return said;
  const before = tierRank(previousTier);
  const after = tierRank(newTier);
  if (before === undefined || after === undefined || before === after) return 'unknown';
  return after < before ? 'downgrade' : 'upgrade';
}

const tierChangedPayload = z
  .object({
    id: sclMemberIdSchema,
    previousTierId: idString.nullish(),
    previousTierName: optionalText,
    newTierId: idString.nullish(),
    newTierName: z.string().trim().min(1),
    reason: optionalText,
    effectiveAt: isoDateTime.nullish(),
  })
  .loose();

export const memberTierChanged = defineEvent({
  type: 'scl.member.tier.changed',
  aliases: ['scl.tier.changed', 'tier.changed'],
  source: 'scl',
  priority: 2,
  payload: tierChangedPayload,
  effects({ event, payload }) {
    const at = payload.effectiveAt ?? new Date(event.timestamp);
    const direction = tierDirection(payload.previousTierName, payload.newTierName, payload.reason);
    const downgrade = direction === 'downgrade';
    const note = direction === 'unknown' ? '' : ` (${direction})`;
    return {
      identities: { sclMemberId: payload.id },
      writes: [{ rank: RANK_AUTHORITATIVE, at, fields: { membershipTier: payload.newTierName } }],
      activity: {
        type: 'TIER_CHANGED',
        occurredAt: at,
        title: payload.previousTierName
          ? `Tier changed ${payload.previousTierName} → ${payload.newTierName}${note}`
          : `Tier changed to ${payload.newTierName}${note}`,
        properties: compact({
          sclMemberId: payload.id,
          previousTier: payload.previousTierName,
          previousTierId: payload.previousTierId ?? undefined,
          newTier: payload.newTierName,
          newTierId: payload.newTierId ?? undefined,
          reason: payload.reason,
          downgrade,
        }),
      },
    };
  },
});

// ---------------------------------------------------------------------------------------------------------------
// Payments and invoices: payload `id` is the payment/invoice id.

/** Some SCL payment pages also carry the member id; when they do it is one more identity hint. */
const optionalMemberId = sclMemberIdSchema.nullish();

function memberIdentity(memberId: string | number | null | undefined) {
  return memberId === null || memberId === undefined ? {} : { sclMemberId: memberId };
}

const paymentReceivedPayload = z
  .object({
    id: idString,
    amount: cents,
    currency: currencyCode.nullish(),
    description: optionalText,
    invoiceId: idString.nullish(),
    memberId: optionalMemberId,
    paidAt: isoDateTime,
  })
  .loose();

export const paymentReceived = defineEvent({
  type: 'scl.payment.received',
  aliases: ['payment.received'],
  source: 'scl',
  priority: 2,
  payload: paymentReceivedPayload,
  effects({ payload }) {
    const money = formatMoney(payload.amount, payload.currency);
    return {
      identities: memberIdentity(payload.memberId),
      writes: [],
      activity: {
        type: 'PAYMENT_RECEIVED',
        occurredAt: payload.paidAt,
        title: payload.description ? `Payment received ${money} — ${payload.description}` : `Payment received ${money}`,
        properties: compact({
          paymentId: payload.id,
          amount: payload.amount,
          currency: payload.currency ?? undefined,
          description: payload.description,
          invoiceId: payload.invoiceId ?? undefined,
        }),
      },
    };
  },
});

const paymentFailedPayload = z
  .object({
    id: idString,
    amount: cents,
    currency: currencyCode.nullish(),
    failureReason: optionalText,
    attemptNumber: smallCount.nullish(),
    invoiceId: idString.nullish(),
    memberId: optionalMemberId,
    failedAt: isoDateTime,
  })
  .loose();

export const paymentFailed = defineEvent({
  type: 'scl.payment.failed',
  aliases: ['payment.failed'],
  source: 'scl',
  priority: 1,
  payload: paymentFailedPayload,
  effects({ payload }) {
    const money = formatMoney(payload.amount, payload.currency);
    return {
      identities: memberIdentity(payload.memberId),
      writes: [],
      activity: {
        type: 'PAYMENT_FAILED',
        occurredAt: payload.failedAt,
        title: payload.failureReason ? `Payment failed ${money} — ${payload.failureReason}` : `Payment failed ${money}`,
        properties: compact({
          paymentId: payload.id,
          amount: payload.amount,
          currency: payload.currency ?? undefined,
          failureReason: payload.failureReason,
          attemptNumber: payload.attemptNumber ?? undefined,
          invoiceId: payload.invoiceId ?? undefined,
        }),
      },
    };
  },
});

const invoiceSentPayload = z
  .object({
    id: idString,
    amount: cents,
    currency: currencyCode.nullish(),
    dueDate: calendarDate,
    memberId: optionalMemberId,
    sentAt: isoDateTime,
  })
  .loose();

export const invoiceSent = defineEvent({
  type: 'scl.invoice.sent',
  aliases: [],
  source: 'scl',
  priority: 3,
  payload: invoiceSentPayload,
  effects({ payload }) {
    return {
      identities: memberIdentity(payload.memberId),
      writes: [],
      activity: {
        type: 'INVOICE_SENT',
        occurredAt: payload.sentAt,
        title: `Invoice sent ${formatMoney(payload.amount, payload.currency)}, due ${payload.dueDate}`,
        properties: compact({
          invoiceId: payload.id,
          amount: payload.amount,
          currency: payload.currency ?? undefined,
          dueDate: payload.dueDate,
        }),
      },
    };
  },
});

export const SCL_DEFINITIONS: readonly EventDefinition[] = [
  memberCreated,
  memberUpdated,
  memberDeleted,
  memberStatusChanged,
  memberTierChanged,
  paymentReceived,
  paymentFailed,
  invoiceSent,
];
