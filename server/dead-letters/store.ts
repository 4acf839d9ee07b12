import { and, desc, eq, gte, inArray, isNull, lte, sql, type SQL } from 'drizzle-orm';
import type { Queue } from 'bullmq';
import type { Db, Tx } from '../db/client';
import { auditLog, deadLetters, syncLog, type DeadLetterReason } from '../db/schema';
import { jobIdFor, inboundJobOptions } from '../queue/job-options';
import { getInboundQueue } from '../queue/queues';
import { priorityOf } from '../events/registry';
import { storableJson, storableText } from '../storable-text';

export interface DeadLetterInput {
  tenantId: string | null;
  source: string;
  eventId: string;
  eventType: string;
  jobName: string;
  jobData: unknown;
  reason: DeadLetterReason;
  step: string;
  error: string;
  attempts: number;
}

/**
 * A dead letter keeps whatever the producer sent, so it must be storable whatever that was: characters PostgreSQL
 * refuses are replaced (in the job and in every text column), and job data that is JSON `null` (or nothing) is
 * stored as JSON null — a bare SQL NULL would break the NOT NULL column and lose the dead letter.
 */
function storableDeadLetter(input: DeadLetterInput): Omit<DeadLetterInput, 'jobData'> & { jobData: unknown } {
  return {
    ...input,
    tenantId: input.tenantId === null ? null : storableText(input.tenantId),
    source: storableText(input.source),
    eventId: storableText(input.eventId),
    eventType: storableText(input.eventType),
    jobName: storableText(input.jobName),
    step: storableText(input.step),
    error: storableText(input.error),
    jobData: input.jobData === null || input.jobData === undefined ? sql`'null'::jsonb` : storableJson(input.jobData),
  };
}

/**
 * Records a dead letter and marks its sync log row DEAD_LETTERED, in the caller's transaction. A second dead-lettering
 * of the same event (after a retry) updates the same row.
 */
export async function writeDeadLetter(tx: Db, raw: DeadLetterInput): Promise<void> {
  const input = storableDeadLetter(raw);
  const error = input.error.slice(0, 2000);
  await tx
    .insert(deadLetters)
    .values({
      tenantId: input.tenantId,
      source: input.source,
      eventId: input.eventId,
      eventType: input.eventType,
      jobName: input.jobName,
      jobData: input.jobData,
      reason: input.reason,
      failedStep: input.step,
      error,
      attempts: input.attempts,
    })
    .onConflictDoUpdate({
      target: [deadLetters.source, deadLetters.eventId],
      set: {
        tenantId: input.tenantId,
        reason: input.reason,
        failedStep: input.step,
        error,
        attempts: input.attempts,
        jobData: input.jobData,
        deadLetteredAt: sql`now()`,
        resolvedAt: null,
      },
    });
  await tx
    .insert(syncLog)
    .values({
      tenantId: input.tenantId,
      source: input.source,
      eventId: input.eventId,
      eventType: input.eventType,
      status: 'DEAD_LETTERED',
      attempts: input.attempts,
      errorCode: input.reason,
      error,
      failedStep: input.step,
      processedAt: sql`now()`,
    })
    .onConflictDoUpdate({
      target: [syncLog.source, syncLog.eventId],
      set: {
        status: 'DEAD_LETTERED',
        attempts: input.attempts,
        errorCode: input.reason,
        error,
        failedStep: input.step,
        processedAt: sql`now()`,
        updatedAt: sql`now()`,
      },
      // Never downgrade an event that has already been processed.
      setWhere: sql`${syncLog.status} <> 'SUCCESS'`,
    });
}

export interface DeadLetterFilter {
  reason?: string;
  type?: string;
  source?: string;
  from?: Date;
  to?: Date;
}

function whereOf(tenantId: string | undefined, filter: DeadLetterFilter, eventIds?: string[]): SQL | undefined {
  return and(
    isNull(deadLetters.resolvedAt),
    tenantId === undefined ? undefined : eq(deadLetters.tenantId, tenantId),
    filter.reason ? eq(deadLetters.reason, filter.reason as DeadLetterReason) : undefined,
    filter.type ? eq(deadLetters.eventType, filter.type) : undefined,
    filter.source ? eq(deadLetters.source, filter.source) : undefined,
    filter.from ? gte(deadLetters.deadLetteredAt, filter.from) : undefined,
    filter.to ? lte(deadLetters.deadLetteredAt, filter.to) : undefined,
    eventIds ? inArray(deadLetters.eventId, eventIds) : undefined,
  );
}

