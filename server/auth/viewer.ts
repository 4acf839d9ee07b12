import { cookies, headers } from 'next/headers';
import { forbidden, redirect } from 'next/navigation';
import { cache } from 'react';
import { withSystemScope } from '@/server/db/scope';
import { auth } from './index';
import type { Permission } from './permissions';
import { runtime } from './runtime';
import { PATH_HEADER, safeCallbackPath } from './paths';
import { isSameOrigin } from './session-token';
import { loadViewer, TENANT_COOKIE, type Viewer } from './staff-access';

export type { Viewer, TenantAccess } from './staff-access';

/**
 * The signed-in person in their active club, or null. Memberships and role are read from the database on every
 * request (once per request: React's cache), and the club cookie is honoured only for a club they belong to.
 */
export const getViewer = cache(async (): Promise<Viewer | null> => {
  const session = await auth();
  const userId = session?.user?.id;
  if (!userId) return null;
  const requestedTenantId = (await cookies()).get(TENANT_COOKIE)?.value;
  // The person's clubs, across tenants: the active club is what this decides.
  return withSystemScope(runtime().db, (tx) => loadViewer(tx, { userId, requestedTenantId }));
});

export async function signInUrl(): Promise<string> {
  const path = safeCallbackPath((await headers()).get(PATH_HEADER));
  return path === '/' ? '/sign-in' : `/sign-in?callbackUrl=${encodeURIComponent(path)}`;
}

/**
 * For pages (server components): the viewer, or a redirect to sign-in when nobody is signed in, or Next's 403
 * view (`forbidden()`, app/forbidden.tsx; needs `experimental.authInterrupts`) when the permission is missing.
 */
export async function requireViewer(permission?: Permission): Promise<Viewer> {
  const viewer = await getViewer();
  if (!viewer) redirect(await signInUrl());
  if (permission && !viewer.permissions.includes(permission)) forbidden();
  return viewer;
}

/**
 * For server actions: like requireViewer, and the request must come from this site (an `Origin` naming this
 * host; a missing or `null` Origin is refused), so another site cannot drive a signed-in browser.
 */
export async function requireActionPermission(permission: Permission): Promise<Viewer> {
  if (!isSameOrigin(await headers())) forbidden();
  return requireViewer(permission);
}
