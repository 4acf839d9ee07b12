import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid, boolean } from 'drizzle-orm/pg-core';
import { timeOrderedId } from '../ids';
import { tenants } from './tenants';

export const segments = pgTable(
  'segments',
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: text()
      .notNull()
      .references(() => tenants.id),
    name: text().notNull(),
    description: text(),
    type: text().$type<'STATIC' | 'DYNAMIC'>().notNull(),
    /** Rule tree for DYNAMIC segments (validated by the segment criteria schema). */
    criteria: jsonb(),
    /** Profile fields the criteria read: an event re-evaluates only segments whose fields it touched. */
    fields: text().array().notNull().default([]),
    isSystem: boolean().notNull().default(false),
    memberCount: integer().notNull().default(0),
    /** Background recompute after a definition change. */
    recomputeStatus: text().$type<'IDLE' | 'RUNNING' | 'FAILED'>().notNull().default('IDLE'),
    recomputeProgress: integer().notNull().default(0),
    lastChangeAt: timestamp({ withTimezone: true }),
    createdBy: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('segments_tenant_idx').on(t.tenantId)],
);

export type Segment = typeof segments.$inferSelect;

export const segmentMemberships = pgTable(
  'segment_memberships',
  {
    tenantId: text().notNull(),
    segmentId: uuid()
      .notNull()
      .references(() => segments.id, { onDelete: 'cascade' }),
    profileId: uuid().notNull(),
    joinedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.segmentId, t.profileId] }),
    index('segment_memberships_profile_idx').on(t.tenantId, t.profileId),
  ],
);

/** Every enter and exit, per person and per segment. */
export const segmentMembershipEvents = pgTable(
  'segment_membership_events',
  {
    id: uuid().primaryKey().default(timeOrderedId),
    tenantId: text().notNull(),
    segmentId: uuid()
      .notNull()
      .references(() => segments.id, { onDelete: 'cascade' }),
    profileId: uuid().notNull(),
    change: text().$type<'ENTERED' | 'EXITED'>().notNull(),
    memberCount: integer().notNull(),
    changedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('segment_membership_events_segment_idx').on(t.segmentId, t.changedAt),
    index('segment_membership_events_profile_idx').on(t.tenantId, t.profileId, t.changedAt),
  ],
);
