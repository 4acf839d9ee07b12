import { sql } from 'drizzle-orm';
import type { Db } from '@/server/db/client';
import type { ChurnLevel, EngagementLevel, ScoreFactor } from '@/server/db/schema';
import type { OutboundType } from '@/server/outbound/catalog';
import { writeOutbox, type OutboundDraft } from '@/server/outbound/outbox';
import { scoreChurn } from './churn';
import { scoreEngagement } from './engagement';
import type { ScoringFacts } from './facts';
import { loadScoringFacts } from './load-facts';

/** crm.churn.risk.high fires when the churn score reaches this from below. */
export const HIGH_RISK_SCORE = 80;
/** Most rows one outbox insert carries (4 parameters a row, well under Postgres' 65,535). */
const OUTBOX_CHUNK = 2000;

export interface RescoreInput {
  tenantId: string;
  profileIds: string[];
  /** The instant scored at: pass the processing time (wall clock) in the pipeline, the sweep's asOf in the sweep. */
  now: Date;
  /** Inbound event id (pipeline) or sweep id: part of every outbound id, so a re-run of the same cause dedupes. */
  correlationId: string | null;
  /** Also write crm.profile.updated for the score changes (otherwise the caller folds `changes` into its own). */
  emitProfileUpdated: boolean;
}

export interface ScoreSide<L extends string> {
  score: number;
  level: L;
  previousScore: number | null;
  previousLevel: L | null;
  factors: ScoreFactor[];
}

/** Profile fields a rescore can change that crm.profile.updated reports. */
export interface ScoreFieldValues {
  engagementScore: number;
  engagementLevel: EngagementLevel;
  churnRiskScore: number;
  churnRiskLevel: ChurnLevel;
}

export interface ScoreChange {
  profileId: string;
  scoredAt: Date;
  engagement: ScoreSide<EngagementLevel>;
  churn: ScoreSide<ChurnLevel>;
  /** The score fields whose values changed, with their new values (never empty in a returned change). */
  changes: Partial<ScoreFieldValues>;
}

export interface CurrentScores extends Record<string, unknown> {
  id: string;
  engagement_score: number | null;
  engagement_level: EngagementLevel | null;
  churn_risk_score: number | null;
  churn_risk_level: ChurnLevel | null;
}

/**
 * Rescores profiles at `now` inside the caller's transaction: loads their facts (set-based), scores them, updates
 * the score and windowed-count columns in one statement, adds a profile_scores history row for each score that
 * changed, and writes the churn outbound events. Returns an entry only for profiles whose scores or levels changed.
 *
 * - Only ACTIVE and INACTIVE profiles are scored (merged-away and deleted ones keep their last values).
 * - A profile already scored after `now` is left alone: a score never moves back in time.
 * - crm.churn.risk.high: the churn score reaches ≥ 80 from below, or a first-ever score is ≥ 80 (nobody has been
 *   told yet); not again while it stays there.
 * - crm.churn.risk.changed: the churn level differs from a previous level. A first score has no previous level
 *   and emits none (there was no level to change from).
 */
export async function rescoreProfiles(tx: Db, input: RescoreInput): Promise<Map<string, ScoreChange>> {
  const { tenantId, now } = input;
  const profileIds = [...new Set(input.profileIds)];
  if (profileIds.length === 0) return new Map();

  // Lock in id order so concurrent rescorers (pipeline, sweep) queue up instead of deadlocking; NO KEY UPDATE
  // still lets activities referencing these profiles be inserted meanwhile.
  const current = await tx.execute<CurrentScores>(sql`
    select id, engagement_score, engagement_level, churn_risk_score, churn_risk_level
    from profiles
    where tenant_id = ${tenantId} and id = any(${sql.param(profileIds)}::uuid[])
      and status in ('ACTIVE', 'INACTIVE')
      and coalesce(churn_risk_score_at, engagement_score_at, '-infinity') <= ${now.toISOString()}::timestamptz
    order by id
    for no key update`);
  if (current.length === 0) return new Map();

  const facts = await loadScoringFacts(tx, { tenantId, profileIds: current.map((c) => c.id), now });
  const { changes, updates, history, outbound } = scoreRows(current, facts, input);
  await writeScores(tx, { tenantId, now, updates });
  await writeScoreHistory(tx, { tenantId, now, history });
  for (let i = 0; i < outbound.length; i += OUTBOX_CHUNK) await writeOutbox(tx, outbound.slice(i, i + OUTBOX_CHUNK));
  return changes;
}

