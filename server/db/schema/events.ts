import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const SYNC_STATUSES = ['PENDING', 'PROCESSING', 'SUCCESS', 'FAILED', 'DEAD_LETTERED', 'SKIPPED'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];

export const DEAD_LETTER_REASONS = [
  'invalid_envelope',
  'invalid_payload',
  'unknown_event_type',
  'unsupported_version',
  'unknown_tenant',
  'no_identity',
  'retries_exhausted',
] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

export interface StepTiming {
  step: string;
  ms: number;
}

/**
 * The idempotency record of one inbound event (§5), and its trace. Unique per (source, event id); the tenant may
 * be unknown (null) for events dead-lettered before a tenant could be read.
 *
 * Keyed by (event id, source), with no surrogate id: every event writes one row, and each index is one more random
 * B-tree page per event once the table outgrows memory. Event id first, so the trace's lookup by id alone (the
 * source unknown) uses the same index as the pipeline's claim by (source, event id).
 */
export const syncLog = pgTable(
  'sync_log',
  {
    tenantId: text(),
    source: text().notNull(),
    eventId: text().notNull(),
    eventType: text().notNull(),
    status: text().$type<SyncStatus>().notNull(),
    attempts: integer().notNull().default(0),
    /** sha256 of the canonical body: a reused id with a different body is flagged, not applied twice. */
    bodyHash: text(),
    profileId: uuid(),
    activityId: uuid(),
    errorCode: text(),
    error: text(),
    failedStep: text(),
    steps: jsonb().$type<StepTiming[]>().notNull().default([]),
    warnings: text().array().notNull().default(sql`'{}'::text[]`),
    eventAt: timestamp({ withTimezone: true }),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp({ withTimezone: true }),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'sync_log_pkey', columns: [t.eventId, t.source] }),
    index('sync_log_tenant_processed_idx').on(t.tenantId, t.processedAt),
  ],
);

export type SyncLogRow = typeof syncLog.$inferSelect;

/** Durable dead letters (§5): the original job data, why, where, how often. Kept until resolved. */
export const deadLetters = pgTable(
  'dead_letters',
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: text(),
    source: text().notNull(),
    eventId: text().notNull(),
    eventType: text().notNull(),
    jobName: text().notNull(),
    jobData: jsonb().notNull(),
    reason: text().$type<DeadLetterReason>().notNull(),
    failedStep: text().notNull(),
    error: text().notNull(),
    attempts: integer().notNull(),
    firstFailedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    deadLetteredAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    retryCount: integer().notNull().default(0),
    lastRetriedAt: timestamp({ withTimezone: true }),
    lastRetriedBy: text(),
    resolvedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex('dead_letters_source_event_uq').on(t.source, t.eventId),
    index('dead_letters_tenant_open_idx').on(t.tenantId, t.deadLetteredAt.desc()),
  ],
);

export type DeadLetter = typeof deadLetters.$inferSelect;

/**
 * Transactional outbox: written with the change that caused it, published to crm-outbound by the relay, which
 * deletes each row as it sends it. Every row here is still to be sent.
 */
export const outbox = pgTable(
  'outbox',
  {
    /** The outbound event id: stable, so consumers deduplicate on it. */
    id: text().primaryKey(),
    tenantId: text().notNull(),
    type: text().notNull(),
    envelope: jsonb().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('outbox_created_idx').on(t.createdAt)],
);

/** Resumable progress of the nightly scoring sweep, one row per tenant run. */
export const sweepRuns = pgTable(
  'sweep_runs',
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: text().notNull(),
    asOf: timestamp({ withTimezone: true }).notNull(),
    status: text().$type<'RUNNING' | 'DONE' | 'FAILED'>().notNull(),
    cursor: uuid(),
    processed: integer().notNull().default(0),
    total: integer().notNull().default(0),
    startedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex('sweep_runs_tenant_as_of_uq').on(t.tenantId, t.asOf)],
);
