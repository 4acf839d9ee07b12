import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { profiles, segments } from '../db/schema';
import { logger } from '../logger';
import { applyChanges, type ChangeContext, type MembershipChange } from './changes';
import { eligibleProfiles, compileCriteria } from './compile';
import { fieldsOf, validateCriteria, type Criteria } from './criteria';

/**
 * Keeping membership current. The pipeline calls updateMemberships in each event's transaction; only dynamic
 * segments that read a field the event touched are evaluated, all of them in one query restricted to the
 * affected profiles. Member counts are not updated here (a per-segment counter row would serialise concurrent
 * transactions): refreshMemberCounts keeps segments.member_count current in the background.
 */

export interface LiveSegment {
  id: string;
  name: string;
  fields: string[];
  criteria: Criteria;
}

/** How long a process trusts its copy of a tenant's segment definitions. */
export const SEGMENT_CACHE_TTL_MS = 5_000;
const cache = new Map<string, { expiresAt: number; segments: LiveSegment[] }>();

/** Drop the cached definitions (of one tenant, or all): call after creating, changing or deleting a segment. */
export function invalidateSegmentCache(tenantId?: string): void {
  if (tenantId) cache.delete(tenantId);
  else cache.clear();
}

/** The tenant's dynamic segments with checked criteria, cached per process for SEGMENT_CACHE_TTL_MS. */
export async function dynamicSegments(db: Db, tenantId: string): Promise<LiveSegment[]> {
  const hit = cache.get(tenantId);
  if (hit && hit.expiresAt > Date.now()) return hit.segments;
  const rows = await db
    .select({ id: segments.id, name: segments.name, criteria: segments.criteria })
    .from(segments)
    .where(and(eq(segments.tenantId, tenantId), eq(segments.type, 'DYNAMIC')));
  const live: LiveSegment[] = [];
  for (const row of rows) {
    const checked = validateCriteria(row.criteria);
    if (!checked.ok) {
      // A definition that no longer validates is skipped, not allowed to break every event of the tenant.
      logger.warn({ segmentId: row.id, errors: checked.errors }, 'segment criteria invalid; segment not evaluated');
      continue;
    }
    live.push({ id: row.id, name: row.name, criteria: checked.criteria, fields: fieldsOf(checked.criteria) });
  }
  cache.set(tenantId, { expiresAt: Date.now() + SEGMENT_CACHE_TTL_MS, segments: live });
  return live;
}

/** Segments an update must re-evaluate. Status decides eligibility, so a status change concerns every segment. */
export function segmentsTouchedBy(all: LiveSegment[], touchedFields: string[] | 'all'): LiveSegment[] {
  if (touchedFields === 'all' || touchedFields.includes('status')) return all;
  const touched = new Set(touchedFields);
  return all.filter((s) => s.fields.some((f) => touched.has(f)));
}

/**
 * The membership changes that evaluating `segmentList` over the profiles selected by `profileFilter` calls for:
 * one scan of those profiles, every segment's predicate evaluated per row (LATERAL VALUES), compared with the
 * current memberships.
 */
export async function evaluateChanges(
  tx: Db,
  tenantId: string,
  segmentList: LiveSegment[],
  profileFilter: SQL,
  now: Date,
): Promise<MembershipChange[]> {
  if (segmentList.length === 0) return [];
  const eligible = eligibleProfiles(tenantId);
  const tests = segmentList.map(
    (s) => sql`(${s.id}::uuid, coalesce(${eligible} and ${compileCriteria(s.criteria, { now })}, false))`,
  );
  const rows = await tx.execute<{ segment_id: string; profile_id: string; matches: boolean }>(sql`
    with evaluated as (
      select ${profiles.id} as profile_id, v.segment_id, v.matches
      from ${profiles}
      cross join lateral (values ${sql.join(tests, sql`, `)}) as v(segment_id, matches)
      where ${profiles.tenantId} = ${tenantId} and ${profileFilter}
    )
    select e.segment_id, e.profile_id, e.matches
    from evaluated e
    left join segment_memberships m on m.segment_id = e.segment_id and m.profile_id = e.profile_id
    where e.matches <> (m.profile_id is not null)`);
  return rows.map((r) => ({
    segmentId: r.segment_id,
    profileId: r.profile_id,
    change: r.matches ? ('ENTERED' as const) : ('EXITED' as const),
  }));
}

export interface UpdateMembershipsInput {
  tenantId: string;
  profileIds: string[];
  /** Profile fields (registry names) the caller changed, or 'all' for a new or merged profile. */
  touchedFields: string[] | 'all';
  /** Time of the change (joinedAt, changedAt of the history and outbound events). */
  at: Date;
  correlationId: string | null;
  /** "Now" of withinLastDays rules; defaults to the current time (not `at`, which may be an old event's time). */
  now?: Date;
}

export interface MembershipCounts {
  entered: number;
  exited: number;
}

