import { findApiKey } from '@/server/admin/api-keys';
import { permissionsForScopes, type Permission } from '@/server/auth/permissions';
import type { Runtime } from '@/server/auth/runtime';
import { readCookie, readSessionUserId } from '@/server/auth/session-token';
import { loadViewer, TENANT_COOKIE } from '@/server/auth/staff-access';
import { withSystemScope } from '@/server/db/scope';
import { ApiError } from './errors';

/** Who is calling the read API: an API key of one tenant, or a signed-in staff member in their active tenant. */
export interface Principal {
  tenantId: string;
  kind: 'key' | 'user';
  id: string;
  /** For the audit log: the key's name or the person's email. */
  label: string;
  permissions: Permission[];
}

/**
 * Authenticates a request: a Bearer API key when an Authorization header is present (and only then), otherwise
 * the staff session cookie. Null when neither identifies anyone.
 */
export async function authenticate(request: Request, rt: Runtime): Promise<Principal | null> {
  const authorization = request.headers.get('authorization');
  if (authorization !== null) {
    const [scheme, token] = authorization.trim().split(/\s+/, 2);
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      throw new ApiError('unauthorized', 'Authorization must be "Bearer <API key>"');
    }
    // Which club a key belongs to is what this finds out: a look-up across tenants.
    const key = await withSystemScope(rt.db, (tx) => findApiKey(tx, token));
    if (!key) return null;
    return {
      tenantId: key.tenantId,
      kind: 'key',
      id: key.id,
      label: `API key "${key.name}"`,
      permissions: permissionsForScopes(key.scopes),
    };
  }

  const userId = await readSessionUserId(request, rt.authSecret);
  if (!userId) return null;
  const requestedTenantId = readCookie(request.headers, TENANT_COOKIE);
  const viewer = await withSystemScope(rt.db, (tx) => loadViewer(tx, { userId, requestedTenantId }));
  if (!viewer) return null;
  return {
    tenantId: viewer.tenantId,
    kind: 'user',
    id: viewer.userId,
    label: viewer.email,
    permissions: viewer.permissions,
  };
}
