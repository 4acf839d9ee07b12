import { and, asc, count, desc, eq, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database, Db } from '../db/client';
import { profiles, segmentMembershipEvents, segmentMemberships, segments, type Segment } from '../db/schema';
import { withTenant } from '../db/scope';
import { segmentWhere } from './compile';
import { fieldsOf, validateCriteria, type Criteria } from './criteria';
import { SegmentError, segmentNotFound } from './errors';
import { invalidateSegmentCache } from './membership';
import { isSystemSegmentName } from './system';

/**
 * Segment definitions and reads. Every function takes the tenant explicitly; another tenant's segment id answers
 * "not found". After creating a DYNAMIC segment or changing its criteria (`needsRecompute`), the caller enqueues
 * the background recompute (workers/segment-recompute.ts).
 */

const isUuid = (id: string) => z.uuid().safeParse(id).success;

const nameSchema = z.string().trim().min(1, 'name is required').max(120, 'name is at most 120 characters');
const descriptionSchema = z.string().trim().max(1000, 'description is at most 1000 characters').nullable();

function checkedCriteria(input: unknown): Criteria {
  const result = validateCriteria(input);
  if (!result.ok) {
    throw new SegmentError('invalid_criteria', result.errors.map((e) => e.message).join('; '), result.errors);
  }
  return result.criteria;
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new SegmentError('invalid_input', `${what}: ${result.error.issues[0].message}`);
  return result.data;
}

async function assertNameFree(db: Db, tenantId: string, name: string, exceptId?: string) {
  if (isSystemSegmentName(name)) {
    throw new SegmentError('name_taken', `"${name}" is the name of a built-in segment`);
  }
  const [clash] = await db
    .select({ id: segments.id })
    .from(segments)
    .where(
      and(
        eq(segments.tenantId, tenantId),
        sql`lower(${segments.name}) = lower(${name})`,
        exceptId ? ne(segments.id, exceptId) : undefined,
      ),
    );
  if (clash) throw new SegmentError('name_taken', `A segment named "${name}" already exists`);
}

export async function getSegment(db: Db, input: { tenantId: string; segmentId: string }): Promise<Segment> {
  if (!isUuid(input.segmentId)) throw segmentNotFound(input.segmentId);
  const [segment] = await db
    .select()
    .from(segments)
    .where(and(eq(segments.tenantId, input.tenantId), eq(segments.id, input.segmentId)));
  if (!segment) throw segmentNotFound(input.segmentId);
  return segment;
}

/** The tenant's segments, system ones first; memberCount is the periodically refreshed figure. */
export async function listSegments(db: Db, input: { tenantId: string }): Promise<Segment[]> {
  return db
    .select()
    .from(segments)
    .where(eq(segments.tenantId, input.tenantId))
    .orderBy(desc(segments.isSystem), asc(segments.name));
}

export interface CreateSegmentInput {
  tenantId: string;
  name: string;
  description?: string | null;
  type: 'STATIC' | 'DYNAMIC';
  /** Required for DYNAMIC, must be absent for STATIC. */
  criteria?: unknown;
  createdBy: string | null;
}

export interface SegmentWrite {
  segment: Segment;
  /** True when the member list must be (re)computed: enqueue the recompute job. */
  needsRecompute: boolean;
}

export async function createSegment(db: Db, input: CreateSegmentInput): Promise<SegmentWrite> {
  const name = parse(nameSchema, input.name, 'Segment name');
  const description = parse(descriptionSchema, input.description ?? null, 'Description');
  const type = parse(z.enum(['STATIC', 'DYNAMIC']), input.type, 'Segment type');
  let criteria: Criteria | null = null;
  if (type === 'DYNAMIC') criteria = checkedCriteria(input.criteria);
  else if (input.criteria !== undefined && input.criteria !== null) {
    throw new SegmentError('invalid_input', 'A static segment has no rules; leave criteria out');
  }
  await assertNameFree(db, input.tenantId, name);
  const [segment] = await db
    .insert(segments)
    .values({
      tenantId: input.tenantId,
      name,
      description,
      type,
      criteria,
      fields: criteria ? fieldsOf(criteria) : [],
      createdBy: input.createdBy,
    })
    .returning();
  invalidateSegmentCache(input.tenantId);
  return { segment, needsRecompute: type === 'DYNAMIC' };
}

export interface UpdateSegmentInput {
  tenantId: string;
  segmentId: string;
  name?: string;
  description?: string | null;
  /** New rules (DYNAMIC segments only). */
  criteria?: unknown;
}

