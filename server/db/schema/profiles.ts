import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type PgColumn,
} from 'drizzle-orm/pg-core';
import { timeOrderedId } from '../ids';
import { tenants } from './tenants';

export const PROFILE_STATUSES = ['ACTIVE', 'INACTIVE', 'MERGED', 'DELETED'] as const;
export const LIFECYCLE_STAGES = ['SUBSCRIBER', 'LEAD', 'PROSPECT', 'CUSTOMER', 'MEMBER', 'ADVOCATE', 'CHURNED'] as const;
export const CHURN_LEVELS = ['MINIMAL', 'LOW', 'MODERATE', 'HIGH', 'CRITICAL'] as const;
export const ENGAGEMENT_LEVELS = ['AT_RISK', 'LOW', 'AVERAGE', 'GOOD', 'EXCELLENT'] as const;
export type ProfileStatus = (typeof PROFILE_STATUSES)[number];
/** A profile events still apply to and scoring still reads: not merged away, not erased. */
export const isLiveStatus = (status: string) => status === 'ACTIVE' || status === 'INACTIVE';
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];
export type ChurnLevel = (typeof CHURN_LEVELS)[number];
export type EngagementLevel = (typeof ENGAGEMENT_LEVELS)[number];

/**
 * Per-field provenance for last-writer-wins, as stored: one entry per distinct version, naming the fields it holds,
 * `[rank, event time ISO, event id, ...fields]`. A write applies when its (rank, time, id) is greater, so any
 * delivery order ends in the same profile. One event usually writes several fields (a member's name, email, tier…),
 * so each version is stored once, not once per field (migration 0013). server/profiles/fields.ts reads and writes it.
 */
export type FieldVersions = [rank: number, at: string, eventId: string, ...fields: string[]][];

