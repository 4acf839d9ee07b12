import type { Profile } from '@/server/db/schema';
import type { ProfileFieldState } from './fields';

/** Every field an event can write, as a new profile starts: unknown, and opted out of every channel. */
export const EMPTY_FIELD_STATE: Readonly<ProfileFieldState> = {
  firstName: null,
  lastName: null,
  email: null,
  phoneNumber: null,
  dateOfBirth: null,
  membershipStatus: null,
  membershipTier: null,
  memberSince: null,
  membershipExpiry: null,
  handicap: null,
  handicapUpdatedAt: null,
  homeClubId: null,
  homeClubName: null,
  emailOptIn: false,
  smsOptIn: false,
  pushOptIn: false,
  whatsappOptIn: false,
  emailUndeliverable: false,
  phoneUndeliverable: false,
};

/**
 * A profile as the database would create it from its defaults (drizzle/0000, profiles): the pipeline builds a new
 * person's row in memory, applies their first events to it and inserts it once, complete, instead of inserting a
 * bare row and rewriting it (a second version, with every index written twice). Pinned to the schema's defaults by
 * new-profile.int.test.ts.
 */
export function newProfileRow(id: string, tenantId: string, at: Date): Profile {
  return {
    id,
    tenantId,
    ...EMPTY_FIELD_STATE,
    displayName: null,
    status: 'ACTIVE',
    lifecycleStage: 'LEAD',
    tags: [],
    lifetimeValue: 0,
    lastActivityAt: null,
    lastActivityType: null,
    lastBookingAt: null,
    lastEmailOpenAt: null,
    lastEmailClickAt: null,
    activityCount30d: 0,
    activityCount90d: 0,
    bookingCount30d: 0,
    engagementScore: null,
    engagementScoreAt: null,
    engagementLevel: null,
    churnRiskScore: null,
    churnRiskScoreAt: null,
    churnRiskLevel: null,
    mergedIntoId: null,
    fieldVersions: [],
    searchText: '',
    phoneDigits: null,
    createdAt: at,
    updatedAt: at,
  };
}
