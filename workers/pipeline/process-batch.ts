import type { Database, Tx } from '@/server/db/client';
import { setScope } from '@/server/db/scope';
import { writeDeadLetter } from '@/server/dead-letters/store';
import { writeOutbox, type OutboundDraft } from '@/server/outbound/outbox';
import type { OutboundType } from '@/server/outbound/catalog';
import { writeScoreHistory } from '@/server/scoring/rescore';
import { updateMemberships } from '@/server/segments/membership';
import { SCORE_FIELDS } from './after-rescore';
import { applyEvent, type AppliedEvent } from './apply-event';
import { BatchState } from './batch-state';
import { resolveInBatch } from './batch-resolution';
import { prefetch, type Prepared } from './prefetch';
import { scoreBatch, type BatchScores } from './score-batch';
import { markSucceeded, type Success } from './sync-log';
import { loadTenants } from './tenant-cache';
import type { BatchOutcome, EventItem, PipelineItem } from './types';

/**
 * Runs a batch of events in ONE transaction with a fixed number of round trips for the common case: claim every
 * sync-log row and look up every identifier at once, lock and load the known profiles at once, apply each event in
 * order in memory (identity resolution only where an event brings something new), write profiles and activities
 * back together, then score and update segments once over every touched profile, and write the outbox and the
 * sync-log statuses. Either everything commits or nothing does; the batcher splits a failed batch so one bad
 * event never fails its neighbours.
 *
 * `yieldLocked`: events about people another transaction holds are not waited for but answered DEFERRED, untouched,
 * for the caller to submit again (see resolveInBatch).
 *
 * The pipeline's per-event and per-row work is written as loops and module-level functions rather than callbacks
 * made per batch (`items.map((i) => …)` inside a batch's function): V8 keeps a closure's optimised code only while a
 * closure of it is alive, so each batch's callbacks lost theirs at every full collection and were compiled again,
 * ~1,800 times in a 25-second backlog, at ~6 ms of a helper thread's CPU each (docs/performance-log.md).
 */
export async function processBatch(
  db: Database,
  items: PipelineItem[],
  { now = new Date(), yieldLocked = false }: { now?: Date; yieldLocked?: boolean } = {},
): Promise<BatchOutcome[]> {
  return db.transaction((tx: Tx) => runBatch(tx, items, now, yieldLocked));
}

