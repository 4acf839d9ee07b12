import { z } from 'zod';

/** Identity hints as producers send them (raw; the identity module normalises and drops junk). */
export const identityHintsSchema = z
  .object({
    authUserId: z.string().optional().nullable(),
    email: z.string().optional().nullable(),
    phoneNumber: z.string().optional().nullable(),
    sclMemberId: z.union([z.number(), z.string()]).optional().nullable(),
    teetimePlayerId: z.union([z.string(), z.number()]).optional().nullable(),
    messagingContactId: z.union([z.string(), z.number()]).optional().nullable(),
    externalIds: z.record(z.string(), z.union([z.string(), z.number()])).optional().nullable(),
  })
  .loose();
export type IdentityHints = z.infer<typeof identityHintsSchema>;

/** The CrmEvent envelope (§2). Unknown extra fields are ignored. */
export const crmEventSchema = z
  .object({
    id: z.string().min(1).max(200),
    type: z.string().min(1).max(200),
    version: z.string().regex(/^\d+(\.\d+){0,2}$/, 'must look like "1.0"'),
    timestamp: z.iso.datetime({ offset: true }),
    correlationId: z.string().max(200).optional().nullable(),
    tenantId: z.string().min(1).max(100),
    source: z.string().min(1).max(50),
    identity: identityHintsSchema.optional().default({}),
    payload: z.record(z.string(), z.unknown()),
    metadata: z
      .object({
        userId: z.string().optional().nullable(),
        ipAddress: z.string().optional().nullable(),
        userAgent: z.string().optional().nullable(),
        correlationId: z.string().optional().nullable(),
      })
      .loose()
      .optional()
      .nullable(),
  })
  .loose();
export type CrmEvent = z.infer<typeof crmEventSchema>;

/** Major versions of the envelope/payload contract this CRM understands. */
export const SUPPORTED_MAJOR_VERSIONS = ['1'];
