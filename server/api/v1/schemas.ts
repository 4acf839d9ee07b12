import { z } from 'zod';
import {
  CHURN_LEVELS,
  DEAD_LETTER_REASONS,
  ENGAGEMENT_LEVELS,
  LIFECYCLE_STAGES,
  PROFILE_STATUSES,
  SYNC_STATUSES,
} from '@/server/db/schema';
import { churnListSchema } from '@/server/queries/churn';
import { dateParam } from '@/server/queries/date-param';
import { memberSearchSchema } from '@/server/queries/members';
import { criteriaSchema } from '@/server/segments/criteria';
import { API_ERROR_CODES } from '../errors';

/*
 * The read API's request and response shapes (§10). Request schemas validate every call; response schemas document
 * the answers in /api/v1/openapi.json and are checked against real answers by the API tests. Unknown query
 * parameters are refused (strict objects), so a typo answers 400 instead of being silently ignored.
 */

// ---- requests ---------------------------------------------------------------------------------------------------

const skip = z.coerce.number().int().min(0).default(0).meta({ description: 'Rows to skip (default 0).' });
const take = z.coerce
  .number()
  .int()
  .min(1)
  .max(100)
  .default(25)
  .meta({ description: 'Rows to return, 1–100 (default 25).' });
export const pagingQuery = z.strictObject({ skip, take });

/** A comma-separated list, or the parameter repeated. */
const listParam = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean));

export const idParams = z.object({ id: z.uuid() });
export const eventIdParams = z.object({ eventId: z.string().min(1).max(200) });

export const customersQuery = z.strictObject({ ...memberSearchSchema.shape, skip, take });

export const resolveQuery = z
  .strictObject({
    email: z.string().trim().min(1).max(320).optional(),
    phone: z.string().trim().min(1).max(40).optional(),
    authUserId: z.string().trim().min(1).max(200).optional(),
  })
  .refine((q) => q.email || q.phone || q.authUserId, { message: 'give at least one of email, phone, authUserId' });

/**
 * POST /customers/search and POST /customers/resolve take the same parameters as their GET forms in a JSON body,
 * so an email or phone number a caller looks up never sits in a URL (browser history, proxy and access logs).
 */
export const customersSearchBody = customersQuery;
export const resolveBody = resolveQuery;

export const activitiesQuery = z.strictObject({
  type: listParam.optional().meta({ description: 'Activity types (ROUND_PLAYED, …), comma-separated.' }),
  source: listParam.optional().meta({ description: 'Sources (scl, teetime, messaging), comma-separated.' }),
  from: dateParam.optional().meta({ description: 'Occurred at or after (ISO 8601).' }),
  to: dateParam.optional().meta({ description: 'Occurred before (ISO 8601).' }),
  cursor: z.string().max(200).optional().meta({ description: 'meta.nextCursor of the previous page.' }),
  take,
});

export const churnQuery = z.strictObject({ ...churnListSchema.shape, skip, take });

export const segmentsQuery = pagingQuery;

export const segmentMembersQuery = z.strictObject({
  skip,
  take,
  format: z.enum(['json', 'csv']).default('json').meta({ description: 'csv streams every member (needs export).' }),
});

export const createSegmentBody = z.strictObject({
  name: z.string().trim().min(1).max(120),
  description: z.string().trim().max(1000).nullable().optional(),
  type: z.enum(['STATIC', 'DYNAMIC']),
  criteria: criteriaSchema.optional().meta({
    description:
      'DYNAMIC only: {combinator: "AND"|"OR", rules: [{field, operator, value} | group]} (§9); every rule is ' +
      'checked against the field registry.',
    example: {
      combinator: 'AND',
      rules: [
        { field: 'churnRiskScore', operator: 'gte', value: 70 },
        { field: 'membershipStatus', operator: 'eq', value: 'ACTIVE' },
      ],
    },
  }),
});

export const deadLettersQuery = z.strictObject({
  skip,
  take,
  reason: z.enum(DEAD_LETTER_REASONS).optional(),
  type: z.string().trim().min(1).max(200).optional(),
  source: z.string().trim().min(1).max(100).optional(),
  from: dateParam.optional(),
  to: dateParam.optional(),
});

// ---- responses (as JSON: timestamps are ISO strings) ------------------------------------------------------------

const timestamp = z.iso.datetime({ offset: true });
const nullableTimestamp = timestamp.nullable();

export const errorBody = z
  .object({
    error: z.object({ code: z.enum(API_ERROR_CODES), message: z.string(), requestId: z.string() }),
  })
  .meta({ id: 'Error' });

export const listMeta = z
  .object({ total: z.number().int(), skip: z.number().int(), take: z.number().int(), hasMore: z.boolean() })
  .meta({ id: 'ListMeta' });

export const cursorMeta = z
  .object({ take: z.number().int(), hasMore: z.boolean(), nextCursor: z.string().nullable() })
  .meta({ id: 'CursorMeta' });

const scoreFactor = z
  .object({ name: z.string(), weight: z.number(), value: z.number(), explanation: z.string() })
  .meta({ id: 'ScoreFactor' });

