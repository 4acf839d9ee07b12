import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { EventDefinition } from '../types';
import { runEffects } from './test-support';
import {
  invoiceSent,
  memberCreated,
  memberDeleted,
  memberStatusChanged,
  memberTierChanged,
  memberUpdated,
  paymentFailed,
  paymentReceived,
  tierDirection,
  tierRank,
} from './scl';
import { formatMoney } from './shared';

const ENVELOPE_TIME = '2025-12-01T10:00:00Z';

function run<S extends z.ZodType>(definition: EventDefinition<S>, payload: Record<string, unknown>) {
  return runEffects(definition, payload, { source: 'scl', timestamp: ENVELOPE_TIME });
}

const member = {
  id: 10482,
  firstName: 'Thandi',
  lastName: 'Nkosi',
  email: 'thandi.nkosi@example.org',
  status: 'ACTIVE',
  membershipTierId: 3,
  membershipTierName: 'Gold',
  createdAt: '2025-12-01T10:15:00+02:00',
};

describe('scl.member.created', () => {
  it('accepts a numeric-string member id, lower-case status and a member without email, phone or tier', () => {
    const effects = run(memberCreated, {
      ...member,
      id: '10482',
      status: 'active',
      email: null,
      membershipTierName: undefined,
    });
    expect(effects.identities).toEqual({ sclMemberId: 10482 });
    expect(effects.writes[0].fields).toEqual({
      firstName: 'Thandi',
      lastName: 'Nkosi',
      membershipStatus: 'ACTIVE',
      memberSince: new Date('2025-12-01T08:15:00Z'),
    });
    expect(effects.activity?.title).toBe('Member created — ACTIVE');
  });

  it('requires the member id, names and createdAt', () => {
    const result = memberCreated.payload.safeParse({ ...member, id: undefined, firstName: ' ', createdAt: '2025-12-01' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual(['createdAt', 'firstName', 'id']);
  });
});

describe('scl.member.updated', () => {
  it('writes every mirrored field present when no changes list is sent', () => {
    const effects = run(memberUpdated, {
      id: 10482,
      firstName: 'Thandeka',
      status: 'suspended',
      membershipTierName: 'Platinum',
      updatedAt: '2025-12-05T14:40:00+02:00',
    });
    expect(effects.writes).toEqual([
      {
        rank: 2,
        at: new Date('2025-12-05T12:40:00Z'),
        fields: { firstName: 'Thandeka', membershipStatus: 'SUSPENDED', membershipTier: 'Platinum' },
      },
    ]);
    expect(effects.identities).toEqual({ sclMemberId: 10482 });
    expect(effects.activity?.properties).toEqual({ sclMemberId: 10482, changes: ['firstName', 'status', 'membershipTierName'] });
  });

  it('clears a listed field sent as null and skips listed fields the payload lacks', () => {
    const effects = run(memberUpdated, {
      id: 10482,
      changes: ['phoneNumber', 'lastName'],
      phoneNumber: null,
      email: 'other@example.org',
      updatedAt: '2025-12-05T14:40:00+02:00',
    });
    expect(effects.writes[0].fields).toEqual({ phoneNumber: null });
    // email is not in `changes`, so it is neither written nor offered as an identity.
    expect(effects.identities).toEqual({ sclMemberId: 10482 });
    expect(effects.activity?.title).toBe('Member details updated — phone number');
  });

  it('offers a changed email and phone as identities', () => {
    const effects = run(memberUpdated, {
      id: 10482,
      changes: ['email', 'phoneNumber'],
      email: ' thandi@example.org ',
      phoneNumber: '083 765 4321',
      updatedAt: '2025-12-05T14:40:00+02:00',
    });
    expect(effects.identities).toEqual({ sclMemberId: 10482, email: 'thandi@example.org', phoneNumber: '083 765 4321' });
  });
});

describe('scl.member.deleted', () => {
  it('soft-deletes by default: membershipStatus DELETED, no erasure', () => {
    const effects = run(memberDeleted, { id: 10482, deletedAt: '2025-12-20T09:00:00+02:00' });
    expect(effects.erase).toBeUndefined();
    expect(effects.writes).toEqual([
      { rank: 2, at: new Date('2025-12-20T07:00:00Z'), fields: { membershipStatus: 'DELETED' } },
    ]);
    expect(effects.activity?.properties).toEqual({ sclMemberId: 10482, deletionType: 'soft' });
  });

  it('erases on a hard delete (any case) and writes nothing', () => {
    const effects = run(memberDeleted, { id: 10482, deletionType: 'HARD', reason: 'POPIA request', deletedAt: '2025-12-20T09:00:00+02:00' });
    expect(effects.erase).toEqual({ reason: 'member_hard_delete' });
    expect(effects.writes).toEqual([]);
    expect(effects.activity).toMatchObject({
      type: 'MEMBER_DELETED',
      title: 'Member erased in SCL (hard delete)',
      properties: { deletionType: 'hard', reason: 'POPIA request' },
    });
  });

  it('rejects an unknown deletion type', () => {
    expect(memberDeleted.payload.safeParse({ id: 1, deletionType: 'purge', deletedAt: ENVELOPE_TIME }).success).toBe(false);
  });
});

describe('scl.member.status.changed', () => {
  it('falls back to the envelope time without effectiveAt', () => {
    const effects = run(memberStatusChanged, { id: 10482, newStatus: 'resigned' });
    expect(effects.writes).toEqual([{ rank: 2, at: new Date(ENVELOPE_TIME), fields: { membershipStatus: 'RESIGNED' } }]);
    expect(effects.activity?.title).toBe('Membership status now RESIGNED');
    expect(effects.activity?.occurredAt).toEqual(new Date(ENVELOPE_TIME));
  });
});

describe('scl.member.tier.changed', () => {
  const change = (previousTierName: string | undefined, newTierName: string, reason?: string) =>
    run(memberTierChanged, { id: 10482, previousTierName, newTierName, reason, effectiveAt: '2026-01-01T00:00:00+02:00' });

  it('detects a downgrade from the tier order when no reason is given', () => {
    const effects = change('Platinum', 'Gold');
    expect(effects.writes[0].fields).toEqual({ membershipTier: 'Gold' });
    expect(effects.activity?.title).toBe('Tier changed Platinum → Gold (downgrade)');
    expect(effects.activity?.properties).toEqual({ sclMemberId: 10482, previousTier: 'Platinum', newTier: 'Gold', downgrade: true });
  });

  it('marks an upgrade as not a downgrade', () => {
    const effects = change('Silver', 'Gold');
    expect(effects.activity?.properties.downgrade).toBe(false);
    expect(effects.activity?.title).toBe('Tier changed Silver → Gold (upgrade)');
  });

  it('trusts the stated reason over the tier order', () => {
    expect(change('Social', 'Gold', 'downgrade').activity?.properties).toMatchObject({ downgrade: true, reason: 'downgrade' });
    expect(change('Gold', 'Silver', 'upgrade').activity?.properties.downgrade).toBe(false);
  });

  it('does not call unknown or equal tiers a downgrade', () => {
    expect(change('Corporate', 'Gold').activity?.properties.downgrade).toBe(false);
    expect(change('Junior', 'Social').activity?.properties.downgrade).toBe(false);
    expect(change(undefined, 'Silver').activity?.title).toBe('Tier changed to Silver');
  });

  it('ranks tier names case-insensitively by keyword', () => {
    expect(tierRank('PLATINUM Family')).toBe(5);
    expect(tierRank('gold')).toBe(4);
    expect(tierRank('Junior (U18)')).toBe(1);
    expect(tierRank('Goldfinger')).toBeUndefined();
    expect(tierDirection('Gold Full', 'Bronze Weekday', undefined)).toBe('downgrade');
    expect(tierDirection('Bronze', 'Platinum', 'admin_change')).toBe('upgrade');
  });
});

describe('SCL payments and invoices', () => {
  const payment = { id: 'pay_78213', amount: 45000, currency: 'zar', paidAt: '2025-12-02T13:04:41+02:00' };

  it('takes the person from the envelope (payload id is the payment), or from an optional memberId', () => {
    expect(run(paymentReceived, payment).identities).toEqual({});
    expect(run(paymentReceived, { ...payment, memberId: '10482' }).identities).toEqual({ sclMemberId: 10482 });
  });

  it('keeps amount in cents, upper-cases the currency and formats the title', () => {
    const effects = run(paymentReceived, { ...payment, amount: '125050', invoiceId: 55120 });
    expect(effects.activity).toMatchObject({
      type: 'PAYMENT_RECEIVED',
      title: 'Payment received R1,250.50',
      occurredAt: new Date('2025-12-02T11:04:41Z'),
      properties: { paymentId: 'pay_78213', amount: 125050, currency: 'ZAR', invoiceId: '55120' },
    });
  });

  it('rejects fractional amounts (the contract is integer cents)', () => {
    const result = paymentReceived.payload.safeParse({ ...payment, amount: 450.5 });
    expect(result.error?.issues[0].path).toEqual(['amount']);
  });

  it('records failed payments with reason and attempt', () => {
    const effects = run(paymentFailed, { ...payment, failureReason: 'Card expired', attemptNumber: '3', failedAt: ENVELOPE_TIME });
    expect(effects.activity).toMatchObject({
      type: 'PAYMENT_FAILED',
      title: 'Payment failed R450.00 — Card expired',
      properties: { paymentId: 'pay_78213', amount: 45000, currency: 'ZAR', failureReason: 'Card expired', attemptNumber: 3 },
    });
  });

  it('keeps an invoice due date as a calendar date', () => {
    const effects = run(invoiceSent, {
      id: 'inv_55188',
      amount: 125000,
      currency: 'ZAR',
      dueDate: '2026-01-31T23:59:59+02:00',
      sentAt: '2025-12-01T07:00:00+02:00',
    });
    expect(effects.activity?.properties).toEqual({ invoiceId: 'inv_55188', amount: 125000, currency: 'ZAR', dueDate: '2026-01-31' });
  });

  it('formats money by the currency minor unit', () => {
    expect(formatMoney(45000, 'ZAR')).toBe('R450.00');
    expect(formatMoney(123456789, 'USD')).toBe('$1,234,567.89');
    expect(formatMoney(4500, 'JPY')).toBe('JPY 4,500');
    expect(formatMoney(45000, 'NAD')).toBe('NAD 450.00');
    expect(formatMoney(45000, null)).toBe('450.00');
  });
});
