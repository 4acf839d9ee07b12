import type { z } from 'zod';
import type { CrmEvent, IdentityHints } from './envelope';

export type EventSource = 'scl' | 'teetime' | 'messaging';

/** BullMQ priority (lower is sooner): High 1, Normal 2, Low 3 (§1). */
export type Priority = 1 | 2 | 3;

/**
 * Profile fields an event may write. Everything else on the profile is derived by the pipeline (lifecycle stage,
 * lifetime value, last-activity fields, windowed counts, scores).
 */
export interface WritableFields {
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phoneNumber: string | null;
  dateOfBirth: string | null;
  membershipStatus: string | null;
  membershipTier: string | null;
  memberSince: Date | null;
  membershipExpiry: Date | null;
  handicap: number | null;
  handicapUpdatedAt: Date | null;
  homeClubId: string | null;
  homeClubName: string | null;
  emailOptIn: boolean;
  smsOptIn: boolean;
  pushOptIn: boolean;
  whatsappOptIn: boolean;
  emailUndeliverable: boolean;
  phoneUndeliverable: boolean;
}
export type WritableField = keyof WritableFields;

/**
 * Precedence of a write. Authoritative writes (SCL and TeeTime data, Messaging's own consent flags) beat fill-ins
 * (Messaging contact names/emails, which only fill what is empty); between equal ranks the later event time wins.
 */
export const RANK_FILL = 1;
export const RANK_AUTHORITATIVE = 2;

export interface FieldWriteSet {
  rank: typeof RANK_FILL | typeof RANK_AUTHORITATIVE;
  /** The event's own time for these values (updatedAt / effectiveDate / envelope timestamp). */
  at: Date;
  fields: Partial<WritableFields>;
}

export interface ActivitySpec {
  /** Activity type in CAPS. */
  type: string;
  /** Used instead of `type` when the event created the profile (teetime.player.created → PROFILE_CREATED). */
  typeIfNewProfile?: string;
  /** Only record the activity if the event's writes changed the profile (messaging.contact.updated). */
  onlyIfChanged?: boolean;
  occurredAt: Date;
  /** One line a person can read on the timeline: "Round played — Alpha GC, 18 holes". */
  title: string;
  properties: Record<string, unknown>;
}

/** What one event means for the CRM, computed without touching the database. */
export interface EventEffects {
  /** Identifiers beyond the envelope's identity (payload ids, emails, phones). Raw; normalised later. */
  identities: IdentityHints;
  writes: FieldWriteSet[];
  activity: ActivitySpec | null;
  /** messaging.contact.deleted: drop the messagingContactId link. */
  unlinkMessagingContact?: boolean;
  /** scl.member.deleted with deletionType hard: erase personal fields and identifiers, emit crm.profile.deleted. */
  erase?: { reason: string };
  /** teetime.competition.published: a club-level record, no person. */
  competition?: {
    id: string;
    clubId: string | null;
    name: string;
    startsAt: Date | null;
    entryDeadline: Date | null;
  };
}

export interface EventContext<P> {
  event: CrmEvent;
  payload: P;
}

export interface EventDefinition<S extends z.ZodType = z.ZodType> {
  type: string;
  aliases: readonly string[];
  source: EventSource;
  priority: Priority;
  /** Club-level events (no person): never dead-lettered for lacking identity. */
  personless?: boolean;
  payload: S;
  /** Pure: the event's effects. Throws NonRetryableError for contradictions the schema cannot express. */
  effects(ctx: EventContext<z.infer<S>>): EventEffects;
}
