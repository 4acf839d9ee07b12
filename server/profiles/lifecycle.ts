import { sql } from 'drizzle-orm';
import type { Db } from '@/server/db/client';
import { ADVOCATE_ENGAGEMENT } from './fields';

/**
 * Members whose engagement score crossed the advocate line move between MEMBER and ADVOCATE. Runs after every
 * rescore (pipeline batch and sweep), so the stage follows the final score, not the score an event happened to see.
 */
export async function syncAdvocateStage(tx: Db, input: { tenantId: string; profileIds: string[] }): Promise<void> {
  if (input.profileIds.length === 0) return;
  const stage = sql`case when coalesce(engagement_score, 0) >= ${ADVOCATE_ENGAGEMENT} then 'ADVOCATE' else 'MEMBER' end`;
  await tx.execute(sql`
    update profiles set lifecycle_stage = ${stage}
    where tenant_id = ${input.tenantId} and id = any(${sql.param(input.profileIds)}::uuid[])
      and lifecycle_stage in ('MEMBER', 'ADVOCATE') and lifecycle_stage <> ${stage}`);
}
