'use server';

import { revalidatePath } from 'next/cache';
import { createApiKey, revokeApiKey } from '@/server/admin/api-keys';
import { AdminError } from '@/server/admin/errors';
import { createUser, removeUser, setUserRole } from '@/server/admin/users';
import { requireActionPermission } from '@/server/auth/viewer';
import { db } from '@/server/db/client';
import { withTenant } from '@/server/db/scope';
import type { Role } from '@/server/db/schema';

export interface FormResult {
  ok: boolean;
  message: string;
  /** Shown once after creating an API key; never stored in plain text. */
  key?: string;
}

/** Admin errors (bad input, conflicts) become a message on the form; anything else is a real failure. */
function refusal(error: unknown): FormResult {
  if (error instanceof AdminError) return { ok: false, message: error.message };
  throw error;
}

export async function addUserAction(_prev: FormResult | null, form: FormData): Promise<FormResult> {
  const viewer = await requireActionPermission('users.manage');
  const password = String(form.get('password') ?? '');
  try {
    const { created, membershipCreated, user } = await withTenant(db(), viewer.tenantId, (tx) =>
      createUser(tx, {
        tenantId: viewer.tenantId,
        email: String(form.get('email') ?? ''),
        name: String(form.get('name') ?? '').trim() || undefined,
        role: String(form.get('role') ?? 'staff') as Role,
        password: password || undefined,
        actor: { id: viewer.userId, label: viewer.email },
      }),
    );
    revalidatePath('/settings');
    const what = created ? 'Added' : membershipCreated ? 'Gave access to' : 'Updated';
    return { ok: true, message: `${what} ${user.email} as ${user.role}.` };
  } catch (error) {
    return refusal(error);
  }
}

export async function changeRoleAction(userId: string, role: Role): Promise<FormResult> {
  const viewer = await requireActionPermission('users.manage');
  if (userId === viewer.userId) return { ok: false, message: 'You cannot change your own role; ask another admin.' };
  try {
    const user = await withTenant(db(), viewer.tenantId, (tx) =>
      setUserRole(tx, { tenantId: viewer.tenantId, userId, role, actor: { id: viewer.userId, label: viewer.email } }),
    );
    revalidatePath('/settings');
    return { ok: true, message: `${user.email} is now ${user.role}.` };
  } catch (error) {
    return refusal(error);
  }
}

export async function removeUserAction(userId: string): Promise<FormResult> {
  const viewer = await requireActionPermission('users.manage');
  if (userId === viewer.userId) return { ok: false, message: 'You cannot remove yourself; ask another admin.' };
  try {
    await withTenant(db(), viewer.tenantId, (tx) =>
      removeUser(tx, { tenantId: viewer.tenantId, userId, actor: { id: viewer.userId, label: viewer.email } }),
    );
    revalidatePath('/settings');
    return { ok: true, message: 'Removed from this club.' };
  } catch (error) {
    return refusal(error);
  }
}

export async function createApiKeyAction(_prev: FormResult | null, form: FormData): Promise<FormResult> {
  const viewer = await requireActionPermission('apikeys.manage');
  try {
    const { key, prefix } = await withTenant(db(), viewer.tenantId, (tx) =>
      createApiKey(tx, {
        tenantId: viewer.tenantId,
        name: String(form.get('name') ?? ''),
        scopes: form.getAll('scopes').map(String),
        createdBy: { id: viewer.userId, label: viewer.email },
      }),
    );
    revalidatePath('/settings');
    return { ok: true, message: `Key ${prefix}… created. Copy it now: it is not shown again.`, key };
  } catch (error) {
    return refusal(error);
  }
}

export async function revokeApiKeyAction(id: string): Promise<FormResult> {
  const viewer = await requireActionPermission('apikeys.manage');
  try {
    const { revoked } = await withTenant(db(), viewer.tenantId, (tx) =>
      revokeApiKey(tx, { tenantId: viewer.tenantId, id, actor: { id: viewer.userId, label: viewer.email } }),
    );
    revalidatePath('/settings');
    return { ok: true, message: revoked ? 'Key revoked; it stops working at once.' : 'That key was already revoked.' };
  } catch (error) {
    return refusal(error);
  }
}
