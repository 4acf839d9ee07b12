import type { Emitter } from './emit';
import type { MemberPlan, Person, Tier, Window } from './people';
import type { Rng } from './random';
import { DAY, atLocalTime, dayOfMonth, iso, isoDate, localMonthIndex, localYear, monthLabel, monthStart } from './time';

/*
 * SCL, the membership system: member records, status and tier changes, invoices and debit-order payments.
 */

const FAILURE_REASONS = ['INSUFFICIENT_FUNDS', 'DEBIT_ORDER_REVERSED', 'ACCOUNT_CLOSED', 'CARD_EXPIRED'];
const ADMIN_METADATA = { userId: 'scl-admin-07', ipAddress: '10.20.1.15', userAgent: 'SCL-Admin/4.2' };
const QUARTER_MONTHS = new Set([0, 3, 6, 9]);
/** The club's subscription year starts in July. */
const ANNUAL_MONTH = 6;
const LOCKER_FEE_CENTS = 85_000;

/** "082 123 4567" — SCL stores numbers as the front desk typed them. */
export function localFormat(e164: string): string {
  const national = `0${e164.slice(3)}`;
  return `${national.slice(0, 3)} ${national.slice(3, 6)} ${national.slice(6)}`;
}

/** Occasional use of the type names the source pages also document. */
export function typeName(rng: Rng, canonical: string, aliases: Array<[string, number]>): string {
  for (const [alias, share] of aliases) if (rng.chance(share)) return alias;
  return canonical;
}

function memberIdentity(member: MemberPlan) {
  return { sclMemberId: member.memberId };
}

function tierAt(member: MemberPlan, at: number): Tier {
  return member.tierChange && at >= member.tierChange.at ? member.tierChange.to : member.tier;
}

function billingAmount(member: MemberPlan, tier: Tier): { cents: number; label: string } {
  if (member.billing === 'monthly') return { cents: tier.monthlyCents, label: 'Monthly subscription' };
  if (member.billing === 'quarterly') return { cents: tier.monthlyCents * 3, label: 'Quarterly subscription' };
  return { cents: Math.round((tier.monthlyCents * 12 * 0.95) / 100) * 100, label: 'Annual subscription' };
}

function isBillingMonth(member: MemberPlan, month: number): boolean {
  if (member.billing === 'monthly') return true;
  if (member.billing === 'quarterly') return QUARTER_MONTHS.has(localMonthIndex(month));
  return localMonthIndex(month) === ANNUAL_MONTH;
}

function emitCreated(rng: Rng, out: Emitter, person: Person, member: MemberPlan) {
  const phone = member.phone ? (rng.chance(0.7) ? localFormat(member.phone) : member.phone) : null;
  out.envelope(rng, {
    source: 'scl',
    type: 'scl.member.created',
    at: member.syncedAt,
    identity: {
      sclMemberId: member.memberId,
      ...(member.email ? { email: member.email } : {}),
      ...(member.phone ? { phoneNumber: member.phone } : {}),
    },
    payload: {
      id: member.memberId,
      firstName: person.firstName,
      lastName: person.lastName,
      email: member.email,
      ...(phone ? { phoneNumber: phone } : {}),
      status: 'ACTIVE',
      membershipTierId: member.tier.id,
      membershipTierName: member.tier.name,
      ...(rng.chance(0.8) ? { dateOfBirth: person.dateOfBirth } : {}),
      createdAt: iso(member.joinedAt),
    },
    ...(member.syncedAt > member.joinedAt ? {} : { metadata: ADMIN_METADATA }),
  });
}

