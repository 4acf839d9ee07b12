import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client';
import { tenants, type Tenant } from '../db/schema';
import { ensureSystemSegments } from '../segments/system';
import { writeAudit } from './audit';
import { actorSchema, parseInput, SYSTEM_ACTOR, type Actor } from './errors';

/** Tenant ids appear in URLs, API keys' scope and log lines: short, lower-case, no surprises. */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;

export const tenantIdSchema = z
  .string()
  .regex(TENANT_ID_PATTERN, 'must be 2–63 characters of a–z, 0–9 and "-", starting with a letter or digit');

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** Countries whose clubs this product has served; any other country falls back to UTC unless a zone is given. */
const DEFAULT_TIME_ZONES: Record<string, string> = {
  ZA: 'Africa/Johannesburg',
  NA: 'Africa/Windhoek',
  BW: 'Africa/Gaborone',
  GB: 'Europe/London',
};

const createTenantInput = z.object({
  id: tenantIdSchema,
  name: z.string().trim().min(1, 'must not be empty').max(200),
  country: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, 'must be a two-letter ISO 3166 country code such as ZA')
    .default('ZA'),
  timeZone: z.string().trim().refine(isTimeZone, 'must be an IANA time zone such as Africa/Johannesburg').optional(),
  actor: actorSchema.default(SYSTEM_ACTOR),
});
export type CreateTenantInput = z.input<typeof createTenantInput>;

/**
 * Creates a tenant, or updates its name and country (and time zone when given) if it exists, so the demo seed and
 * provisioning scripts can run again safely. The tenant's system segments are ensured either way.
 */
export async function createTenant(db: Db, input: CreateTenantInput): Promise<{ tenant: Tenant; created: boolean }> {
  const { id, name, country, timeZone, actor } = parseInput(createTenantInput, input);
  const result = await db.transaction(async (tx) => {
    const [existing] = await tx.select().from(tenants).where(eq(tenants.id, id)).for('update');
    let tenant: Tenant;
    if (existing) {
      [tenant] = await tx
        .update(tenants)
        .set({ name, country, ...(timeZone ? { timeZone } : {}) })
        .where(eq(tenants.id, id))
        .returning();
      const changed = existing.name !== name || existing.country !== country || (timeZone && existing.timeZone !== timeZone);
      if (changed) await audit(tx, actor, id, 'tenant.updated', { name, country, timeZone: tenant.timeZone });
    } else {
      [tenant] = await tx
        .insert(tenants)
        .values({ id, name, country, timeZone: timeZone ?? DEFAULT_TIME_ZONES[country] ?? 'UTC' })
        // Two provisioning runs at once: the second one sees the first one's row on its next run.
        .onConflictDoNothing()
        .returning();
      if (!tenant) [tenant] = await tx.select().from(tenants).where(eq(tenants.id, id));
      await audit(tx, actor, id, 'tenant.created', { name, country, timeZone: tenant.timeZone });
    }
    return { tenant, created: !existing };
  });
  // After the commit: it takes its own lock and transaction, and clears this process's segment cache.
  await ensureSystemSegments(db, id);
  return result;
}

function audit(db: Parameters<typeof writeAudit>[0], actor: Actor, tenantId: string, action: string, details: Record<string, unknown>) {
  return writeAudit(db, { tenantId, actor, action, target: `tenant:${tenantId}`, details });
}

export async function listTenants(db: Db): Promise<Tenant[]> {
  return db.select().from(tenants).orderBy(asc(tenants.id));
}

export async function getTenant(db: Db, input: { tenantId: string }): Promise<Tenant | null> {
  const [tenant] = await db.select().from(tenants).where(eq(tenants.id, input.tenantId));
  return tenant ?? null;
}
