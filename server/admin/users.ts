import { and, asc, eq, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { hashPassword } from '../auth/password';
import type { Db } from '../db/client';
import { ROLES, staffMemberships, staffUsers, tenants, type Role } from '../db/schema';
import { writeAudit } from './audit';
import { actorSchema, AdminError, parseInput, SYSTEM_ACTOR } from './errors';

const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email('must be an email address'));

const roleSchema = z.enum(ROLES, `must be one of ${ROLES.join(', ')}`);

/** Long enough to resist guessing; no composition rules (they make passwords worse, not better). */
const passwordSchema = z.string().min(8, 'must be at least 8 characters').max(200);

const createUserInput = z.object({
  tenantId: z.string().min(1),
  email: emailSchema,
  name: z.string().trim().min(1).max(200).optional(),
  role: roleSchema,
  /** Omitted for single sign-on users, and to keep an existing user's password when re-running provisioning. */
  password: passwordSchema.optional(),
  actor: actorSchema.default(SYSTEM_ACTOR),
});
export type CreateUserInput = z.input<typeof createUserInput>;

export interface StaffUserSummary {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: Date;
  disabledAt: Date | null;
}

/** "anna.van-wyk@club.example" → "Anna Van Wyk": a readable default until the person sets their own. */
export function nameFromEmail(email: string): string {
  const local = email.split('@')[0] ?? email;
  return local
    .split(/[._+-]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join(' ');
}

async function requireTenant(db: Db, tenantId: string): Promise<void> {
  const [row] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId));
  if (!row) throw new AdminError('not_found', `tenant "${tenantId}" does not exist (create it with: tenant create ${tenantId} --name …)`);
}

/**
 * Creates a staff user (or finds them by email, case-insensitively) and gives them `role` in the tenant. Safe to run
 * again: the role is updated, and the password only when one is given.
 */
export async function createUser(
  db: Db,
  input: CreateUserInput,
): Promise<{ user: StaffUserSummary; created: boolean; membershipCreated: boolean }> {
  const { tenantId, email, name, role, password, actor } = parseInput(createUserInput, input);
  const passwordHash = password === undefined ? undefined : await hashPassword(password);
  return db.transaction(async (tx) => {
    await requireTenant(tx, tenantId);
    const [existing] = await tx
      .select()
      .from(staffUsers)
      .where(sql`lower(${staffUsers.email}) = ${email}`)
      .for('update');
    let userId: string;
    if (existing) {
      userId = existing.id;
      const changes = { ...(name ? { name } : {}), ...(passwordHash ? { passwordHash } : {}) };
      if (Object.keys(changes).length) await tx.update(staffUsers).set(changes).where(eq(staffUsers.id, userId));
    } else {
      const [row] = await tx
        .insert(staffUsers)
        .values({ email, name: name ?? nameFromEmail(email), passwordHash: passwordHash ?? null })
        .returning({ id: staffUsers.id });
      userId = row.id;
    }

    const [previous] = await tx
      .select({ role: staffMemberships.role })
      .from(staffMemberships)
      .where(and(eq(staffMemberships.userId, userId), eq(staffMemberships.tenantId, tenantId)));
    if (previous && previous.role !== role) await assertNotLastAdmin(tx, tenantId, userId, previous.role, role);
    await tx
      .insert(staffMemberships)
      .values({ userId, tenantId, role })
      .onConflictDoUpdate({ target: [staffMemberships.userId, staffMemberships.tenantId], set: { role } });

    const changed = !existing || !previous || previous.role !== role || Boolean(passwordHash) || Boolean(name && name !== existing.name);
    if (changed) {
      await writeAudit(tx, {
        tenantId,
        actor,
        action: previous ? 'user.updated' : 'user.added',
        target: `user:${userId}`,
        details: {
          email,
          role,
          ...(previous && previous.role !== role ? { previousRole: previous.role } : {}),
          ...(passwordHash ? { passwordSet: true } : {}),
          ...(!existing ? { accountCreated: true } : {}),
        },
      });
    }
    const [user] = await selectUsers(tx, tenantId, userId);
    return { user, created: !existing, membershipCreated: !previous };
  });
}

