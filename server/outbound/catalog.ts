import { z } from 'zod';

/** Outbound event types the CRM produces on crm-outbound (§4). */
export const OUTBOUND_TYPES = [
  'crm.profile.created',
  'crm.profile.updated',
  'crm.profile.merged',
  'crm.profile.deleted',
  'crm.segment.membership.changed',
  'crm.churn.risk.high',
  'crm.churn.risk.changed',
] as const;
export type OutboundType = (typeof OUTBOUND_TYPES)[number];

const factor = z.object({ name: z.string(), weight: z.number(), value: z.number(), explanation: z.string() });
const linkedIds = z.object({
  sclMemberId: z.union([z.number(), z.string()]).nullable(),
  teetimePlayerId: z.string().nullable(),
  messagingContactId: z.string().nullable(),
  authUserId: z.string().nullable(),
});

/** One payload schema per outbound type; payloads are validated before they are written to the outbox. */
export const outboundPayloadSchemas = {
  'crm.profile.created': z.object({
    id: z.string(),
    email: z.string().nullable(),
    phoneNumber: z.string().nullable(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    source: z.string(),
    linkedIds,
    createdAt: z.string(),
  }),
  'crm.profile.updated': z
    .object({ id: z.string(), changes: z.array(z.string()).min(1), updatedAt: z.string() })
    .catchall(z.unknown()),
  'crm.profile.merged': z.object({
    winnerId: z.string(),
    loserId: z.string(),
    loserLinkedIds: linkedIds,
    mergedFields: z.array(z.string()),
    mergedBy: z.string(),
    reason: z.string(),
    mergedAt: z.string(),
  }),
  'crm.profile.deleted': z.object({ id: z.string(), reason: z.string(), deletedAt: z.string() }),
  'crm.segment.membership.changed': z.object({
    segmentId: z.string(),
    segmentName: z.string(),
    profileId: z.string(),
    change: z.enum(['ENTERED', 'EXITED']),
    memberCount: z.number().int(),
    changedAt: z.string(),
  }),
  'crm.churn.risk.high': z.object({
    profileId: z.string(),
    score: z.number(),
    previousScore: z.number().nullable(),
    level: z.string(),
    factors: z.array(factor),
    scoredAt: z.string(),
  }),
  'crm.churn.risk.changed': z.object({
    profileId: z.string(),
    previousLevel: z.string().nullable(),
    level: z.string(),
    score: z.number(),
    factors: z.array(factor),
    scoredAt: z.string(),
  }),
} satisfies Record<OutboundType, z.ZodType>;

export type OutboundPayload<T extends OutboundType> = z.infer<(typeof outboundPayloadSchemas)[T]>;

export interface OutboundEnvelope<T extends OutboundType = OutboundType> {
  id: string;
  type: T;
  version: '1.0';
  timestamp: string;
  tenantId: string;
  source: 'crm';
  correlationId: string | null;
  payload: OutboundPayload<T>;
}
