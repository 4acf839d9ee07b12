'use server';

import { revalidatePath } from 'next/cache';
import { AdminError } from '@/server/admin/errors';
import { writeAudit } from '@/server/admin/audit';
import { requireActionPermission } from '@/server/auth/viewer';
import { db } from '@/server/db/client';
import { withTenant } from '@/server/db/scope';
import { dismissDuplicate, mergeDuplicate } from '@/server/identity/duplicates';
import { writeOutbox } from '@/server/outbound/outbox';
import { moveMembershipsOnMerge } from '@/server/segments/membership';

type Outcome = { ok: boolean; message: string };

function failure(error: unknown): Outcome {
  if (error instanceof AdminError) return { ok: false, message: error.message };
  throw error;
}

/**
 * Staff confirmed two records are one person: merge (older wins), move segment memberships, emit
 * crm.profile.merged and audit — one transaction, like the pipeline's own merges.
 */
export async function mergeDuplicateAction(candidateId: string): Promise<Outcome> {
  const viewer = await requireActionPermission('duplicates.resolve');
  const at = new Date();
  try {
    const merged = await withTenant(db(), viewer.tenantId, async (tx) => {
      const result = await mergeDuplicate(tx, { tenantId: viewer.tenantId, candidateId, userId: viewer.userId, at });
      await moveMembershipsOnMerge(tx, {
        tenantId: viewer.tenantId,
        winnerId: result.winnerId,
        loserId: result.loserId,
        at,
        correlationId: `duplicate:${candidateId}`,
      });
      await writeOutbox(tx, [
        {
          tenantId: viewer.tenantId,
          type: 'crm.profile.merged',
          correlationId: `duplicate:${candidateId}`,
          key: `${result.winnerId}:${result.loserId}`,
          payload: {
            winnerId: result.winnerId,
            loserId: result.loserId,
            loserLinkedIds: result.loserLinkedIds,
            mergedFields: result.mergedFields,
            mergedBy: viewer.userId,
            reason: 'duplicate candidate confirmed by staff',
            mergedAt: at.toISOString(),
          },
          at,
        },
      ]);
      await writeAudit(tx, {
        tenantId: viewer.tenantId,
        actor: { id: viewer.userId, label: viewer.email },
        action: 'profile.merged',
        target: result.winnerId,
        details: { loserId: result.loserId, candidateId },
      });
      return result;
    });
    revalidatePath(`/members/${merged.winnerId}`);
    revalidatePath(`/members/${merged.loserId}`);
    return { ok: true, message: 'Merged. The newer record now points to this one.' };
  } catch (error) {
    return failure(error);
  }
}

/** Staff decided the two records are different people: the candidate is closed and not offered again. */
export async function dismissDuplicateAction(candidateId: string): Promise<Outcome> {
  const viewer = await requireActionPermission('duplicates.resolve');
  try {
    const dismissed = await withTenant(db(), viewer.tenantId, async (tx) => {
      const row = await dismissDuplicate(tx, { tenantId: viewer.tenantId, candidateId, userId: viewer.userId });
      await writeAudit(tx, {
        tenantId: viewer.tenantId,
        actor: { id: viewer.userId, label: viewer.email },
        action: 'duplicate.dismissed',
        target: candidateId,
      });
      return row;
    });
    revalidatePath(`/members/${dismissed.profileA}`);
    revalidatePath(`/members/${dismissed.profileB}`);
    return { ok: true, message: 'Dismissed. They will not be suggested as duplicates again.' };
  } catch (error) {
    return failure(error);
  }
}
