import { connection } from 'next/server';
import { cache } from 'react';
import { requireViewer } from '@/server/auth/viewer';
import type { Permission } from '@/server/auth/permissions';
import { db } from '@/server/db/client';
import { getTenantSettings } from '@/server/queries/tenant';

const DEFAULT_TIME_ZONE = 'Africa/Johannesburg';

const tenantSettings = cache(async (tenantId: string) => getTenantSettings(db(), { tenantId }));

/**
 * What every dashboard page starts with: render per request, check the permission server-side (redirects to
 * sign-in or answers 403 inside requireViewer), and the club's time zone for formatting.
 */
export async function pageContext(permission?: Permission) {
  await connection();
  const viewer = await requireViewer(permission);
  const tenant = await tenantSettings(viewer.tenantId);
  return { viewer, db: db(), timeZone: tenant?.timeZone ?? DEFAULT_TIME_ZONE, now: new Date() };
}
