import { connection } from 'next/server';
import { cache } from 'react';
import { requireViewer } from '@/server/auth/viewer';
import type { Permission } from '@/server/auth/permissions';
import { db, type Tx } from '@/server/db/client';
import { withTenant } from '@/server/db/scope';
import { getTenantSettings } from '@/server/queries/tenant';

const DEFAULT_TIME_ZONE = 'Africa/Johannesburg';

const tenantSettings = cache(async (tenantId: string) =>
  withTenant(db(), tenantId, (tx) => getTenantSettings(tx, { tenantId })),
);

/**
 * What every dashboard page starts with: render per request, check the permission server-side (redirects to
 * sign-in or answers 403 inside requireViewer), and the club's time zone for formatting.
 *
 * Pages read through `inTenant((db) => …)`: a transaction scoped to the viewer's club (row-level security), so a
 * query that forgot its tenant would find nothing. Reads that do not depend on each other each get their own call
 * inside a Promise.all, so they still run side by side on separate connections.
 */
export async function pageContext(permission?: Permission) {
  await connection();
  const viewer = await requireViewer(permission);
  const tenant = await tenantSettings(viewer.tenantId);
  const inTenant = <T>(read: (db: Tx) => Promise<T>): Promise<T> => withTenant(db(), viewer.tenantId, read);
  return { viewer, inTenant, timeZone: tenant?.timeZone ?? DEFAULT_TIME_ZONE, now: new Date() };
}
