/**
 * The facts a score is computed from: what one person did (and what happened to them) as seen at one instant.
 * Scores are pure functions of (facts, now), so the same facts and instant always give the same score; the loader
 * (load-facts.ts) derives these from activities with windows relative to `now`.
 */

export const DAY_MS = 86_400_000;

/** Window lengths in days. Windows are half-open: (now − N days, now]. */
export const WINDOW_DAYS = {
  recent: 30,
  quarter: 90,
  /** The "earlier" baseline of a decline: (now − 120 d, now − 30 d], i.e. the 90 days before the last 30. */
  baselineEnd: 120,
  downgrade: 180,
  /** How far back the loader reads activities; older history only reaches scores through profile columns. */
  scan: 180,
} as const;

/**
 * Activities that something else did to the person (a message sent to them, an invoice issued): they do not count
 * as the person being active. Kept identical to the pipeline's definition of lastActivityAt.
 */
export const PASSIVE_ACTIVITY_TYPES = [
  'MESSAGE_SENT',
  'MESSAGE_DELIVERED',
  'MESSAGE_BOUNCED',
  'CAMPAIGN_RECEIVED',
  'INVOICE_SENT',
  'MEMBER_DELETED',
  'CONTACT_DELETED',
] as const;

/**
 * What the person did that shows engagement (engagement recency, frequency, breadth). Everything else — messages
 * and invoices sent to them, administrative updates, and signs of disengagement (failed payments, no-shows,
 * cancellations, opt-outs, tier or status changes) — does not make someone engaged. Unknown types do not count.
 */
export const ENGAGING_ACTIVITY_TYPES = [
  'MEMBER_CREATED',
  'PROFILE_CREATED',
  'CONTACT_CREATED',
  'PLAYER_LINKED',
  'TEETIME_BOOKED',
  'ROUND_PLAYED',
  'COMPETITION_ENTERED',
  'SCORE_POSTED',
  'HANDICAP_UPDATED',
  'PAYMENT_RECEIVED',
  'EMAIL_OPENED',
  'EMAIL_CLICKED',
  'MESSAGE_REPLIED',
  'CONSENT_OPTED_IN',
] as const;

/** A tee time booked or played; a booking and its round share a booking id and count as one. */
export const GOLF_ACTIVITY_TYPES = ['TEETIME_BOOKED', 'ROUND_PLAYED'] as const;
export const EMAIL_ENGAGEMENT_TYPES = ['EMAIL_OPENED', 'EMAIL_CLICKED'] as const;

export interface ScoringFacts {
  /** Non-passive activities in the last 30 / 90 days (the profile's activityCount30d / 90d columns). */
  activityCount30d: number;
  activityCount90d: number;
  /** Latest engaging activity in the last 180 days, at or before now. */
  lastEngagedAt: Date | null;
  lastEngagedType: string | null;
  /** Engaging activities in the last 30 days. */
  engagedCount30d: number;
  /** Distinct sources (scl, teetime, messaging) of engaging activities in the last 90 days, sorted. */
  sources90d: string[];
  /** Lifetime value in cents as of now (payments recorded after now are not yet counted). */
  lifetimeValueCents: number;

  /** Distinct bookings booked or played in the last 30 days (the profile's bookingCount30d), and in the 90 before. */
  golfCount30d: number;
  golfCountBaseline: number;
  lastGolfAt: Date | null;

  /** Emails that reached the person in 90 days, and the distinct ones opened / clicked. */
  emailsReceived90d: number;
  emailsOpened90d: number;
  emailsClicked90d: number;
  /** Email opens + clicks in the last 30 days, and in the 90 days before that. */
  emailEngagement30d: number;
  emailEngagementBaseline: number;
  lastEmailEngagementAt: Date | null;
  /** Consent opt-outs (any channel) in 90 days. */
  optOuts90d: number;

  /** Distinct payments that failed in 90 days (retries of one payment count once). */
  failedPayments90d: number;
  /** Invoices sent in the last 180 days that are past due and not settled by a later payment (see overdueInvoices). */
  overdueInvoices: number;

  tierDowngrades180d: number;
  lastDowngradeAt: Date | null;

  /** In the last 90 days. */
  noShows90d: number;
  lateCancellations90d: number;
  spamComplaints90d: number;
  hardBounces90d: number;
}

/** A person with no history at all; tests and the loader start from it. */
export function emptyFacts(): ScoringFacts {
  return {
    activityCount30d: 0,
    activityCount90d: 0,
    lastEngagedAt: null,
    lastEngagedType: null,
    engagedCount30d: 0,
    sources90d: [],
    lifetimeValueCents: 0,
    golfCount30d: 0,
    golfCountBaseline: 0,
    lastGolfAt: null,
    emailsReceived90d: 0,
    emailsOpened90d: 0,
    emailsClicked90d: 0,
    emailEngagement30d: 0,
    emailEngagementBaseline: 0,
    lastEmailEngagementAt: null,
    optOuts90d: 0,
    failedPayments90d: 0,
    overdueInvoices: 0,
    tierDowngrades180d: 0,
    lastDowngradeAt: null,
    noShows90d: 0,
    lateCancellations90d: 0,
    spamComplaints90d: 0,
    hardBounces90d: 0,
  };
}

export interface InvoiceFact {
  sentAt: Date;
  /** "YYYY-MM-DD" (the catalog normalises it) or an ISO date-time; null when the event carried none. */
  dueDate: string | null;
  invoiceId: string | null;
}

export interface PaymentFact {
  paidAt: Date;
  invoiceId: string | null;
}

/**
 * When an invoice becomes overdue. A calendar due date is payable through that whole day (UTC), so it is overdue
 * from the next midnight; an unreadable due date never makes an invoice overdue.
 */
export function overdueFrom(dueDate: string | null): Date | null {
  if (!dueDate) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(dueDate)) {
    const day = new Date(`${dueDate}T00:00:00Z`);
    return Number.isNaN(day.getTime()) ? null : new Date(day.getTime() + DAY_MS);
  }
  const at = new Date(dueDate);
  return Number.isNaN(at.getTime()) ? null : at;
}

/**
 * Overdue invoices, approximated from activities: an invoice is settled by a later payment for the same invoice id,
 * or by any later payment that names no invoice (SCL does not always link them). Unsettled and past due = overdue.
 */
export function countOverdueInvoices(invoices: InvoiceFact[], payments: PaymentFact[], now: Date): number {
  let overdue = 0;
  for (const invoice of invoices) {
    const due = overdueFrom(invoice.dueDate);
    if (!due || due.getTime() > now.getTime()) continue;
    const settled = payments.some(
      (p) =>
        p.paidAt.getTime() >= invoice.sentAt.getTime() &&
        p.paidAt.getTime() <= now.getTime() &&
        (p.invoiceId === null || p.invoiceId === invoice.invoiceId),
    );
    if (!settled) overdue += 1;
  }
  return overdue;
}
