import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import type { OutboundDraft } from '../outbound/outbox';
import { writeOutbox } from '../outbound/outbox';

/**
 * Applying membership changes and recording them: every enter and exit writes a segment_membership_events row and
 * one `crm.segment.membership.changed` outbox event, in the caller's transaction. Only changes that really
 * happened are recorded: the insert / delete statements report what they did, so two transactions that race to
 * make the same change record it once.
 */

export type MembershipChangeKind = 'ENTERED' | 'EXITED';

export interface MembershipChange {
  segmentId: string;
  profileId: string;
  change: MembershipChangeKind;
}

export interface ChangeContext {
  tenantId: string;
  at: Date;
  /** The inbound event (or job) that caused the change; part of the outbound event's stable id. */
  correlationId: string | null;
}

const OUTBOX_CHUNK = 1000;

type Row = { segment_id: string; profile_id: string };

function columns(changes: MembershipChange[]) {
  return {
    segments: sql.param(changes.map((c) => c.segmentId)),
    profiles: sql.param(changes.map((c) => c.profileId)),
  };
}

const byKey = (a: MembershipChange, b: MembershipChange) =>
  a.segmentId < b.segmentId ? -1 : a.segmentId > b.segmentId ? 1 : a.profileId < b.profileId ? -1 : a.profileId > b.profileId ? 1 : 0;

/** Deletes exits and inserts enters; returns the changes that took effect (already recorded). */
export async function applyChanges(tx: Db, ctx: ChangeContext, wanted: MembershipChange[]): Promise<MembershipChange[]> {
  const applied: MembershipChange[] = [];
  // Writers that overlap (pipeline batches, a recompute batch) then mostly lock rows in the same order, which keeps
  // deadlocks rare; the rare one fails a transaction that is retried (pipeline) or a job that is retried (recompute).
  const sorted = [...wanted].sort(byKey);
  const exits = sorted.filter((c) => c.change === 'EXITED');
  const enters = sorted.filter((c) => c.change === 'ENTERED');
  if (exits.length > 0) {
    const { segments, profiles } = columns(exits);
    const rows = await tx.execute<Row>(sql`
      delete from segment_memberships m
      using unnest(${segments}::uuid[], ${profiles}::uuid[]) as x(segment_id, profile_id)
      where m.tenant_id = ${ctx.tenantId} and m.segment_id = x.segment_id and m.profile_id = x.profile_id
      returning m.segment_id, m.profile_id`);
    applied.push(...rows.map((r) => ({ segmentId: r.segment_id, profileId: r.profile_id, change: 'EXITED' as const })));
  }
  if (enters.length > 0) {
    const { segments, profiles } = columns(enters);
    const rows = await tx.execute<Row>(sql`
      insert into segment_memberships (tenant_id, segment_id, profile_id, joined_at)
      select ${ctx.tenantId}, x.segment_id, x.profile_id, ${ctx.at.toISOString()}::timestamptz
      from unnest(${segments}::uuid[], ${profiles}::uuid[]) as x(segment_id, profile_id)
      on conflict do nothing
      returning segment_id, profile_id`);
    applied.push(...rows.map((r) => ({ segmentId: r.segment_id, profileId: r.profile_id, change: 'ENTERED' as const })));
  }
  await recordChanges(tx, ctx, applied);
  return applied;
}

/**
 * Writes history rows and outbox events for changes already applied. memberCount is the segment's count after
 * the changes of this call (counted live: no shared counter row is updated per event).
 */
export async function recordChanges(tx: Db, ctx: ChangeContext, applied: MembershipChange[]): Promise<void> {
  if (applied.length === 0) return;
  const segmentIds = [...new Set(applied.map((c) => c.segmentId))];
  const info = await tx.execute<{ id: string; name: string; member_count: number }>(sql`
    select s.id, s.name, (select count(*)::int from segment_memberships m where m.segment_id = s.id) as member_count
    from segments s
    where s.tenant_id = ${ctx.tenantId} and s.id = any(${sql.param(segmentIds)}::uuid[])`);
  const bySegment = new Map(info.map((s) => [s.id, s]));
  const counts = applied.map((c) => bySegment.get(c.segmentId)?.member_count ?? 0);
  const { segments, profiles } = columns(applied);
  await tx.execute(sql`
    insert into segment_membership_events (tenant_id, segment_id, profile_id, change, member_count, changed_at)
    select ${ctx.tenantId}, x.segment_id, x.profile_id, x.change, x.member_count, ${ctx.at.toISOString()}::timestamptz
    from unnest(${segments}::uuid[], ${profiles}::uuid[], ${sql.param(applied.map((c) => c.change))}::text[],
      ${sql.param(counts)}::int[]) as x(segment_id, profile_id, change, member_count)`);

  const changedAt = ctx.at.toISOString();
  const drafts: OutboundDraft<'crm.segment.membership.changed'>[] = applied.map((c, i) => ({
    tenantId: ctx.tenantId,
    type: 'crm.segment.membership.changed',
    correlationId: ctx.correlationId,
    // Without a causing event the time keeps a later enter/exit of the same pair from reusing the id.
    key: `${c.segmentId}|${c.profileId}|${c.change}${ctx.correlationId ? '' : `|${changedAt}`}`,
    at: ctx.at,
    payload: {
      segmentId: c.segmentId,
      segmentName: bySegment.get(c.segmentId)?.name ?? '',
      profileId: c.profileId,
      change: c.change,
      memberCount: counts[i],
      changedAt,
    },
  }));
  for (let i = 0; i < drafts.length; i += OUTBOX_CHUNK) {
    await writeOutbox(tx, drafts.slice(i, i + OUTBOX_CHUNK));
  }
}
