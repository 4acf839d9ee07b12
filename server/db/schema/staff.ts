import { index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tenants } from './tenants';

export const ROLES = ['staff', 'marketing', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const staffUsers = pgTable('staff_users', {
  id: uuid().primaryKey().defaultRandom(),
  email: text().notNull().unique(),
  name: text().notNull(),
  /** scrypt$N$r$p$salt$hash (node's crypto.scrypt). Null for single sign-on users. */
  passwordHash: text(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  disabledAt: timestamp({ withTimezone: true }),
});

export type StaffUser = typeof staffUsers.$inferSelect;

/** A user belongs to one or more tenants, with one role in each. */
export const staffMemberships = pgTable(
  'staff_memberships',
  {
    userId: uuid()
      .notNull()
      .references(() => staffUsers.id, { onDelete: 'cascade' }),
    tenantId: text()
      .notNull()
      .references(() => tenants.id),
    role: text().$type<Role>().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.tenantId] }), index('staff_memberships_tenant_idx').on(t.tenantId)],
);

export const API_SCOPES = ['crm:read', 'crm:write', 'crm:admin'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** Bearer keys bound to one tenant; only a sha256 of the key is stored. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: text()
      .notNull()
      .references(() => tenants.id),
    name: text().notNull(),
    /** First characters of the key, shown in lists so people can tell keys apart. */
    prefix: text().notNull(),
    keyHash: text().notNull().unique(),
    scopes: text().array().$type<ApiScope[]>().notNull(),
    createdBy: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('api_keys_tenant_idx').on(t.tenantId)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: text(),
    actorId: text().notNull(),
    actorLabel: text().notNull(),
    action: text().notNull(),
    target: text(),
    details: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('audit_log_tenant_idx').on(t.tenantId, t.createdAt.desc())],
);
