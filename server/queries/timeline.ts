import { and, desc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/server/db/client';
import { activities, profiles } from '@/server/db/schema';
import { dateParam, isStorableDate } from './date-param';
import { isUuid } from './profile';

const csv = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean))
  .optional();

export const timelineQuerySchema = z.object({
  sources: csv,
  types: csv,
  /** Inclusive lower bound on occurred_at. */
  from: dateParam.optional(),
  /** Exclusive upper bound on occurred_at. */
  to: dateParam.optional(),
  cursor: z.string().optional(),
  take: z.coerce.number().int().min(1).max(100).default(50),
});
export type TimelineQuery = z.input<typeof timelineQuerySchema>;

/** The keyset position of the last row seen: (occurred_at, id), opaque to clients. */
export function encodeCursor(row: { occurredAt: Date; id: string }): string {
  return Buffer.from(`${row.occurredAt.toISOString()}|${row.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { occurredAt: Date; id: string } | null {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const occurredAt = new Date(at ?? '');
  if (!id || !isUuid(id) || !isStorableDate(occurredAt)) return null;
  return { occurredAt, id };
}

export type TimelineItem = NonNullable<Awaited<ReturnType<typeof listActivities>>>['rows'][number];

/**
 * A person's activities, newest first. Keyset pagination on (occurred_at, id) — the index order — so page 200 of
 * a 10,000-item timeline costs the same as page 1. Null when the profile is not in this tenant.
 */
export async function listActivities(db: Db, input: TimelineQuery & { tenantId: string; profileId: string }) {
  const { tenantId, profileId, ...rest } = input;
  const q = timelineQuerySchema.parse(rest);
  if (!isUuid(profileId)) return null;
  const [owner] = await db
    .select({ id: profiles.id })
    .from(profiles)
    .where(and(eq(profiles.tenantId, tenantId), eq(profiles.id, profileId)));
  if (!owner) return null;

  const where: SQL[] = [eq(activities.tenantId, tenantId), eq(activities.profileId, profileId)];
  if (q.sources?.length) where.push(inArray(activities.source, q.sources));
  if (q.types?.length) where.push(inArray(activities.type, q.types));
  if (q.from) where.push(gte(activities.occurredAt, q.from));
  if (q.to) where.push(lt(activities.occurredAt, q.to));
  const after = q.cursor ? decodeCursor(q.cursor) : null;
  if (after) {
    where.push(sql`(${activities.occurredAt}, ${activities.id}) < (${after.occurredAt.toISOString()}::timestamptz, ${after.id}::uuid)`);
  }

  const rows = await db
    .select({
      id: activities.id,
      source: activities.source,
      sourceEventId: activities.sourceEventId,
      eventType: activities.eventType,
      type: activities.type,
      title: activities.title,
      occurredAt: activities.occurredAt,
      properties: activities.properties,
    })
    .from(activities)
    .where(and(...where))
    .orderBy(desc(activities.occurredAt), desc(activities.id))
    .limit(q.take + 1);

  const hasMore = rows.length > q.take;
  const page = hasMore ? rows.slice(0, q.take) : rows;
  const last = page.at(-1);
  return { rows: page, nextCursor: hasMore && last ? encodeCursor(last) : null };
}

/** Activity types and sources present on a person's timeline (for the filter menus), with counts. */
export async function timelineFacets(db: Db, { tenantId, profileId }: { tenantId: string; profileId: string }) {
  if (!isUuid(profileId)) return { types: [], sources: [], total: 0 };
  const rows = await db
    .select({ source: activities.source, type: activities.type, count: sql<number>`count(*)::int` })
    .from(activities)
    .where(and(eq(activities.tenantId, tenantId), eq(activities.profileId, profileId)))
    .groupBy(activities.source, activities.type);
  const types = [...new Set(rows.map((r) => r.type))].sort();
  const sources = [...new Set(rows.map((r) => r.source))].sort();
  return { types, sources, total: rows.reduce((n, r) => n + r.count, 0) };
}
