import type { Tx } from '@/server/db/client';
import { isLiveStatus, type Profile } from '@/server/db/schema';
import { ADVOCATE_ENGAGEMENT } from '@/server/profiles/fields';
import { loadScoringFacts } from '@/server/scoring/load-facts';
import { scoreRows, type ScoreChange, type ScoreHistoryRow } from '@/server/scoring/rescore';
import type { OutboundDraft } from '@/server/outbound/outbox';
import type { OutboundType } from '@/server/outbound/catalog';
import type { BatchState } from './batch-state';

export interface BatchScores {
  changes: Map<string, ScoreChange>;
  history: ScoreHistoryRow[];
  outbound: OutboundDraft<OutboundType>[];
}

/**
 * Step 5 for one tenant's profiles of a batch: the same rules as rescoreProfiles (live profiles only, never back in
 * time), but the current scores come from the rows the batch already holds under lock and the new ones go back into
 * them, so the batch writes each profile once. The advocate stage follows the new engagement score as
 * syncAdvocateStage would. The caller writes `history` and `outbound`.
 */
export async function scoreBatch(
  tx: Tx,
  state: BatchState,
  input: { tenantId: string; profileIds: string[]; now: Date; correlationId: string },
): Promise<BatchScores> {
  const scores = await rescoreHeld(tx, state, input);
  // The advocate stage follows the final engagement score of every touched member, rescored now or not.
  for (const id of new Set(input.profileIds)) {
    const row = state.get(id);
    if (!row || (row.lifecycleStage !== 'MEMBER' && row.lifecycleStage !== 'ADVOCATE')) continue;
    const stage = (row.engagementScore ?? 0) >= ADVOCATE_ENGAGEMENT ? 'ADVOCATE' : 'MEMBER';
    if (stage !== row.lifecycleStage) state.set({ ...row, lifecycleStage: stage }, false);
  }
  return scores;
}

async function rescoreHeld(
  tx: Tx,
  state: BatchState,
  input: { tenantId: string; profileIds: string[]; now: Date; correlationId: string },
): Promise<BatchScores> {
  const { tenantId, now } = input;
  // Live profiles not scored after `now` already (a later batch's scores stand).
  const rows: Profile[] = [];
  const ids: string[] = [];
  const current = [];
  for (const id of new Set(input.profileIds)) {
    const r = state.get(id);
    if (!r || !isLiveStatus(r.status)) continue;
    const scoredAt = r.churnRiskScoreAt ?? r.engagementScoreAt;
    if (scoredAt && scoredAt > now) continue;
    rows.push(r);
    ids.push(id);
    current.push({
      id: r.id,
      engagement_score: r.engagementScore,
      engagement_level: r.engagementLevel,
      churn_risk_score: r.churnRiskScore,
      churn_risk_level: r.churnRiskLevel,
    });
  }
  if (rows.length === 0) return { changes: new Map(), history: [], outbound: [] };

  const facts = await loadScoringFacts(tx, { tenantId, profileIds: ids, now, held: rows });
  const { changes, updates, history, outbound } = scoreRows(current, facts, { ...input, emitProfileUpdated: true });
  for (const u of updates) {
    const row = state.get(u.id)!;
    const next = {
      ...row,
      engagementScore: u.engagement_score,
      engagementLevel: u.engagement_level,
      engagementScoreAt: now,
      churnRiskScore: u.churn_risk_score,
      churnRiskLevel: u.churn_risk_level,
      churnRiskScoreAt: now,
      activityCount30d: u.activity_count_30d,
      activityCount90d: u.activity_count_90d,
      bookingCount30d: u.booking_count_30d,
    };
    state.set(next, u.changed);
  }
  return { changes, history, outbound };
}
