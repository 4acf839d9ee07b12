import type { Tx } from '@/server/db/client';
import { syncAdvocateStage } from '@/server/profiles/lifecycle';
import type { ScoreChange } from '@/server/scoring/rescore';
import { updateMemberships } from '@/server/segments/membership';

/** Profile fields a rescore changes that segment rules and the lifecycle stage read. */
export const SCORE_FIELDS = [
  'engagementScore',
  'churnRiskScore',
  'churnRiskLevel',
  'activityCount30d',
  'activityCount90d',
  'bookingCount30d',
  'lifecycleStage',
];

/**
 * What follows a sweep batch's rescore, in its transaction: the advocate stage follows the new engagement scores
 * and segments that read scores are re-evaluated for the profiles whose scores changed.
 */
export async function afterSweepBatch(
  tx: Tx,
  batch: { tenantId: string; now: Date; correlationId: string; changes: Map<string, ScoreChange> },
): Promise<void> {
  const profileIds = [...batch.changes.keys()];
  if (profileIds.length === 0) return;
  await syncAdvocateStage(tx, { tenantId: batch.tenantId, profileIds });
  await updateMemberships(tx, {
    tenantId: batch.tenantId,
    profileIds,
    touchedFields: SCORE_FIELDS,
    at: batch.now,
    correlationId: batch.correlationId,
  });
}
