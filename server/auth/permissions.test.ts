import { describe, expect, it } from 'vitest';
import { ROLES, API_SCOPES } from '@/server/db/schema';
import { can, PERMISSIONS, permissionsForScopes, ROLE_PERMISSIONS, SCOPE_PERMISSIONS } from './permissions';

describe('ROLE_PERMISSIONS', () => {
  it('gives staff read access only (queue health included, no retry)', () => {
    expect(ROLE_PERMISSIONS.staff).toEqual(['profiles.read', 'timeline.read', 'churn.read', 'segments.read', 'queue.read']);
    expect(can('staff', 'deadletters.retry')).toBe(false);
  });

  it('lets marketing write and export segments, but not run the queue or manage people', () => {
    expect(can('marketing', 'segments.write')).toBe(true);
    expect(can('marketing', 'segments.export')).toBe(true);
    expect(can('marketing', 'deadletters.retry')).toBe(false);
    expect(can('marketing', 'users.manage')).toBe(false);
    expect(can('staff', 'segments.write')).toBe(false);
  });

  it('gives admin every permission', () => {
    expect([...ROLE_PERMISSIONS.admin].sort()).toEqual([...PERMISSIONS].sort());
  });

  it('makes each role include the one before it', () => {
    for (let i = 1; i < ROLES.length; i++) {
      const lower = ROLE_PERMISSIONS[ROLES[i - 1]!];
      expect(lower.every((p) => ROLE_PERMISSIONS[ROLES[i]!].includes(p))).toBe(true);
    }
  });
});

describe('API key scopes', () => {
  it('are cumulative: write includes read, admin includes write', () => {
    expect(permissionsForScopes(['crm:write'])).toEqual(expect.arrayContaining([...SCOPE_PERMISSIONS['crm:read']]));
    expect(permissionsForScopes(['crm:admin'])).toEqual(expect.arrayContaining([...SCOPE_PERMISSIONS['crm:write']]));
  });

  it('never let a key manage users or keys', () => {
    for (const scope of API_SCOPES) {
      expect(permissionsForScopes([scope])).not.toContain('users.manage');
      expect(permissionsForScopes([scope])).not.toContain('apikeys.manage');
    }
  });

  it('unions several scopes without duplicates', () => {
    const both = permissionsForScopes(['crm:read', 'crm:write']);
    expect(new Set(both).size).toBe(both.length);
    expect(both).toContain('segments.export');
    expect(permissionsForScopes(['crm:read'])).not.toContain('segments.write');
  });
});