/** Changes name, description or rules. Built-in segments keep their name; a segment's type never changes. */
export async function updateSegment(db: Db, input: UpdateSegmentInput): Promise<SegmentWrite> {
  const current = await getSegment(db, input);
  const changes: Partial<typeof segments.$inferInsert> = { updatedAt: new Date() };
  if (input.name !== undefined) {
    const name = parse(nameSchema, input.name, 'Segment name');
    if (name !== current.name) {
      if (current.isSystem) throw new SegmentError('system_segment', `The built-in segment "${current.name}" cannot be renamed`);
      await assertNameFree(db, input.tenantId, name, current.id);
      changes.name = name;
    }
  }
  if (input.description !== undefined) changes.description = parse(descriptionSchema, input.description, 'Description');
  let needsRecompute = false;
  if (input.criteria !== undefined) {
    if (current.type === 'STATIC') throw new SegmentError('wrong_type', 'A static segment has no rules');
    const criteria = checkedCriteria(input.criteria);
    // Both sides rebuilt by the validator, so key order (which jsonb does not keep) cannot differ.
    const before = validateCriteria(current.criteria);
    needsRecompute = !before.ok || JSON.stringify(criteria) !== JSON.stringify(before.criteria);
    changes.criteria = criteria;
    changes.fields = fieldsOf(criteria);
  }
  const [segment] = await db
    .update(segments)
    .set(changes)
    .where(and(eq(segments.tenantId, input.tenantId), eq(segments.id, current.id)))
    .returning();
  invalidateSegmentCache(input.tenantId);
  return { segment, needsRecompute };
}

/** Deletes a segment with its memberships and history. Built-in segments refuse. */
export async function deleteSegment(db: Db, input: { tenantId: string; segmentId: string }): Promise<void> {
  const segment = await getSegment(db, input);
  if (segment.isSystem) {
    throw new SegmentError('system_segment', `"${segment.name}" is a built-in segment and cannot be deleted`);
  }
  await db.delete(segments).where(and(eq(segments.tenantId, input.tenantId), eq(segments.id, segment.id)));
  invalidateSegmentCache(input.tenantId);
}

/** Live member count (not the periodically refreshed segments.member_count). */
export async function countSegment(db: Db, input: { tenantId: string; segmentId: string }): Promise<number> {
  const segment = await getSegment(db, input);
  const [row] = await db
    .select({ n: count() })
    .from(segmentMemberships)
    .where(and(eq(segmentMemberships.tenantId, input.tenantId), eq(segmentMemberships.segmentId, segment.id)));
  return row.n;
}

export interface PreviewInput {
  tenantId: string;
  /** Unchecked criteria from the builder; invalid ones throw SegmentError('invalid_criteria'). */
  criteria: unknown;
  now: Date;
  sampleSize?: number;
}

export interface MemberSample {
  id: string;
  displayName: string | null;
  email: string | null;
  membershipTier: string | null;
  handicap: number | null;
}

/** How many profiles the criteria select right now, and a few of them, without saving anything. */
export async function previewSegment(db: Db, input: PreviewInput): Promise<{ count: number; sample: MemberSample[] }> {
  const where = segmentWhere(input.tenantId, checkedCriteria(input.criteria), input.now);
  const sampleSize = Math.max(0, Math.min(input.sampleSize ?? 10, 100));
  const [[{ n }], sample] = await Promise.all([
    db.select({ n: count() }).from(profiles).where(where),
    db
      .select({
        id: profiles.id,
        displayName: profiles.displayName,
        email: profiles.email,
        membershipTier: profiles.membershipTier,
        handicap: profiles.handicap,
      })
      .from(profiles)
      .where(where)
      .orderBy(sql`${profiles.lastActivityAt} desc nulls last`, asc(profiles.id))
      .limit(sampleSize),
  ]);
  return { count: n, sample };
}

export interface PageInput {
  skip?: number;
  take?: number;
}

const page = (input: PageInput) => ({
  offset: Math.max(0, input.skip ?? 0),
  limit: Math.max(1, Math.min(input.take ?? 25, 100)),
});

const memberColumns = {
  id: profiles.id,
  displayName: profiles.displayName,
  firstName: profiles.firstName,
  lastName: profiles.lastName,
  email: profiles.email,
  phoneNumber: profiles.phoneNumber,
  membershipStatus: profiles.membershipStatus,
  membershipTier: profiles.membershipTier,
  handicap: profiles.handicap,
  engagementScore: profiles.engagementScore,
  churnRiskScore: profiles.churnRiskScore,
  lastActivityAt: profiles.lastActivityAt,
  joinedAt: segmentMemberships.joinedAt,
};