export const customerSummary = z
  .looseObject({
    id: z.uuid(),
    name: z.string(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    email: z.string().nullable(),
    phoneNumber: z.string().nullable(),
    status: z.enum(PROFILE_STATUSES),
    lifecycleStage: z.enum(LIFECYCLE_STAGES),
    membershipStatus: z.string().nullable(),
    membershipTier: z.string().nullable(),
    emailOptIn: z.boolean(),
    smsOptIn: z.boolean(),
    engagementScore: z.number().int().nullable(),
    engagementLevel: z.enum(ENGAGEMENT_LEVELS).nullable(),
    churnRiskScore: z.number().int().nullable(),
    churnRiskLevel: z.enum(CHURN_LEVELS).nullable(),
    lastActivityAt: nullableTimestamp,
  })
  .meta({ id: 'CustomerSummary' });

export const customerDetail = customerSummary
  .extend({
    displayName: z.string().nullable(),
    dateOfBirth: z.iso.date().nullable(),
    tags: z.array(z.string()),
    memberSince: nullableTimestamp,
    membershipExpiry: nullableTimestamp,
    handicap: z.number().nullable(),
    homeClubName: z.string().nullable(),
    pushOptIn: z.boolean(),
    whatsappOptIn: z.boolean(),
    lifetimeValue: z.number().int().meta({ description: 'Cents.' }),
    lastBookingAt: nullableTimestamp,
    lastEmailOpenAt: nullableTimestamp,
    lastEmailClickAt: nullableTimestamp,
    activityCount30d: z.number().int(),
    activityCount90d: z.number().int(),
    bookingCount30d: z.number().int(),
    mergedIntoId: z.uuid().nullable().meta({ description: 'Set when status is MERGED.' }),
    identifiers: z.array(
      z.looseObject({ kind: z.string(), value: z.string(), source: z.string(), confidence: z.number().int() }),
    ),
    segments: z.array(z.looseObject({ segmentId: z.uuid(), name: z.string(), joinedAt: timestamp })),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'CustomerDetail' });

export const activity = z
  .object({
    id: z.uuid(),
    source: z.string(),
    sourceEventId: z.string(),
    eventType: z.string(),
    type: z.string(),
    title: z.string(),
    occurredAt: timestamp,
    properties: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'Activity' });

export const churnRiskRow = customerSummary
  .extend({
    churnRiskScoreAt: nullableTimestamp,
    previousScore: z.number().int().nullable(),
    change: z.number().int(),
    factors: z.array(scoreFactor).meta({ description: 'Factors that add risk, heaviest first.' }),
  })
  .meta({ id: 'ChurnRiskRow' });

export const segment = z
  .looseObject({
    id: z.uuid(),
    name: z.string(),
    description: z.string().nullable(),
    type: z.enum(['STATIC', 'DYNAMIC']),
    criteria: z.unknown().meta({ description: 'Rule tree of a DYNAMIC segment (§9).' }),
    isSystem: z.boolean(),
    memberCount: z.number().int(),
    recomputeStatus: z.enum(['IDLE', 'RUNNING', 'FAILED']),
    lastChangeAt: nullableTimestamp,
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Segment' });

export const segmentMember = z
  .looseObject({
    id: z.uuid(),
    displayName: z.string().nullable(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    email: z.string().nullable(),
    phoneNumber: z.string().nullable(),
    membershipStatus: z.string().nullable(),
    membershipTier: z.string().nullable(),
    handicap: z.number().nullable(),
    engagementScore: z.number().int().nullable(),
    churnRiskScore: z.number().int().nullable(),
    lastActivityAt: nullableTimestamp,
    joinedAt: timestamp,
  })
  .meta({ id: 'SegmentMember' });

export const refreshAccepted = z
  .object({ segmentId: z.uuid(), status: z.literal('queued') })
  .meta({ id: 'SegmentRefreshAccepted' });

export const eventTrace = z
  .looseObject({
    eventId: z.string(),
    source: z.string(),
    eventType: z.string(),
    status: z.enum(SYNC_STATUSES),
    attempts: z.number().int(),
    errorCode: z.string().nullable(),
    error: z.string().nullable(),
    failedStep: z.string().nullable(),
    steps: z.array(z.object({ step: z.string(), ms: z.number() })),
    receivedAt: timestamp,
    processedAt: nullableTimestamp,
    profile: z.looseObject({ id: z.uuid(), name: z.string() }).nullable(),
    activity: z.looseObject({ id: z.uuid(), type: z.string(), title: z.string() }).nullable(),
  })
  .meta({ id: 'EventTrace' });

export const deadLetter = z
  .object({
    eventId: z.string(),
    source: z.string(),
    type: z.string(),
    reason: z.enum(DEAD_LETTER_REASONS),
    step: z.string(),
    error: z.string(),
    attempts: z.number().int(),
    retryCount: z.number().int(),
    firstFailedAt: timestamp,
    deadLetteredAt: timestamp,
    lastRetriedAt: nullableTimestamp,
    lastRetriedBy: z.string().nullable(),
  })
  .meta({ id: 'DeadLetter' });

export const retryResult = z
  .object({ requeued: z.number().int(), alreadyProcessed: z.number().int(), notFound: z.number().int() })
  .meta({ id: 'RetryResult' });

const queueSnapshot = z.looseObject({
  name: z.string(),
  counts: z.record(z.string(), z.number().int()),
  oldestWaitingMs: z.number().nullable(),
  workers: z.array(z.looseObject({ name: z.string(), lastSeenMs: z.number() })),
  error: z.string().nullable().meta({ description: 'Set when the queue could not be read.' }),
});

export const queueHealth = z
  .looseObject({
    checkedAt: timestamp,
    inbound: queueSnapshot,
    outbound: queueSnapshot,
    perMinute: z.array(z.object({ minute: timestamp, processed: z.number().int(), failed: z.number().int() })),
    deadLetters: z.object({
      open: z.number().int(),
      byReason: z.array(z.object({ reason: z.string(), count: z.number().int() })),
    }),
    outboxPending: z.number().int(),
  })
  .meta({ id: 'QueueHealth' });