/**
 * Scores profiles from their facts (pure): the score columns to write, the history rows and outbound events for
 * scores that changed, and the changes themselves. Rows are the profiles' current score columns.
 */
export function scoreRows(
  current: CurrentScores[],
  facts: Map<string, ScoringFacts>,
  input: Omit<RescoreInput, 'profileIds'>,
): { changes: Map<string, ScoreChange>; updates: ProfileScoreUpdate[]; history: ScoreHistoryRow[]; outbound: OutboundDraft<OutboundType>[] } {
  const { tenantId, now, correlationId } = input;
  const changes = new Map<string, ScoreChange>();
  const updates: ProfileScoreUpdate[] = [];
  const history: ScoreHistoryRow[] = [];
  const outbound: OutboundDraft<OutboundType>[] = [];

  for (const row of current) {
    const personFacts = facts.get(row.id);
    if (!personFacts) continue;
    const engagement = scoreEngagement(personFacts, now);
    const churn = scoreChurn(personFacts, now);
    const change: ScoreChange = {
      profileId: row.id,
      scoredAt: now,
      engagement: { ...engagement, previousScore: row.engagement_score, previousLevel: row.engagement_level },
      churn: { ...churn, previousScore: row.churn_risk_score, previousLevel: row.churn_risk_level },
      changes: changedFields(row, engagement, churn),
    };
    const changed = Object.keys(change.changes).length > 0;
    updates.push({
      id: row.id,
      engagement_score: engagement.score,
      engagement_level: engagement.level,
      churn_risk_score: churn.score,
      churn_risk_level: churn.level,
      activity_count_30d: personFacts.activityCount30d,
      activity_count_90d: personFacts.activityCount90d,
      booking_count_30d: personFacts.golfCount30d,
      changed,
    });
    if (!changed) continue;
    changes.set(row.id, change);
    if (row.engagement_score !== engagement.score || row.engagement_level !== engagement.level) {
      history.push({ profile_id: row.id, kind: 'ENGAGEMENT', ...engagement });
    }
    if (row.churn_risk_score !== churn.score || row.churn_risk_level !== churn.level) {
      history.push({ profile_id: row.id, kind: 'CHURN', ...churn });
    }
    outbound.push(...outboundFor(change, { tenantId, correlationId, emitProfileUpdated: input.emitProfileUpdated }));
  }

  return { changes, updates, history, outbound };
}

function changedFields(
  row: CurrentScores,
  engagement: { score: number; level: EngagementLevel },
  churn: { score: number; level: ChurnLevel },
): Partial<ScoreFieldValues> {
  const changes: Partial<ScoreFieldValues> = {};
  if (row.engagement_score !== engagement.score) changes.engagementScore = engagement.score;
  if (row.engagement_level !== engagement.level) changes.engagementLevel = engagement.level;
  if (row.churn_risk_score !== churn.score) changes.churnRiskScore = churn.score;
  if (row.churn_risk_level !== churn.level) changes.churnRiskLevel = churn.level;
  return changes;
}