function selectUsers(db: Db, tenantId: string, userId?: string): Promise<StaffUserSummary[]> {
  return db
    .select({
      id: staffUsers.id,
      email: staffUsers.email,
      name: staffUsers.name,
      role: staffMemberships.role,
      createdAt: staffUsers.createdAt,
      disabledAt: staffUsers.disabledAt,
    })
    .from(staffMemberships)
    .innerJoin(staffUsers, eq(staffUsers.id, staffMemberships.userId))
    .where(and(eq(staffMemberships.tenantId, tenantId), userId ? eq(staffUsers.id, userId) : undefined))
    .orderBy(asc(staffUsers.email));
}

/** The staff of one tenant, by email. */
export async function listUsers(db: Db, input: { tenantId: string }): Promise<StaffUserSummary[]> {
  const { tenantId } = parseInput(z.object({ tenantId: z.string().min(1) }), input);
  return selectUsers(db, tenantId);
}

/** A club must keep at least one admin, or nobody could manage its users and keys any more. */
async function assertNotLastAdmin(db: Db, tenantId: string, userId: string, currentRole: Role, nextRole: Role | null) {
  if (currentRole !== 'admin' || nextRole === 'admin') return;
  const [{ others }] = await db
    .select({ others: sql<number>`count(*)::int` })
    .from(staffMemberships)
    .where(and(eq(staffMemberships.tenantId, tenantId), eq(staffMemberships.role, 'admin'), ne(staffMemberships.userId, userId)));
  if (others === 0) throw new AdminError('conflict', 'this is the last admin of the club; make someone else admin first');
}

async function lockMembership(db: Db, tenantId: string, userId: string) {
  const [membership] = await db
    .select({ role: staffMemberships.role, email: staffUsers.email })
    .from(staffMemberships)
    .innerJoin(staffUsers, eq(staffUsers.id, staffMemberships.userId))
    .where(and(eq(staffMemberships.tenantId, tenantId), eq(staffMemberships.userId, userId)))
    .for('update', { of: staffMemberships });
  if (!membership) throw new AdminError('not_found', 'no such user in this club');
  return membership;
}

const setUserRoleInput = z.object({
  tenantId: z.string().min(1),
  userId: z.uuid('must be a user id'),
  role: roleSchema,
  actor: actorSchema,
});

export async function setUserRole(db: Db, input: z.input<typeof setUserRoleInput>): Promise<StaffUserSummary> {
  const { tenantId, userId, role, actor } = parseInput(setUserRoleInput, input);
  return db.transaction(async (tx) => {
    const membership = await lockMembership(tx, tenantId, userId);
    if (membership.role !== role) {
      await assertNotLastAdmin(tx, tenantId, userId, membership.role, role);
      await tx
        .update(staffMemberships)
        .set({ role })
        .where(and(eq(staffMemberships.tenantId, tenantId), eq(staffMemberships.userId, userId)));
      await writeAudit(tx, {
        tenantId,
        actor,
        action: 'user.role_changed',
        target: `user:${userId}`,
        details: { email: membership.email, previousRole: membership.role, role },
      });
    }
    const [user] = await selectUsers(tx, tenantId, userId);
    return user;
  });
}

const removeUserInput = z.object({ tenantId: z.string().min(1), userId: z.uuid('must be a user id'), actor: actorSchema });

/** Takes the user out of this club (their account and other clubs are untouched). */
export async function removeUser(db: Db, input: z.input<typeof removeUserInput>): Promise<void> {
  const { tenantId, userId, actor } = parseInput(removeUserInput, input);
  await db.transaction(async (tx) => {
    const membership = await lockMembership(tx, tenantId, userId);
    await assertNotLastAdmin(tx, tenantId, userId, membership.role, null);
    await tx
      .delete(staffMemberships)
      .where(and(eq(staffMemberships.tenantId, tenantId), eq(staffMemberships.userId, userId)));
    await writeAudit(tx, {
      tenantId,
      actor,
      action: 'user.removed',
      target: `user:${userId}`,
      details: { email: membership.email, role: membership.role },
    });
  });
}

/** The user id of a member of this club by email, for the CLI (which speaks emails, not ids). */
export async function findUserIdByEmail(db: Db, input: { tenantId: string; email: string }): Promise<string> {
  const email = parseInput(emailSchema, input.email);
  const [row] = await db
    .select({ id: staffUsers.id })
    .from(staffMemberships)
    .innerJoin(staffUsers, eq(staffUsers.id, staffMemberships.userId))
    .where(and(eq(staffMemberships.tenantId, input.tenantId), sql`lower(${staffUsers.email}) = ${email}`));
  if (!row) throw new AdminError('not_found', `no user ${email} in club "${input.tenantId}"`);
  return row.id;
}
