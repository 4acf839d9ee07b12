import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '@/server/db/client';
import { activities, deadLetters, profiles, syncLog } from '@/server/db/schema';
import { displayNameSql } from './display-name';

export type EventTrace = NonNullable<Awaited<ReturnType<typeof getEventTrace>>>;

/**
 * The trace of one inbound event (`GET /events/:eventId`): its SyncLog status, attempts and step timings, the
 * profile and activity it produced, and its dead letter if it has one. Null when the tenant has no such event.
 * Event ids are unique per source, so the same id from two sources yields the most recent first.
 */
export async function getEventTrace(db: Db, { tenantId, eventId }: { tenantId: string; eventId: string }) {
  const logs = await db
    .select()
    .from(syncLog)
    .where(and(eq(syncLog.tenantId, tenantId), eq(syncLog.eventId, eventId)))
    .orderBy(desc(syncLog.updatedAt))
    .limit(5);
  const [deadLetter] = await db
    .select()
    .from(deadLetters)
    .where(and(eq(deadLetters.tenantId, tenantId), eq(deadLetters.eventId, eventId)))
    .orderBy(desc(deadLetters.deadLetteredAt))
    .limit(1);
  const log = logs[0];
  if (!log && !deadLetter) return null;

  const [profile] = log?.profileId
    ? await db
        .select({ id: profiles.id, name: displayNameSql, status: profiles.status, mergedIntoId: profiles.mergedIntoId })
        .from(profiles)
        .where(and(eq(profiles.tenantId, tenantId), eq(profiles.id, log.profileId)))
    : [];
  const [activity] = log?.activityId
    ? await db
        .select({
          id: activities.id,
          type: activities.type,
          title: activities.title,
          source: activities.source,
          occurredAt: activities.occurredAt,
          profileId: activities.profileId,
        })
        .from(activities)
        .where(and(eq(activities.tenantId, tenantId), eq(activities.id, log.activityId)))
    : [];

  return {
    eventId,
    source: log?.source ?? deadLetter!.source,
    eventType: log?.eventType ?? deadLetter!.eventType,
    status: log?.status ?? 'DEAD_LETTERED',
    attempts: log?.attempts ?? deadLetter!.attempts,
    errorCode: log?.errorCode ?? deadLetter?.reason ?? null,
    error: log?.error ?? deadLetter?.error ?? null,
    failedStep: log?.failedStep ?? deadLetter?.failedStep ?? null,
    steps: log?.steps ?? [],
    warnings: log?.warnings ?? [],
    eventAt: log?.eventAt ?? null,
    receivedAt: log?.receivedAt ?? deadLetter!.firstFailedAt,
    processedAt: log?.processedAt ?? null,
    updatedAt: log?.updatedAt ?? deadLetter!.deadLetteredAt,
    profile: profile ?? null,
    activity: activity ?? null,
    deadLetter: deadLetter ?? null,
    /** Other sources that used the same event id (rare; shown so nothing is hidden). */
    otherSources: logs.slice(1).map((l) => ({ source: l.source, status: l.status, eventType: l.eventType })),
  };
}

/** Status of several events at once, for watching retried dead letters settle. */
export async function getEventStatuses(db: Db, { tenantId, eventIds }: { tenantId: string; eventIds: string[] }) {
  if (eventIds.length === 0) return [];
  return db
    .select({ eventId: syncLog.eventId, status: syncLog.status, attempts: syncLog.attempts, error: syncLog.error })
    .from(syncLog)
    .where(and(eq(syncLog.tenantId, tenantId), inArray(syncLog.eventId, eventIds.slice(0, 200))));
}
