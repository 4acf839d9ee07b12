import type { Metadata } from 'next';
import { ApiKeysPanel } from '@/components/settings/api-keys-panel';
import { UsersPanel } from '@/components/settings/users-panel';
import { PageHeader } from '@/components/ui/page-header';
import { listApiKeys } from '@/server/admin/api-keys';
import { listUsers } from '@/server/admin/users';
import { pageContext } from '../page-context';
import { addUserAction, changeRoleAction, createApiKeyAction, removeUserAction, revokeApiKeyAction } from './actions';

export const metadata: Metadata = { title: 'Settings' };

export default async function SettingsPage() {
  const { viewer, inTenant, timeZone } = await pageContext('users.manage');
  const [users, keys] = await Promise.all([
    inTenant((db) => listUsers(db, { tenantId: viewer.tenantId })),
    inTenant((db) => listApiKeys(db, { tenantId: viewer.tenantId })),
  ]);
  return (
    <div className="space-y-8">
      <PageHeader title="Settings" subtitle={`People and API keys of ${viewer.tenantName}. Every change is recorded in the audit log.`} />
      <section aria-labelledby="users-title" className="space-y-2">
        <h2 id="users-title" className="text-base font-semibold text-zinc-900">Users and roles</h2>
        <UsersPanel
          users={users.map((u) => ({ ...u, createdAt: u.createdAt.toISOString(), disabledAt: u.disabledAt?.toISOString() ?? null }))}
          selfId={viewer.userId}
          timeZone={timeZone}
          addUser={addUserAction}
          changeRole={changeRoleAction}
          removeUser={removeUserAction}
        />
      </section>
      <section aria-labelledby="keys-title" className="space-y-2">
        <h2 id="keys-title" className="text-base font-semibold text-zinc-900">API keys</h2>
        <ApiKeysPanel
          keys={keys.map((k) => ({
            ...k,
            createdAt: k.createdAt.toISOString(),
            lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
            revokedAt: k.revokedAt?.toISOString() ?? null,
          }))}
          timeZone={timeZone}
          createKey={createApiKeyAction}
          revokeKey={revokeApiKeyAction}
        />
      </section>
    </div>
  );
}
