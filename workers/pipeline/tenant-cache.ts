import { inArray } from 'drizzle-orm';
import type { Db } from '@/server/db/client';
import { tenants, type Tenant } from '@/server/db/schema';

const TTL_MS = 30_000;
const cache = new Map<string, { tenant: Tenant; at: number }>();

/**
 * Tenants of a batch. Known tenants are cached briefly; an unknown id is always looked up again, so an event
 * retried after its tenant was created finds it at once.
 */
export async function loadTenants(db: Db, ids: string[]): Promise<Map<string, Tenant>> {
  const now = Date.now();
  const result = new Map<string, Tenant>();
  const missing: string[] = [];
  for (const id of new Set(ids)) {
    const hit = cache.get(id);
    if (hit && now - hit.at < TTL_MS) result.set(id, hit.tenant);
    else missing.push(id);
  }
  if (missing.length) {
    const rows = await db.select().from(tenants).where(inArray(tenants.id, missing));
    for (const tenant of rows) {
      cache.set(tenant.id, { tenant, at: now });
      result.set(tenant.id, tenant);
    }
  }
  return result;
}
