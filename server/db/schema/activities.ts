import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sameTenantProfile } from './profiles';
import { timeOrderedId } from '../ids';
import { tenants } from './tenants';

/**
 * One row per person event. Redelivery never duplicates one: an event is applied only by the transaction that writes
 * its sync log row's one SUCCESS (workers/pipeline/sync-log.ts refuses a second), so no index of its own on the event
 * id (migration 0012).
 */
export const activities = pgTable(
  'activities',
  {
    id: uuid().primaryKey().default(timeOrderedId),
    tenantId: text().notNull(),
    profileId: uuid().notNull(),
    source: text().notNull(),
    sourceEventId: text().notNull(),
    /** Canonical inbound event type that produced it. */
    eventType: text().notNull(),
    /** Activity type in CAPS (ROUND_PLAYED, EMAIL_OPENED, …). */
    type: text().notNull(),
    title: text().notNull(),
    occurredAt: timestamp({ withTimezone: true }).notNull(),
    properties: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    sameTenantProfile('activities_profile_fk', t.tenantId, t.profileId),
    // The timeline reads newest first with keyset pagination on (occurred_at, id).
    index('activities_timeline_idx').on(t.tenantId, t.profileId, t.occurredAt.desc(), t.id.desc()),
    // Lifetime value counts each payment id once: the pipeline asks whether a payment id was seen before.
    index('activities_payment_id_idx')
      .on(t.tenantId, sql`(${t.properties}->>'paymentId')`)
      .where(sql`${t.type} = 'PAYMENT_RECEIVED'`),
  ],
);

export type Activity = typeof activities.$inferSelect;
export type NewActivity = typeof activities.$inferInsert;

/** Club-level competitions (teetime.competition.published): no person, no activity. */
export const competitions = pgTable(
  'competitions',
  {
    tenantId: text()
      .notNull()
      .references(() => tenants.id),
    id: text().notNull(),
    clubId: text(),
    name: text().notNull(),
    startsAt: timestamp({ withTimezone: true }),
    entryDeadline: timestamp({ withTimezone: true }),
    publishedAt: timestamp({ withTimezone: true }).notNull(),
    eventId: text().notNull(),
  },
  (t) => [uniqueIndex('competitions_tenant_id_uq').on(t.tenantId, t.id)],
);
