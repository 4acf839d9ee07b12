import { eq } from 'drizzle-orm';
import type { Db } from '@/server/db/client';
import { tenants } from '@/server/db/schema';

/** The settings pages format with: the club's name, time zone and phone country. */
export async function getTenantSettings(db: Db, { tenantId }: { tenantId: string }) {
  const [tenant] = await db
    .select({ id: tenants.id, name: tenants.name, timeZone: tenants.timeZone, country: tenants.country })
    .from(tenants)
    .where(eq(tenants.id, tenantId));
  return tenant ?? null;
}
