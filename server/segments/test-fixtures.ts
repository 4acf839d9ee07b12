import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { outbox, profiles, segmentMemberships, tenants, type NewProfile } from '../db/schema';

/** Small helpers shared by the segment integration tests (test code only). */

export async function createTenant(db: Db, id: string): Promise<string> {
  await db.insert(tenants).values({ id, name: `Club ${id}` }).onConflictDoNothing();
  return id;
}

export async function insertProfiles(db: Db, tenantId: string, rows: Partial<NewProfile>[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const inserted = await db
    .insert(profiles)
    .values(rows.map((r) => ({ ...r, tenantId })))
    .returning({ id: profiles.id });
  return inserted.map((r) => r.id);
}

export async function membersOf(db: Db, segmentId: string): Promise<string[]> {
  const rows = await db
    .select({ id: segmentMemberships.profileId })
    .from(segmentMemberships)
    .where(eq(segmentMemberships.segmentId, segmentId));
  return rows.map((r) => r.id).sort();
}

export interface OutboxChange {
  segmentId: string;
  profileId: string;
  change: string;
  memberCount: number;
  correlationId: string | null;
}

export async function membershipOutbox(db: Db, tenantId: string): Promise<OutboxChange[]> {
  const rows = await db
    .select({ envelope: outbox.envelope })
    .from(outbox)
    .where(and(eq(outbox.tenantId, tenantId), eq(outbox.type, 'crm.segment.membership.changed')))
    .orderBy(outbox.createdAt);
  return rows.map(({ envelope }) => {
    const e = envelope as { correlationId: string | null; payload: Omit<OutboxChange, 'correlationId'> };
    return {
      segmentId: e.payload.segmentId,
      profileId: e.payload.profileId,
      change: e.payload.change,
      memberCount: e.payload.memberCount,
      correlationId: e.correlationId,
    };
  });
}

export async function historyOf(db: Db, segmentId: string) {
  return db.execute<{ profile_id: string; change: string; member_count: number }>(sql`
    select profile_id, change, member_count from segment_membership_events where segment_id = ${segmentId}
    order by changed_at, id`);
}
