import type { Queue } from 'bullmq';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '@/server/db/client';
import { deadLetters, outbox, syncLog } from '@/server/db/schema';
import { getInboundQueue, getOutboundQueue } from '@/server/queue/queues';

const JOB_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed'] as const;
type JobState = (typeof JOB_STATES)[number];

export interface QueueSnapshot {
  name: string;
  counts: Record<JobState, number>;
  /** Age in ms of the oldest job ready to run (waiting or prioritized), null when none wait. */
  oldestWaitingMs: number | null;
  workers: { name: string; addr: string; lastSeenMs: number; connectedMs: number }[];
  /** Set when Redis could not be read; the page shows it instead of zeros. */
  error: string | null;
}

export interface MinutePoint {
  /** ISO start of the minute. */
  minute: string;
  processed: number;
  failed: number;
}

export type QueueHealth = Awaited<ReturnType<typeof getQueueHealth>>;

/**
 * Everything the queue-health page shows. Queue counts and workers are shared by all clubs (one Redis queue); the
 * throughput, dead letters and outbox backlog are this tenant's own, from PostgreSQL.
 */
export async function getQueueHealth(
  db: Db,
  { tenantId, now = new Date(), queues }: { tenantId: string; now?: Date; queues?: { inbound: Queue; outbound: Queue } },
) {
  const inbound = queues?.inbound ?? getInboundQueue();
  const outbound = queues?.outbound ?? getOutboundQueue();
  const [inboundSnap, outboundSnap, perMinute, deadLetterCounts, outboxPending] = await Promise.all([
    snapshot(inbound, now),
    snapshot(outbound, now),
    throughput(db, tenantId, now),
    deadLettersByReason(db, tenantId),
    db
      .select({ count: sql<number>`count(*)::int` })
      .from(outbox)
      .where(eq(outbox.tenantId, tenantId))
      .then(([r]) => r?.count ?? 0),
  ]);
  return {
    checkedAt: now.toISOString(),
    inbound: inboundSnap,
    outbound: outboundSnap,
    perMinute,
    deadLetters: {
      open: deadLetterCounts.reduce((n, r) => n + r.count, 0),
      byReason: deadLetterCounts,
    },
    outboxPending,
  };
}

async function snapshot(queue: Queue, now: Date): Promise<QueueSnapshot> {
  const empty = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;
  try {
    const [counts, oldest, workers] = await Promise.all([
      queue.getJobCounts(...JOB_STATES),
      // The 20 next-to-run of each kind: the oldest waiting job is among them unless the backlog is itself the story.
      queue.getJobs(['wait', 'prioritized'], 0, 19, true),
      queue.getWorkers(),
    ]);
    const timestamps = oldest.filter(Boolean).map((j) => j.timestamp);
    return {
      name: queue.name,
      counts: { ...empty, ...counts } as Record<JobState, number>,
      oldestWaitingMs: timestamps.length ? Math.max(0, now.getTime() - Math.min(...timestamps)) : null,
      workers: workers.map((w) => ({
        name: String(w.name ?? ''),
        addr: String(w.addr ?? ''),
        lastSeenMs: Number(w.idle ?? 0) * 1000,
        connectedMs: Number(w.age ?? 0) * 1000,
      })),
      error: null,
    };
  } catch (err) {
    return {
      name: queue.name,
      counts: empty,
      oldestWaitingMs: null,
      workers: [],
      error: err instanceof Error ? err.message : String(err),
    };
  }
}

/** Events of this tenant finished per minute over the last hour: processed (success/skipped) and failed. */
async function throughput(db: Db, tenantId: string, now: Date): Promise<MinutePoint[]> {
  const hourAgo = new Date(now.getTime() - 60 * 60_000);
  const finishedAt = sql`coalesce(${syncLog.processedAt}, ${syncLog.updatedAt})`;
  const rows = await db
    .select({
      minute: sql<string>`to_char(date_trunc('minute', ${finishedAt}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:00"Z"')`,
      processed: sql<number>`count(*) filter (where ${syncLog.status} in ('SUCCESS', 'SKIPPED'))::int`,
      failed: sql<number>`count(*) filter (where ${syncLog.status} in ('FAILED', 'DEAD_LETTERED'))::int`,
    })
    .from(syncLog)
    .where(
      and(
        eq(syncLog.tenantId, tenantId),
        sql`(${syncLog.processedAt} >= ${hourAgo.toISOString()}::timestamptz
             or (${syncLog.processedAt} is null and ${syncLog.updatedAt} >= ${hourAgo.toISOString()}::timestamptz))`,
      ),
    )
    .groupBy(sql`1`);
  const byMinute = new Map(rows.map((r) => [r.minute, r]));
  const start = Math.floor(hourAgo.getTime() / 60_000) * 60_000;
  return Array.from({ length: 61 }, (_, i) => {
    const minute = new Date(start + i * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const r = byMinute.get(minute);
    return { minute, processed: r?.processed ?? 0, failed: r?.failed ?? 0 };
  });
}

async function deadLettersByReason(db: Db, tenantId: string) {
  return db
    .select({ reason: deadLetters.reason, count: sql<number>`count(*)::int` })
    .from(deadLetters)
    .where(and(eq(deadLetters.tenantId, tenantId), isNull(deadLetters.resolvedAt)))
    .groupBy(deadLetters.reason)
    .orderBy(sql`2 desc`);
}


/** Event types and sources among a tenant's open dead letters, for the filter menus. */
export async function deadLetterFacets(db: Db, { tenantId }: { tenantId: string }) {
  const rows = await db
    .selectDistinct({ type: deadLetters.eventType, source: deadLetters.source })
    .from(deadLetters)
    .where(and(eq(deadLetters.tenantId, tenantId), isNull(deadLetters.resolvedAt)))
    .limit(500);
  return {
    types: [...new Set(rows.map((r) => r.type))].sort(),
    sources: [...new Set(rows.map((r) => r.source))].sort(),
  };
}