/** The outbound events one profile's score change causes; ids are deterministic in (cause, profile, instant). */
function outboundFor(
  change: ScoreChange,
  options: { tenantId: string; correlationId: string | null; emitProfileUpdated: boolean },
): OutboundDraft<OutboundType>[] {
  const { tenantId, correlationId } = options;
  const { profileId, churn } = change;
  const scoredAt = change.scoredAt.toISOString();
  const drafts: OutboundDraft<OutboundType>[] = [];
  const wasBelow = churn.previousScore === null || churn.previousScore < HIGH_RISK_SCORE;
  if (churn.score >= HIGH_RISK_SCORE && wasBelow) {
    drafts.push({
      tenantId,
      type: 'crm.churn.risk.high',
      correlationId,
      key: `${profileId}|${scoredAt}|${churn.score}`,
      payload: {
        profileId,
        score: churn.score,
        previousScore: churn.previousScore,
        level: churn.level,
        factors: churn.factors,
        scoredAt,
      },
    });
  }
  if (churn.previousLevel !== null && churn.previousLevel !== churn.level) {
    drafts.push({
      tenantId,
      type: 'crm.churn.risk.changed',
      correlationId,
      key: `${profileId}|${scoredAt}|${churn.previousLevel}>${churn.level}`,
      payload: {
        profileId,
        previousLevel: churn.previousLevel,
        level: churn.level,
        score: churn.score,
        factors: churn.factors,
        scoredAt,
      },
    });
  }
  if (options.emitProfileUpdated && Object.keys(change.changes).length > 0) {
    drafts.push({
      tenantId,
      type: 'crm.profile.updated',
      correlationId,
      key: `${profileId}|${scoredAt}|scores`,
      payload: { id: profileId, changes: Object.keys(change.changes), ...change.changes, updatedAt: scoredAt },
    });
  }
  return drafts;
}

export interface ProfileScoreUpdate {
  id: string;
  engagement_score: number;
  engagement_level: EngagementLevel;
  churn_risk_score: number;
  churn_risk_level: ChurnLevel;
  activity_count_30d: number;
  activity_count_90d: number;
  booking_count_30d: number;
  /** A score or level changed: the profile's updatedAt moves. */
  changed: boolean;
}

/** One UPDATE for the whole batch, the rows passed as a single JSON parameter. */
async function writeScores(tx: Db, args: { tenantId: string; now: Date; updates: ProfileScoreUpdate[] }) {
  if (args.updates.length === 0) return;
  const at = args.now.toISOString();
  await tx.execute(sql`
    update profiles p set
      engagement_score = v.engagement_score,
      engagement_level = v.engagement_level,
      engagement_score_at = ${at}::timestamptz,
      churn_risk_score = v.churn_risk_score,
      churn_risk_level = v.churn_risk_level,
      churn_risk_score_at = ${at}::timestamptz,
      activity_count30d = v.activity_count_30d,
      activity_count90d = v.activity_count_90d,
      booking_count30d = v.booking_count_30d,
      updated_at = case when v.changed then now() else p.updated_at end
    from jsonb_to_recordset(${JSON.stringify(args.updates)}::jsonb) as v(
      id uuid, engagement_score int, engagement_level text, churn_risk_score int, churn_risk_level text,
      activity_count_30d int, activity_count_90d int, booking_count_30d int, changed boolean)
    where p.tenant_id = ${args.tenantId} and p.id = v.id`);
}

export interface ScoreHistoryRow {
  profile_id: string;
  kind: 'ENGAGEMENT' | 'CHURN';
  score: number;
  level: string;
  factors: ScoreFactor[];
}

/** The profile_scores history rows of one rescore, in one INSERT. */
export async function writeScoreHistory(tx: Db, args: { tenantId: string; now: Date; history: ScoreHistoryRow[] }) {
  if (args.history.length === 0) return;
  await tx.execute(sql`
    insert into profile_scores (tenant_id, profile_id, kind, score, level, factors, scored_at)
    select ${args.tenantId}, v.profile_id, v.kind, v.score, v.level, v.factors, ${args.now.toISOString()}::timestamptz
    from jsonb_to_recordset(${JSON.stringify(args.history)}::jsonb)
      as v(profile_id uuid, kind text, score int, level text, factors jsonb)`);
}