async function runBatch(tx: Tx, items: PipelineItem[], now: Date, yieldLocked: boolean): Promise<BatchOutcome[]> {
  // The scope travels with the prefetch's statements (one round trip, see send); awaited with them below, and
  // marked handled here so that a failure before that point does not go unhandled.
  const scoped = setScope(tx, 'system');
  scoped.catch(() => {});
  const events: EventItem[] = [];
  const tenantIds: string[] = [];
  for (const i of items) {
    if (i.kind === 'event') {
      events.push(i);
      tenantIds.push(i.normalized.envelope.tenantId);
    } else if (i.deadLetter.tenantId) tenantIds.push(i.deadLetter.tenantId);
  }
  const tenants = await loadTenants(tx, tenantIds);
  const started = performance.now();
  const state = new BatchState(tx);
  const [, fetched] = await Promise.all([scoped, prefetch(tx, events, tenants, state)]);
  const prepared = new Map<EventItem, Prepared>();
  for (const p of fetched) prepared.set(p.item, p);
  const deferred = await resolveInBatch(tx, fetched, tenants, state, { yieldLocked });
  const prefetchMs = Math.round((performance.now() - started) * 100) / 100;

  const outcomes: (BatchOutcome | null)[] = [];
  const applied: { item: EventItem; result: AppliedEvent }[] = [];
  for (const item of items) {
    if (item.kind === 'dead') {
      // A tenant id that names no tenant is not an owner: such dead letters are for operators (CLI) only.
      const tenantId = item.deadLetter.tenantId && tenants.has(item.deadLetter.tenantId) ? item.deadLetter.tenantId : null;
      await writeDeadLetter(tx, { ...item.deadLetter, tenantId });
      outcomes.push({ status: 'DEAD_LETTERED', reason: item.deadLetter.reason });
      continue;
    }
    if (deferred.has(prepared.get(item)!)) {
      outcomes.push({ status: 'DEFERRED' });
      continue;
    }
    const result = await applyEvent(tx, state, prepared.get(item)!, tenants.get(item.normalized.envelope.tenantId));
    applied.push({ item, result });
    outcomes.push(null);
  }
  // Steps 5 and 6, once per tenant over every profile the batch touched: scores go into the held rows, the rows
  // are written once, then segments read them. Each write shares a round trip with the read that follows it.
  const scoringStarted = performance.now();
  const byTenant: TouchedByTenant = new Map();
  for (const { item, result } of applied) {
    if (result.status !== 'SUCCESS') continue;
    const tenantId = item.normalized.envelope.tenantId;
    const entry = byTenant.get(tenantId) ?? { profiles: new Set(), fields: new Set(), correlationId: item.normalized.envelope.id };
    for (const [profileId, fields] of result.touched) {
      entry.profiles.add(profileId);
      if (fields === 'all') entry.fields = 'all';
      else if (entry.fields !== 'all') for (const f of fields) entry.fields.add(f);
    }
    entry.correlationId = item.normalized.envelope.id;
    byTenant.set(tenantId, entry);
  }
  const [, scored] = await Promise.all([state.flushActivities(), scoreTenants(tx, state, byTenant, now)]);
  await Promise.all([state.flushProfiles(), updateTenantSegments(tx, byTenant, scored, now)]);
  const scoringMs = Math.round((performance.now() - scoringStarted) * 100) / 100;

  const outbound: OutboundDraft<OutboundType>[] = [];
  for (const { result } of applied) for (const o of result.outbound) outbound.push(o);
  for (const s of scored.values()) for (const o of s.outbound) outbound.push(o);
  const prefetchStep = { step: `prefetch (batch of ${events.length})`, ms: prefetchMs };
  const scoringStep = { step: `score_and_segments (batch of ${events.length})`, ms: scoringMs };
  const successes: Success[] = [];
  for (const { item, result } of applied) {
    if (result.status !== 'SUCCESS') continue;
    const { envelope } = item.normalized;
    result.activityId = state.activityIds.get(`${envelope.source}|${envelope.id}`) ?? null;
    successes.push({
      tenantId: envelope.tenantId,
      source: envelope.source,
      eventId: envelope.id,
      eventType: envelope.type,
      bodyHash: item.bodyHash,
      eventAt: envelope.timestamp,
      profileId: result.profileId,
      activityId: result.activityId,
      // In the order they ran (the event trace numbers them): the waits and parse before the batch, its prefetch,
      // this event's own steps, then the batch's scoring.
      steps: [...result.steps.slice(0, item.steps.length), prefetchStep, ...result.steps.slice(item.steps.length), scoringStep],
      warnings: result.warnings,
      seenBefore: prepared.get(item)!.seenBefore,
    });
  }
  // Independent writes: sent together (postgres-js pipelines them on the transaction's connection).
  const writes: Promise<unknown>[] = [writeOutbox(tx, outbound), markSucceeded(tx, successes)];
  for (const [tenantId, s] of scored) writes.push(writeScoreHistory(tx, { tenantId, now, history: s.history }));
  await Promise.all(writes);

  let next = 0;
  const answers: BatchOutcome[] = [];
  for (const o of outcomes) answers.push(o ?? outcomeOf(applied[next++].result));
  return answers;
}

type TouchedByTenant = Map<string, { profiles: Set<string>; fields: Set<string> | 'all'; correlationId: string }>;

/** Step 5 for each tenant of the batch: scores go into the held rows. */
async function scoreTenants(tx: Tx, state: BatchState, byTenant: TouchedByTenant, now: Date) {
  const scored = new Map<string, BatchScores>();
  for (const [tenantId, entry] of byTenant) {
    scored.set(tenantId, await scoreBatch(tx, state, { tenantId, profileIds: [...entry.profiles], now, correlationId: entry.correlationId }));
  }
  return scored;
}

/** Step 6 for each tenant of the batch, over the fields the batch changed (all score fields when a score moved). */
async function updateTenantSegments(tx: Tx, byTenant: TouchedByTenant, scored: Map<string, BatchScores>, now: Date) {
  for (const [tenantId, entry] of byTenant) {
    let touchedFields: string[] | 'all' = 'all';
    if (entry.fields !== 'all') {
      const touched = new Set(entry.fields);
      if (scored.get(tenantId)!.changes.size > 0) for (const f of SCORE_FIELDS) touched.add(f);
      touchedFields = [...touched];
    }
    await updateMemberships(tx, { tenantId, profileIds: [...entry.profiles], touchedFields, at: now, correlationId: entry.correlationId });
  }
}

function outcomeOf(result: AppliedEvent): BatchOutcome {
  if (result.status === 'SUCCESS') return { status: 'SUCCESS', profileId: result.profileId, activityId: result.activityId };
  if (result.status === 'DUPLICATE') return { status: 'DUPLICATE' };
  return { status: 'DEAD_LETTERED', reason: result.reason ?? 'unknown' };
}
