import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { segments, type Segment } from '../db/schema';
import { fieldsOf, validateCriteria, type Criteria } from './criteria';
import { invalidateSegmentCache } from './membership';

/** The built-in segments every tenant has (§9). Their names identify them, so they cannot be renamed. */
export const SYSTEM_SEGMENTS: readonly { name: string; description: string; criteria: Criteria }[] = [
  {
    name: 'At Risk Members',
    description: 'Active members whose churn risk score is 70 or more.',
    criteria: {
      combinator: 'AND',
      rules: [
        { field: 'churnRiskScore', operator: 'gte', value: 70 },
        { field: 'membershipStatus', operator: 'eq', value: 'ACTIVE' },
      ],
    },
  },
  {
    name: 'Active Golfers – Low Handicap',
    description: 'Active members with a handicap under 15 and at least two bookings in the last 30 days.',
    criteria: {
      combinator: 'AND',
      rules: [
        { field: 'membershipStatus', operator: 'eq', value: 'ACTIVE' },
        { field: 'handicap', operator: 'lt', value: 15 },
        { field: 'bookingCount30d', operator: 'gte', value: 2 },
      ],
    },
  },
  {
    name: 'High-Value Members',
    description: 'Gold and Platinum members with engagement 70 or more who accept email.',
    criteria: {
      combinator: 'AND',
      rules: [
        { field: 'engagementScore', operator: 'gte', value: 70 },
        { field: 'membershipTier', operator: 'in', value: ['Gold', 'Platinum'] },
        { field: 'emailOptIn', operator: 'eq', value: true },
      ],
    },
  },
];

export function isSystemSegmentName(name: string): boolean {
  return SYSTEM_SEGMENTS.some((s) => s.name.toLowerCase() === name.trim().toLowerCase());
}

export interface EnsureSystemSegmentsResult {
  /** The tenant's three system segments. */
  segments: Segment[];
  /** Ids of the ones created by this call: a tenant that already has profiles should recompute them. */
  createdIds: string[];
}

/**
 * Creates the tenant's missing system segments; safe to call any number of times, also concurrently (a per-tenant
 * advisory lock serialises callers, and existing ones, found by name, are left as they are).
 */
export async function ensureSystemSegments(db: Db, tenantId: string): Promise<EnsureSystemSegmentsResult> {
  const result = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`crm.system-segments:${tenantId}`}, 0))`);
    const existing = await tx
      .select()
      .from(segments)
      .where(and(eq(segments.tenantId, tenantId), eq(segments.isSystem, true)));
    const have = new Set(existing.map((s) => s.name));
    const missing = SYSTEM_SEGMENTS.filter((s) => !have.has(s.name));
    if (missing.length === 0) return { segments: existing, createdIds: [] };
    const created = await tx
      .insert(segments)
      .values(
        missing.map((s) => {
          const checked = validateCriteria(s.criteria);
          if (!checked.ok) throw new Error(`System segment ${s.name} is invalid: ${checked.errors[0].message}`);
          return {
            tenantId,
            name: s.name,
            description: s.description,
            type: 'DYNAMIC' as const,
            criteria: checked.criteria,
            fields: fieldsOf(checked.criteria),
            isSystem: true,
            createdBy: 'system',
          };
        }),
      )
      .returning();
    return { segments: [...existing, ...created], createdIds: created.map((s) => s.id) };
  });
  if (result.createdIds.length > 0) invalidateSegmentCache(tenantId);
  const order = (s: Segment) => SYSTEM_SEGMENTS.findIndex((d) => d.name === s.name);
  return { ...result, segments: result.segments.filter((s) => order(s) >= 0).sort((a, b) => order(a) - order(b)) };
}