/** Invoice on the 25th for the next period, debit order on the 1st; a failed debit is retried a few days later. */
function emitBilling(rng: Rng, out: Emitter, member: MemberPlan, window: Window) {
  const stopAt = member.endedAt ?? window.end;
  const suspended = member.statusChanges.find((s) => s.to === 'SUSPENDED');
  for (let month = monthStart(member.syncedAt, 1); month < stopAt; month = monthStart(month, 1)) {
    if (!isBillingMonth(member, month)) continue;
    const tier = tierAt(member, month);
    const { cents, label } = billingAmount(member, tier);
    const invoiceId = `INV-${localYear(month)}-${rng.int(100000, 999999)}`;
    const description = `${label} — ${tier.name} (${monthLabel(month)})`;
    const sentAt = atLocalTime(month - 6 * DAY, 9, rng.int(0, 59));
    // Members synced in the last days of a month were billed before SCL told the CRM about them.
    if (sentAt < member.syncedAt) continue;
    const dueDate = isoDate(dayOfMonth(month, 7));
    const invoiceEventId = out.envelope(rng, {
      source: 'scl',
      type: 'scl.invoice.sent',
      at: sentAt,
      identity: memberIdentity(member),
      payload: { id: invoiceId, memberId: member.memberId, amount: cents, currency: 'ZAR', dueDate, sentAt: iso(sentAt) },
    });
    if (!invoiceEventId) continue;
    // The months running up to a lapse or suspension are the ones whose debit orders bounce.
    const troubled =
      (member.endedAt !== undefined && member.statusChanges[0]?.to === 'LAPSED' && month > member.endedAt - 75 * DAY) ||
      (suspended !== undefined && month > suspended.at - 60 * DAY && month < suspended.at);
    let attempt = 1;
    let at = atLocalTime(dayOfMonth(month, 1), 6, rng.int(0, 59));
    while (attempt <= 3) {
      const fails = troubled || rng.chance(attempt === 1 ? 0.02 : 0.3);
      if (!fails) {
        out.envelope(rng, {
          source: 'scl',
          type: typeName(rng, 'scl.payment.received', [['payment.received', 0.05]]),
          at,
          identity: memberIdentity(member),
          correlationId: invoiceEventId,
          payload: {
            id: `PAY-${rng.chars(10)}`,
            memberId: member.memberId,
            amount: cents,
            currency: 'ZAR',
            description,
            invoiceId,
            paidAt: iso(at),
          },
        });
        break;
      }
      out.envelope(rng, {
        source: 'scl',
        type: typeName(rng, 'scl.payment.failed', [['payment.failed', 0.1]]),
        at,
        identity: memberIdentity(member),
        correlationId: invoiceEventId,
        payload: {
          id: `PAY-${rng.chars(10)}`,
          memberId: member.memberId,
          amount: cents,
          currency: 'ZAR',
          failureReason: rng.pick(FAILURE_REASONS),
          attemptNumber: attempt,
          invoiceId,
          failedAt: iso(at),
        },
      });
      attempt++;
      at += rng.int(3, 6) * DAY;
      if (at >= stopAt) break;
    }
  }
  if (member.locker) {
    for (let month = monthStart(member.syncedAt, 1); month < stopAt; month = monthStart(month, 1)) {
      if (localMonthIndex(month) !== 1) continue;
      const at = atLocalTime(dayOfMonth(month, rng.int(2, 20)), 11, rng.int(0, 59));
      out.envelope(rng, {
        source: 'scl',
        type: 'scl.payment.received',
        at,
        identity: memberIdentity(member),
        payload: {
          id: `PAY-${rng.chars(10)}`,
          memberId: member.memberId,
          amount: LOCKER_FEE_CENTS,
          currency: 'ZAR',
          description: `Locker rental ${localYear(month)}`,
          paidAt: iso(at),
        },
      });
    }
  }
}

function emitChanges(rng: Rng, out: Emitter, person: Person, member: MemberPlan) {
  for (const change of member.statusChanges) {
    out.envelope(rng, {
      source: 'scl',
      type: 'scl.member.status.changed',
      at: change.at,
      identity: memberIdentity(member),
      payload: { id: member.memberId, previousStatus: change.from, newStatus: change.to, reason: change.reason, effectiveAt: iso(change.at) },
      metadata: ADMIN_METADATA,
    });
  }
  if (member.tierChange) {
    const { at, to, reason } = member.tierChange;
    out.envelope(rng, {
      source: 'scl',
      type: typeName(rng, 'scl.member.tier.changed', [['scl.tier.changed', 0.3], ['tier.changed', 0.15]]),
      at,
      identity: memberIdentity(member),
      payload: {
        id: member.memberId,
        previousTierId: member.tier.id,
        previousTierName: member.tier.name,
        newTierId: to.id,
        newTierName: to.name,
        reason,
        effectiveAt: iso(monthStart(at, 1)),
      },
    });
  }
  if (member.detailChange) {
    const { at, field, value } = member.detailChange;
    out.envelope(rng, {
      source: 'scl',
      type: 'scl.member.updated',
      at,
      identity: memberIdentity(member),
      payload: {
        id: member.memberId,
        changes: [field],
        [field]: field === 'phoneNumber' ? localFormat(value) : value,
        updatedAt: iso(at),
      },
      metadata: ADMIN_METADATA,
    });
  }
  if (member.deletedAt) {
    out.envelope(rng, {
      source: 'scl',
      type: 'scl.member.deleted',
      at: member.deletedAt,
      identity: memberIdentity(member),
      payload: { id: member.memberId, deletionType: 'soft', reason: 'Resigned member archived', deletedAt: iso(member.deletedAt) },
      metadata: ADMIN_METADATA,
    });
  }
}

/** A member's SCL history: created, billed every period, and their storyline's status or tier changes. */
export function emitMemberHistory(rng: Rng, out: Emitter, person: Person, window: Window): void {
  const member = person.member;
  if (!member) return;
  emitCreated(rng.fork('created'), out, person, member);
  emitBilling(rng.fork('billing'), out, member, window);
  emitChanges(rng.fork('changes'), out, person, member);
}
