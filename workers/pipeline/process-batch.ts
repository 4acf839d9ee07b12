import type { Database, Tx } from '@/server/db/client';
import { writeDeadLetter } from '@/server/dead-letters/store';
import { writeOutbox, type OutboundDraft } from '@/server/outbound/outbox';
import type { OutboundType } from '@/server/outbound/catalog';
import { syncAdvocateStage } from '@/server/profiles/lifecycle';
import { rescoreProfiles } from '@/server/scoring/rescore';
import { updateMemberships } from '@/server/segments/membership';
import { SCORE_FIELDS } from './after-rescore';
import { applyEvent, type AppliedEvent } from './apply-event';
import { markSucceeded, type Success } from './sync-log';
import { loadTenants } from './tenant-cache';
import type { ItemOutcome, PipelineItem } from './types';


/**
 * Runs a batch of events in ONE transaction: each event's steps in order, then scoring and segment membership once
 * over every profile the batch touched, then every outbox row and sync-log status. Either everything commits or
 * nothing does; the batcher splits a failed batch so one bad event never fails its neighbours.
 */
export async function processBatch(db: Database, items: PipelineItem[], now = new Date()): Promise<ItemOutcome[]> {
  return db.transaction(async (tx: Tx) => {
    const outcomes: ItemOutcome[] = [];
    const tenantIds = items.flatMap((i) => (i.kind === 'event' ? [i.normalized.envelope.tenantId] : []));
    const tenants = await loadTenants(tx, tenantIds);

    const applied: { item: PipelineItem; result: AppliedEvent }[] = [];
    for (const item of items) {
      if (item.kind === 'dead') {
        await writeDeadLetter(tx, item.deadLetter);
        outcomes.push({ status: 'DEAD_LETTERED', reason: item.deadLetter.reason });
        continue;
      }
      const result = await applyEvent(tx, item, tenants.get(item.normalized.envelope.tenantId));
      applied.push({ item, result });
      if (result.status === 'SUCCESS') {
        outcomes.push({ status: 'SUCCESS', profileId: result.profileId, activityId: result.activityId });
      } else if (result.status === 'DUPLICATE') {
        outcomes.push({ status: 'DUPLICATE' });
      } else {
        outcomes.push({ status: 'DEAD_LETTERED', reason: result.reason ?? 'unknown' });
      }
    }

    // Steps 5 and 6, once per tenant over every profile the batch touched.
    const byTenant = new Map<string, { profiles: Set<string>; fields: Set<string> | 'all'; correlationId: string }>();
    for (const { item, result } of applied) {
      if (result.status !== 'SUCCESS' || item.kind !== 'event') continue;
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
    const started = performance.now();
    const outbound: OutboundDraft<OutboundType>[] = applied.flatMap(({ result }) => result.outbound);
    for (const [tenantId, entry] of byTenant) {
      const profileIds = [...entry.profiles];
      const scoreChanges = await rescoreProfiles(tx, {
        tenantId,
        profileIds,
        now,
        correlationId: entry.correlationId,
        emitProfileUpdated: true,
      });
      await syncAdvocateStage(tx, { tenantId, profileIds });
      let touchedFields: string[] | 'all' = 'all';
      if (entry.fields !== 'all') {
        const touched = new Set(entry.fields);
        if (scoreChanges.size > 0) for (const f of SCORE_FIELDS) touched.add(f);
        touchedFields = [...touched];
      }
      await updateMemberships(tx, {
        tenantId,
        profileIds,
        touchedFields,
        at: now,
        correlationId: entry.correlationId,
      });
    }
    const batchMs = Math.round((performance.now() - started) * 100) / 100;

    await writeOutbox(tx, outbound);
    const successes: Success[] = applied
      .filter(({ result }) => result.status === 'SUCCESS')
      .map(({ item, result }) => {
        const { envelope } = (item as Extract<PipelineItem, { kind: 'event' }>).normalized;
        return {
          source: envelope.source,
          eventId: envelope.id,
          profileId: result.profileId,
          activityId: result.activityId,
          steps: [...result.steps, { step: `score_and_segments (batch of ${applied.length})`, ms: batchMs }],
          warnings: result.warnings,
        };
      });
    await markSucceeded(tx, successes);
    return outcomes;
  });
}