function count(applied: MembershipChange[]): MembershipCounts {
  const entered = applied.filter((c) => c.change === 'ENTERED').length;
  return { entered, exited: applied.length - entered };
}

/**
 * Re-evaluates the dynamic segments that read any touched field for these profiles, in the caller's transaction:
 * enters and exits are applied, recorded and written to the outbox.
 */
export async function updateMemberships(tx: Db, input: UpdateMembershipsInput): Promise<MembershipCounts> {
  if (input.profileIds.length === 0) return { entered: 0, exited: 0 };
  const affected = segmentsTouchedBy(await dynamicSegments(tx, input.tenantId), input.touchedFields);
  if (affected.length === 0) return { entered: 0, exited: 0 };
  const filter = sql`${profiles.id} = any(${sql.param(input.profileIds)}::uuid[])`;
  const wanted = await evaluateChanges(tx, input.tenantId, affected, filter, input.now ?? new Date());
  const applied = await applyChanges(tx, contextOf(input), wanted);
  return count(applied);
}

function contextOf(input: { tenantId: string; at: Date; correlationId: string | null }): ChangeContext {
  return { tenantId: input.tenantId, at: input.at, correlationId: input.correlationId };
}

export interface LeaveAllInput {
  tenantId: string;
  profileId: string;
  at: Date;
  correlationId: string | null;
}

/** The profile leaves every segment it is in, static and dynamic (merged away or erased); each exit is recorded. */
export async function leaveAllSegments(tx: Db, input: LeaveAllInput): Promise<{ exited: number }> {
  const current = await tx.execute<{ segment_id: string }>(sql`
    select segment_id from segment_memberships where tenant_id = ${input.tenantId} and profile_id = ${input.profileId}`);
  const wanted = current.map((r) => ({ segmentId: r.segment_id, profileId: input.profileId, change: 'EXITED' as const }));
  const applied = await applyChanges(tx, contextOf(input), wanted);
  return { exited: applied.length };
}

export interface MergeMembershipsInput {
  tenantId: string;
  winnerId: string;
  loserId: string;
  at: Date;
  correlationId: string | null;
  /** "Now" of withinLastDays rules for the winner's re-evaluation; defaults to the current time. */
  now?: Date;
  /**
   * Re-evaluate the winner against the dynamic segments here (default true). A caller that re-evaluates the
   * winner later in the same transaction (after updating its fields) passes false, so no passing enter/exit pair
   * is recorded from the half-merged state.
   */
  reevaluateWinner?: boolean;
}

/**
 * Segment side of a merge (§6): the loser leaves all its segments, the winner takes over the loser's hand-picked
 * (static) memberships and is re-evaluated against every dynamic segment (unless `reevaluateWinner: false`).
 * Memberships are keyed by (segment, profile), so nobody is counted twice.
 */
export async function moveMembershipsOnMerge(tx: Db, input: MergeMembershipsInput): Promise<MembershipCounts> {
  const staticOfLoser = await tx.execute<{ segment_id: string }>(sql`
    select m.segment_id from segment_memberships m
    join segments s on s.id = m.segment_id and s.type = 'STATIC'
    where m.tenant_id = ${input.tenantId} and m.profile_id = ${input.loserId}`);
  const { exited } = await leaveAllSegments(tx, { ...input, profileId: input.loserId });
  const joined = await applyChanges(
    tx,
    contextOf(input),
    staticOfLoser.map((r) => ({ segmentId: r.segment_id, profileId: input.winnerId, change: 'ENTERED' as const })),
  );
  if (input.reevaluateWinner === false) return { entered: joined.length, exited };
  const winner = await updateMemberships(tx, {
    tenantId: input.tenantId,
    profileIds: [input.winnerId],
    touchedFields: 'all',
    at: input.at,
    correlationId: input.correlationId,
    now: input.now,
  });
  return { entered: joined.length + winner.entered, exited: exited + winner.exited };
}

/**
 * Brings segments.member_count (and last_change_at) up to date from the memberships; only rows that differ are
 * written. Cheap enough to run every few seconds; returns how many segments changed.
 */
export async function refreshMemberCounts(db: Db, tenantId?: string): Promise<number> {
  const scope = tenantId ? sql`s2.tenant_id = ${tenantId}` : sql`true`;
  const rows = await db.execute(sql`
    update segments s
    set member_count = c.member_count, last_change_at = coalesce(c.last_change_at, s.last_change_at)
    from (
      select s2.id,
        (select count(*)::int from segment_memberships m where m.segment_id = s2.id) as member_count,
        (select max(e.changed_at) from segment_membership_events e where e.segment_id = s2.id) as last_change_at
      from segments s2
      where ${scope}
    ) c
    where s.id = c.id
      and (s.member_count <> c.member_count
        or coalesce(c.last_change_at, s.last_change_at) is distinct from s.last_change_at)
    returning s.id`);
  return rows.length;
}