/**
 * Open (unresolved) dead letters, newest first. `tenantId` undefined lists every tenant's and those that belong to
 * no known tenant: only the operator CLI does that; the app and API always pass the session's tenant.
 */
export async function listDeadLetters(
  db: Db,
  params: { tenantId: string | undefined; skip?: number; take?: number } & DeadLetterFilter,
) {
  const where = whereOf(params.tenantId, params);
  const [rows, [{ total }]] = await Promise.all([
    db
      .select()
      .from(deadLetters)
      .where(where)
      .orderBy(desc(deadLetters.deadLetteredAt), desc(deadLetters.id))
      .limit(params.take ?? 25)
      .offset(params.skip ?? 0),
    db.select({ total: sql<number>`count(*)::int` }).from(deadLetters).where(where),
  ]);
  return { rows, total };
}

export interface RetryResult {
  requeued: number;
  alreadyProcessed: number;
  notFound: number;
}

/**
 * Puts dead letters back on crm-events with a fresh retry budget. An event already processed (SyncLog SUCCESS) is
 * only marked resolved. Audited (who, when, what). `eventIds` picks events; otherwise every open dead letter that
 * matches `filter`.
 */
export async function retryDeadLetters(
  db: Db,
  params: {
    tenantId: string | undefined;
    eventIds?: string[];
    filter?: DeadLetterFilter;
    actor: { id: string; label: string };
    queue?: Queue;
  },
): Promise<RetryResult> {
  const queue = params.queue ?? getInboundQueue();
  const rows = await db
    .select({ dl: deadLetters, syncStatus: syncLog.status })
    .from(deadLetters)
    .leftJoin(syncLog, and(eq(syncLog.source, deadLetters.source), eq(syncLog.eventId, deadLetters.eventId)))
    .where(whereOf(params.tenantId, params.filter ?? {}, params.eventIds));

  const result: RetryResult = { requeued: 0, alreadyProcessed: 0, notFound: 0 };
  if (params.eventIds) result.notFound = new Set(params.eventIds).size - new Set(rows.map((r) => r.dl.eventId)).size;

  const toQueue = [];
  for (const { dl, syncStatus } of rows) {
    if (syncStatus === 'SUCCESS') {
      await db.update(deadLetters).set({ resolvedAt: sql`now()` }).where(eq(deadLetters.id, dl.id));
      result.alreadyProcessed++;
      continue;
    }
    const attempt = dl.retryCount + 1;
    // A new job id: the original may still be kept in Redis and would swallow the retry as a duplicate.
    const opts = inboundJobOptions(`${dl.eventId}`, priorityOf(dl.eventType));
    toQueue.push({ dl, job: { name: dl.jobName, data: dl.jobData, opts: { ...opts, jobId: `${jobIdFor(dl.eventId)}-retry-${attempt}` } } });
  }

  for (let i = 0; i < toQueue.length; i += 500) {
    const chunk = toQueue.slice(i, i + 500);
    await db.transaction(async (tx: Tx) => {
      const ids = chunk.map((c) => c.dl.id);
      await tx
        .update(deadLetters)
        .set({
          retryCount: sql`${deadLetters.retryCount} + 1`,
          lastRetriedAt: sql`now()`,
          lastRetriedBy: params.actor.label,
        })
        .where(inArray(deadLetters.id, ids));
      // A fresh budget: the worker counts attempts from the sync log.
      for (const c of chunk) {
        await tx
          .update(syncLog)
          .set({ status: 'PENDING', attempts: 0, updatedAt: sql`now()` })
          .where(and(eq(syncLog.source, c.dl.source), eq(syncLog.eventId, c.dl.eventId), sql`${syncLog.status} <> 'SUCCESS'`));
      }
      await queue.addBulk(chunk.map((c) => c.job));
    });
    result.requeued += chunk.length;
  }

  if (rows.length > 0 || params.eventIds) {
    await db.insert(auditLog).values({
      tenantId: params.tenantId ?? null,
      actorId: params.actor.id,
      actorLabel: params.actor.label,
      action: 'dead_letters.retry',
      target: params.eventIds ? params.eventIds.slice(0, 50).join(',') : 'filter',
      details: { filter: params.filter ?? null, ...result },
    });
  }
  return result;
}