/** The unified person (§7). Windowed counts are recomputed from activities at score time. */
export const profiles = pgTable(
  'profiles',
  {
    id: uuid().primaryKey().default(timeOrderedId),
    tenantId: text()
      .notNull()
      .references(() => tenants.id),
    displayName: text(),
    firstName: text(),
    lastName: text(),
    email: text(),
    phoneNumber: text(),
    dateOfBirth: date({ mode: 'string' }),
    status: text().$type<ProfileStatus>().notNull().default('ACTIVE'),
    lifecycleStage: text().$type<LifecycleStage>().notNull().default('LEAD'),
    tags: text().array().notNull().default(sql`'{}'::text[]`),
    membershipStatus: text(),
    membershipTier: text(),
    memberSince: timestamp({ withTimezone: true }),
    membershipExpiry: timestamp({ withTimezone: true }),
    handicap: numeric({ precision: 4, scale: 1, mode: 'number' }),
    handicapUpdatedAt: timestamp({ withTimezone: true }),
    homeClubId: text(),
    homeClubName: text(),
    emailOptIn: boolean().notNull().default(false),
    smsOptIn: boolean().notNull().default(false),
    pushOptIn: boolean().notNull().default(false),
    whatsappOptIn: boolean().notNull().default(false),
    emailUndeliverable: boolean().notNull().default(false),
    phoneUndeliverable: boolean().notNull().default(false),
    lifetimeValue: bigint({ mode: 'number' }).notNull().default(0),
    lastActivityAt: timestamp({ withTimezone: true }),
    lastActivityType: text(),
    lastBookingAt: timestamp({ withTimezone: true }),
    lastEmailOpenAt: timestamp({ withTimezone: true }),
    lastEmailClickAt: timestamp({ withTimezone: true }),
    activityCount30d: integer().notNull().default(0),
    activityCount90d: integer().notNull().default(0),
    bookingCount30d: integer().notNull().default(0),
    engagementScore: integer(),
    engagementScoreAt: timestamp({ withTimezone: true }),
    engagementLevel: text().$type<EngagementLevel>(),
    churnRiskScore: integer(),
    churnRiskScoreAt: timestamp({ withTimezone: true }),
    churnRiskLevel: text().$type<ChurnLevel>(),
    /** Set when status = MERGED: the profile this one was merged into. */
    mergedIntoId: uuid(),
    fieldVersions: jsonb().$type<FieldVersions>().notNull().default([]),
    /** Lower-cased, accent-free name + email for trigram search; maintained by the pipeline. */
    searchText: text().notNull().default(''),
    /** Digits of the phone number without the country prefix's plus, for "any format" phone search. */
    phoneDigits: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  // No index on a column most events change (last activity, churn score): an update that changes no indexed column
  // is a HOT update (a new row version on the same page, no index entry), and these rows take one per event. The
  // lists sorted by those columns read profile_rankings.
  (t) => [
    uniqueIndex('profiles_tenant_id_id_uq').on(t.tenantId, t.id),
    index('profiles_tenant_status_idx').on(t.tenantId, t.status),
    index('profiles_tenant_email_idx').on(t.tenantId, t.email),
    index('profiles_tenant_phone_digits_idx').on(t.tenantId, t.phoneDigits),
    index('profiles_search_trgm_idx').using('gin', sql`${t.searchText} gin_trgm_ops`),
    // The members list sorted by name (search_text starts with first and last name) without sorting every row.
    index('profiles_tenant_search_text_idx').on(t.tenantId, t.searchText),
  ],
);

export type Profile = typeof profiles.$inferSelect;
export type NewProfile = typeof profiles.$inferInsert;

/**
 * A row's reference to a profile of its own club: (tenant, profile) must be a profile's (tenant, id), so no row can
 * point at another club's person, and the tenant exists because the profile's does. One check per row where a
 * foreign key to the profile and another to the tenant made two, each locking a row (migration 0014).
 */
export function sameTenantProfile(name: string, tenantId: PgColumn, profileId: PgColumn) {
  return foreignKey({ name, columns: [tenantId, profileId], foreignColumns: [profiles.tenantId, profiles.id] });
}

/**
 * The sort keys of the live profiles' lists (churn risk, last activity), kept apart from `profiles` so the indexes
 * that order those lists do not stop every event's profile update from being a HOT update. A copy, never written by
 * the application: triggers on profiles keep it equal to profiles' own columns (migration 0007).
 */
export const profileRankings = pgTable(
  'profile_rankings',
  {
    profileId: uuid().primaryKey(),
    tenantId: text().notNull(),
    status: text().$type<ProfileStatus>().notNull(),
    churnRiskScore: integer(),
    lastActivityAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    sameTenantProfile('profile_rankings_profile_fk', t.tenantId, t.profileId).onDelete('cascade'),
    index('profile_rankings_churn_idx').on(t.tenantId, t.churnRiskScore.desc().nullsLast(), t.profileId),
    index('profile_rankings_last_activity_idx').on(t.tenantId, t.lastActivityAt.desc().nullsLast(), t.profileId),
  ],
);

export const IDENTITY_KINDS = [
  'authUserId',
  'sclMemberId',
  'teetimePlayerId',
  'messagingContactId',
  'external',
  'email',
  'phone',
] as const;
export type IdentityKind = (typeof IDENTITY_KINDS)[number];
/** A profile holds at most one value of each strong kind (merge protection, §6). */
export const STRONG_IDENTITY_KINDS = ['authUserId', 'sclMemberId', 'teetimePlayerId', 'messagingContactId'] as const;

/** Every identifier a profile is known by; (tenant, kind, value) is unique so no identifier has two owners. */
export const profileIdentities = pgTable(
  'profile_identities',
  {
    id: uuid().primaryKey().default(timeOrderedId),
    tenantId: text().notNull(),
    profileId: uuid().notNull(),
    kind: text().$type<IdentityKind>().notNull(),
    /** Normalised value; external ids are stored as `name:value`. */
    value: text().notNull(),
    /** The source that told us (scl, teetime, messaging, crm). */
    source: text().notNull(),
    confidence: integer().notNull(),
    /**
     * Set when the source removed the link (messaging.contact.deleted). The row stays as a tombstone so late or
     * out-of-order events for that id still find the person instead of creating a stranger.
     */
    unlinkedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    sameTenantProfile('profile_identities_profile_fk', t.tenantId, t.profileId),
    uniqueIndex('profile_identities_tenant_kind_value_uq').on(t.tenantId, t.kind, t.value),
    index('profile_identities_profile_idx').on(t.profileId),
  ],
);

export type ProfileIdentity = typeof profileIdentities.$inferSelect;

/** Merge history: the loser row stays (status MERGED) and this row says who, why and when. */
export const profileMerges = pgTable(
  'profile_merges',
  {
    id: uuid().primaryKey().default(timeOrderedId),
    tenantId: text().notNull(),
    winnerId: uuid().notNull(),
    loserId: uuid().notNull(),
    reason: text().notNull(),
    mergedBy: text().notNull(),
    eventId: text(),
    mergedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    sameTenantProfile('profile_merges_winner_fk', t.tenantId, t.winnerId),
    sameTenantProfile('profile_merges_loser_fk', t.tenantId, t.loserId),
    index('profile_merges_winner_idx').on(t.tenantId, t.winnerId),
    index('profile_merges_loser_idx').on(t.loserId),
  ],
);

export const DUPLICATE_STATUSES = ['OPEN', 'MERGED', 'DISMISSED'] as const;

/** Two profiles that an event suggested are one person, kept apart by merge protection; staff decide. */
export const duplicateCandidates = pgTable(
  'duplicate_candidates',
  {
    id: uuid().primaryKey().default(timeOrderedId),
    tenantId: text().notNull(),
    /** The pair is stored ordered (profileA < profileB) so it is recorded once. */
    profileA: uuid().notNull(),
    profileB: uuid().notNull(),
    reason: text().notNull(),
    eventId: text(),
    status: text().$type<(typeof DUPLICATE_STATUSES)[number]>().notNull().default('OPEN'),
    resolvedBy: text(),
    resolvedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    sameTenantProfile('duplicate_candidates_profile_a_fk', t.tenantId, t.profileA),
    sameTenantProfile('duplicate_candidates_profile_b_fk', t.tenantId, t.profileB),
    uniqueIndex('duplicate_candidates_pair_uq').on(t.tenantId, t.profileA, t.profileB),
  ],
);
