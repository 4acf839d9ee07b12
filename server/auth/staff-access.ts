import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { foldEmail } from '@/server/identity/normalize';
import type { Db } from '@/server/db/client';
import { staffMemberships, staffUsers, tenants, type Role } from '@/server/db/schema';
import { permissionsForRole, type Permission } from './permissions';

/** The name of the cookie that remembers which of a user's clubs is active. Only ever a hint: see chooseTenant. */
export const TENANT_COOKIE = 'crm-tenant';

export interface TenantAccess {
  id: string;
  name: string;
  role: Role;
}

/** Who is signed in and what they are doing it as: the one shape pages, actions and the API work with. */
export interface Viewer {
  userId: string;
  name: string;
  email: string;
  tenantId: string;
  tenantName: string;
  role: Role;
  permissions: Permission[];
  /** Every club this user belongs to, by name (a switcher shows only when there are several). */
  tenants: TenantAccess[];
}

export interface StaffAccount {
  id: string;
  name: string;
  email: string;
  passwordHash: string | null;
}

/** An enabled staff account by email (case-insensitive), or null. Disabled accounts are treated as missing. */
export async function findStaffAccountByEmail(db: Db, email: string): Promise<StaffAccount | null> {
  const [row] = await db
    .select({
      id: staffUsers.id,
      name: staffUsers.name,
      email: staffUsers.email,
      passwordHash: staffUsers.passwordHash,
    })
    .from(staffUsers)
    .where(and(sql`lower(${staffUsers.email}) = ${foldEmail(email)}`, isNull(staffUsers.disabledAt)))
    .limit(1);
  return row ?? null;
}

/** The clubs an enabled user belongs to, ordered by name; empty for an unknown or disabled user. */
export async function listTenantAccess(db: Db, { userId }: { userId: string }): Promise<TenantAccess[]> {
  return db
    .select({ id: tenants.id, name: tenants.name, role: staffMemberships.role })
    .from(staffMemberships)
    .innerJoin(staffUsers, eq(staffUsers.id, staffMemberships.userId))
    .innerJoin(tenants, eq(tenants.id, staffMemberships.tenantId))
    .where(and(eq(staffMemberships.userId, userId), isNull(staffUsers.disabledAt)))
    .orderBy(asc(tenants.name), asc(tenants.id));
}

/**
 * The active club: the requested one (from the cookie) only when the user really belongs to it, otherwise their
 * first club. A forged or stale cookie therefore never widens access.
 */
export function chooseTenant(
  access: TenantAccess[],
  requestedTenantId: string | null | undefined,
): TenantAccess | null {
  return access.find((t) => t.id === requestedTenantId) ?? access[0] ?? null;
}

/**
 * Builds the viewer from the database on every request, so a removed membership, a changed role or a disabled
 * account takes effect at once instead of when the session cookie expires.
 */
export async function loadViewer(
  db: Db,
  { userId, requestedTenantId }: { userId: string; requestedTenantId?: string | null },
): Promise<Viewer | null> {
  if (!isUuid(userId)) return null;
  const [user] = await db
    .select({ id: staffUsers.id, name: staffUsers.name, email: staffUsers.email })
    .from(staffUsers)
    .where(and(eq(staffUsers.id, userId), isNull(staffUsers.disabledAt)))
    .limit(1);
  if (!user) return null;
  const access = await listTenantAccess(db, { userId });
  const active = chooseTenant(access, requestedTenantId);
  if (!active) return null;
  return {
    userId: user.id,
    name: user.name,
    email: user.email,
    tenantId: active.id,
    tenantName: active.name,
    role: active.role,
    permissions: permissionsForRole(active.role),
    tenants: access,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
