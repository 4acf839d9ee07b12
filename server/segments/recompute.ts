import { and, count, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client';
import { withTenant } from '../db/scope';
import { profiles, segments } from '../db/schema';
import { applyChanges, type ChangeContext, type MembershipChange } from './changes';
import { fieldsOf, usesRelativeDates, validateCriteria } from './criteria';
import { SegmentError, segmentNotFound } from './errors';
import { evaluateChanges, refreshMemberCounts } from './membership';

/**
 * Full recompute of one segment after its definition changed. Set-based: profiles are walked in id order in
 * batches, each batch one transaction that evaluates the predicate in SQL, diffs against the memberships and
 * records every enter and exit. Progress is written to the segment row (recomputeStatus / recomputeProgress).
 * Every statement runs in the tenant's scope (row-level security), each batch in a transaction of its own.
 */

export interface RecomputeProgress {
  processed: number;
  total: number;
  percent: number;
}

export interface RecomputeInput {
  tenantId: string;
  segmentId: string;
  /** "Now" for withinLastDays rules and the time of the recorded changes. */
  now: Date;
  onProgress?: (progress: RecomputeProgress) => void | Promise<void>;
  /** Profiles per batch (and per transaction). */
  batchSize?: number;
  /** Cause recorded on the outbound events; defaults to one per run. */
  correlationId?: string;
}

export interface RecomputeResult {
  entered: number;
  exited: number;
  memberCount: number;
}

const DEFAULT_BATCH = 20_000;

async function setStatus(db: Db, segmentId: string, values: Partial<typeof segments.$inferInsert>) {
  await db.update(segments).set(values).where(eq(segments.id, segmentId));
}

export async function recomputeSegment(db: Db, input: RecomputeInput): Promise<RecomputeResult> {
  const { tenantId, segmentId, now } = input;
  const inTenant = <T>(fn: (tx: Tx) => Promise<T>) => withTenant(db, tenantId, fn);
  const [segment] = await inTenant((tx) =>
    tx
      .select()
      .from(segments)
      .where(and(eq(segments.tenantId, tenantId), eq(segments.id, segmentId))),
  );
  if (!segment) throw segmentNotFound(segmentId);
  if (segment.type === 'STATIC') {
    // Hand-picked lists have nothing to evaluate; only their count is brought up to date.
    return inTenant(async (tx) => {
      await refreshMemberCounts(tx, tenantId);
      return { entered: 0, exited: 0, memberCount: await liveCount(tx, segmentId) };
    });
  }
  const checked = validateCriteria(segment.criteria);
  if (!checked.ok) {
    await inTenant((tx) => setStatus(tx, segmentId, { recomputeStatus: 'FAILED' }));
    throw new SegmentError('invalid_criteria', `Segment ${segment.name} has invalid criteria`, checked.errors);
  }
  const live = { id: segment.id, name: segment.name, criteria: checked.criteria, fields: fieldsOf(checked.criteria) };
  const ctx: ChangeContext = {
    tenantId,
    at: now,
    correlationId: input.correlationId ?? `segment-recompute:${segmentId}:${now.toISOString()}`,
  };
  const batchSize = input.batchSize ?? DEFAULT_BATCH;

  await inTenant((tx) => setStatus(tx, segmentId, { recomputeStatus: 'RUNNING', recomputeProgress: 0 }));
  try {
    const [{ total }] = await inTenant((tx) => tx.select({ total: count() }).from(profiles).where(eq(profiles.tenantId, tenantId)));
    let entered = 0;
    let exited = 0;
    const tally = (applied: MembershipChange[]) => {
      for (const c of applied) {
        if (c.change === 'ENTERED') entered += 1;
        else exited += 1;
      }
    };
    let after: string | null = null;
    let processed = 0;
    for (;;) {
      const batch: { upTo: string | null } = await inTenant(async (tx) => {
        const from = after ? sql`${profiles.id} > ${after}::uuid` : sql`true`;
        // The batch's last id; null when fewer than batchSize profiles remain (the final batch).
        const [edge] = await tx
          .select({ id: profiles.id })
          .from(profiles)
          .where(and(eq(profiles.tenantId, tenantId), from))
          .orderBy(profiles.id)
          .offset(batchSize - 1)
          .limit(1);
        const to = edge ? sql`${profiles.id} <= ${edge.id}::uuid` : sql`true`;
        const wanted = await evaluateChanges(tx, tenantId, [live], sql`${from} and ${to}`, now);
        tally(await applyChanges(tx, ctx, wanted));
        return { upTo: edge?.id ?? null };
      });
      processed = batch.upTo ? Math.min(processed + batchSize, total) : total;
      const percent = total === 0 ? 100 : Math.floor((processed / total) * 100);
      await inTenant((tx) => setStatus(tx, segmentId, { recomputeProgress: percent }));
      await input.onProgress?.({ processed, total, percent });
      if (!batch.upTo) break;
      after = batch.upTo;
    }
    // Memberships whose profile row no longer exists at all.
    tally(
      await inTenant(async (tx) => {
        const orphans = await tx.execute<{ profile_id: string }>(sql`
          select m.profile_id from segment_memberships m
          where m.segment_id = ${segmentId}
            and not exists (select 1 from profiles p where p.id = m.profile_id and p.tenant_id = ${tenantId})`);
        const wanted = orphans.map((o) => ({ segmentId, profileId: o.profile_id, change: 'EXITED' as const }));
        return applyChanges(tx, ctx, wanted);
      }),
    );
    const memberCount = await inTenant(async (tx) => {
      const live = await liveCount(tx, segmentId);
      await setStatus(tx, segmentId, {
        recomputeStatus: 'IDLE',
        recomputeProgress: 100,
        memberCount: live,
        ...(entered + exited > 0 ? { lastChangeAt: now } : {}),
      });
      return live;
    });
    return { entered, exited, memberCount };
  } catch (error) {
    await inTenant((tx) => setStatus(tx, segmentId, { recomputeStatus: 'FAILED' })).catch(() => {});
    throw error;
  }
}

/** Dynamic segments (of one tenant, or all) whose rules count back from now: the clock alone changes them. */
export async function timeRelativeSegments(db: Db, tenantId?: string): Promise<{ tenantId: string; segmentId: string }[]> {
  const rows = await db
    .select({ tenantId: segments.tenantId, segmentId: segments.id, criteria: segments.criteria })
    .from(segments)
    .where(and(eq(segments.type, 'DYNAMIC'), tenantId ? eq(segments.tenantId, tenantId) : undefined));
  return rows
    .filter((r) => {
      const checked = validateCriteria(r.criteria);
      return checked.ok && usesRelativeDates(checked.criteria);
    })
    .map(({ tenantId: t, segmentId }) => ({ tenantId: t, segmentId }));
}

async function liveCount(db: Db, segmentId: string): Promise<number> {
  const [row] = await db.execute<{ n: number }>(
    sql`select count(*)::int as n from segment_memberships where segment_id = ${segmentId}`,
  );
  return row.n;
}