/** One page of a segment's members, newest members first. */
export async function listSegmentMembers(db: Db, input: { tenantId: string; segmentId: string } & PageInput) {
  const segment = await getSegment(db, input);
  const { offset, limit } = page(input);
  const where = and(eq(segmentMemberships.tenantId, input.tenantId), eq(segmentMemberships.segmentId, segment.id));
  const [rows, [{ total }]] = await Promise.all([
    db
      .select(memberColumns)
      .from(segmentMemberships)
      .innerJoin(profiles, eq(profiles.id, segmentMemberships.profileId))
      .where(where)
      .orderBy(desc(segmentMemberships.joinedAt), asc(profiles.id))
      .offset(offset)
      .limit(limit),
    db.select({ total: count() }).from(segmentMemberships).where(where),
  ]);
  return { rows, total };
}

/** The segments a person is in now. */
export async function listProfileSegments(db: Db, input: { tenantId: string; profileId: string }) {
  if (!isUuid(input.profileId)) return [];
  return db
    .select({ id: segments.id, name: segments.name, type: segments.type, isSystem: segments.isSystem, joinedAt: segmentMemberships.joinedAt })
    .from(segmentMemberships)
    .innerJoin(segments, eq(segments.id, segmentMemberships.segmentId))
    .where(and(eq(segmentMemberships.tenantId, input.tenantId), eq(segmentMemberships.profileId, input.profileId)))
    .orderBy(asc(segments.name));
}

/** Enter/exit history of one segment or one person (or both), newest first. */
export async function listMembershipHistory(
  db: Db,
  input: { tenantId: string; segmentId?: string; profileId?: string } & PageInput,
) {
  if ((input.segmentId && !isUuid(input.segmentId)) || (input.profileId && !isUuid(input.profileId))) {
    return { rows: [], total: 0 };
  }
  const e = segmentMembershipEvents;
  const where = and(
    eq(e.tenantId, input.tenantId),
    input.segmentId ? eq(e.segmentId, input.segmentId) : undefined,
    input.profileId ? eq(e.profileId, input.profileId) : undefined,
  );
  const { offset, limit } = page(input);
  const [rows, [{ total }]] = await Promise.all([
    db
      .select({
        segmentId: e.segmentId,
        segmentName: segments.name,
        profileId: e.profileId,
        change: e.change,
        memberCount: e.memberCount,
        changedAt: e.changedAt,
      })
      .from(e)
      .innerJoin(segments, eq(segments.id, e.segmentId))
      .where(where)
      .orderBy(desc(e.changedAt), desc(e.id))
      .offset(offset)
      .limit(limit),
    db.select({ total: count() }).from(e).where(where),
  ]);
  return { rows, total };
}

export interface MemberExportRow {
  id: string;
  displayName: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phoneNumber: string | null;
  membershipStatus: string | null;
  membershipTier: string | null;
  handicap: string | null;
  engagementScore: number | null;
  churnRiskScore: number | null;
  /** ISO-like timestamp text as Postgres prints it. */
  joinedAt: string;
}

/**
 * Every member of a segment as an async stream, `batchSize` rows at a time in profile id order, for CSV export
 * without holding the list in memory. Each page is its own short transaction in the tenant's scope (a stream that
 * outlives the request's transaction must not hold one open while a slow client downloads), so it takes the
 * database, not a transaction. The tenant check runs before the first row, so a foreign id rejects on the first
 * iteration.
 */
export async function* streamSegmentMembers(
  db: Database,
  input: { tenantId: string; segmentId: string; batchSize?: number },
): AsyncIterable<MemberExportRow> {
  const { tenantId } = input;
  const segment = await withTenant(db, tenantId, (tx) => getSegment(tx, input));
  const pageSize = input.batchSize ?? 500;
  let after: string | null = null;
  for (;;) {
    const from: string | null = after;
    const rows: MemberExportRow[] = await withTenant(db, tenantId, (tx) =>
      tx.execute<MemberExportRow & Record<string, unknown>>(sql`
        select p.id, p.display_name as "displayName", p.first_name as "firstName", p.last_name as "lastName",
          p.email, p.phone_number as "phoneNumber", p.membership_status as "membershipStatus",
          p.membership_tier as "membershipTier", p.handicap::text as handicap, p.engagement_score as "engagementScore",
          p.churn_risk_score as "churnRiskScore", m.joined_at as "joinedAt"
        from segment_memberships m join profiles p on p.id = m.profile_id
        where m.tenant_id = ${tenantId} and m.segment_id = ${segment.id} ${from ? sql`and m.profile_id > ${from}::uuid` : sql``}
        order by m.profile_id
        limit ${pageSize}`),
    );
    yield* rows;
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.id;
  }
}
