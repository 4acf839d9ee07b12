import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const tenants = pgTable('tenants', {
  id: text().primaryKey(),
  name: text().notNull(),
  /** ISO 3166 alpha-2; the default country for local phone numbers. */
  country: text().notNull().default('ZA'),
  timeZone: text().notNull().default('Africa/Johannesburg'),
  /** Local hour (0–23) of the nightly scoring sweep. */
  sweepHour: integer().notNull().default(2),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export type Tenant = typeof tenants.$inferSelect;
export type NewTenant = typeof tenants.$inferInsert;
