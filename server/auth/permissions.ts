import type { ApiScope, Role } from '@/server/db/schema';

export type { ApiScope, Role } from '@/server/db/schema';

/** Everything a person or an API key may be allowed to do. Pages, route handlers and actions check one of these. */
export const PERMISSIONS = [
  'profiles.read',
  'timeline.read',
  'churn.read',
  'segments.read',
  'segments.write',
  'segments.export',
  'duplicates.resolve',
  'queue.read',
  'deadletters.retry',
  'users.manage',
  'apikeys.manage',
  'audit.read',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

/** Everyone may look: profiles, timelines, churn, segments, and queue health (staff see no retry control). */
const READ: Permission[] = ['profiles.read', 'timeline.read', 'churn.read', 'segments.read', 'queue.read'];
const MARKETING: Permission[] = [...READ, 'segments.write', 'segments.export', 'duplicates.resolve'];
/** Operations: acting on the queue (dead-letter retry), plus the people and keys of the club. */
const ADMIN: Permission[] = [
  ...MARKETING,
  'deadletters.retry',
  'users.manage',
  'apikeys.manage',
  'audit.read',
];

/** The one table of who may do what. Each role includes everything of the role before it. */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  staff: READ,
  marketing: MARKETING,
  admin: ADMIN,
};

/**
 * What an API key's scopes allow. Scopes are cumulative (crm:write includes crm:read). A key can never manage
 * users or other keys, whatever its scope: a leaked key must not be able to mint more keys.
 */
export const SCOPE_PERMISSIONS: Record<ApiScope, readonly Permission[]> = {
  'crm:read': READ,
  'crm:write': [...READ, 'segments.write', 'segments.export'],
  'crm:admin': ADMIN.filter((p) => p !== 'users.manage' && p !== 'apikeys.manage'),
};

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

export function permissionsForRole(role: Role): Permission[] {
  return [...ROLE_PERMISSIONS[role]];
}

/** The union of what each scope allows, in the order of PERMISSIONS. */
export function permissionsForScopes(scopes: readonly ApiScope[]): Permission[] {
  const granted = new Set(scopes.flatMap((scope) => SCOPE_PERMISSIONS[scope] ?? []));
  return PERMISSIONS.filter((p) => granted.has(p));
}

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}
