'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { requireActionPermission } from '@/server/auth/viewer';
import { db } from '@/server/db/client';
import { withTenant } from '@/server/db/scope';
import { DEAD_LETTER_REASONS } from '@/server/db/schema';
import { listDeadLetters, retryDeadLetters, type RetryResult } from '@/server/dead-letters/store';

const filterSchema = z.object({
  reason: z.enum(DEAD_LETTER_REASONS).optional(),
  type: z.string().max(200).optional(),
  source: z.string().max(50).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
});
export type DeadLetterFilterInput = z.input<typeof filterSchema>;

const MAX_BATCH = 100;

/** Requeues the given dead letters with a fresh retry budget (audited by the store). */
export async function retryDeadLettersAction(eventIds: string[]): Promise<RetryResult> {
  const viewer = await requireActionPermission('deadletters.retry');
  const ids = z.array(z.string().min(1).max(200)).min(1).max(MAX_BATCH).parse(eventIds);
  const result = await withTenant(db(), viewer.tenantId, (tx) =>
    retryDeadLetters(tx, { tenantId: viewer.tenantId, eventIds: ids, actor: { id: viewer.userId, label: viewer.email } }),
  );
  revalidatePath('/queue');
  return result;
}

/**
 * The event ids of every open dead letter matching a filter, so "retry all that match" can run in batches and show
 * progress (a single request for thousands of events would show nothing until the end).
 */
export async function matchingDeadLetterIds(filter: DeadLetterFilterInput): Promise<string[]> {
  const viewer = await requireActionPermission('deadletters.retry');
  const f = filterSchema.parse(filter);
  const ids: string[] = [];
  for (let skip = 0; ; skip += 500) {
    const { rows } = await withTenant(db(), viewer.tenantId, (tx) =>
      listDeadLetters(tx, { tenantId: viewer.tenantId, ...f, skip, take: 500 }),
    );
    ids.push(...rows.map((r) => r.eventId));
    if (rows.length < 500 || ids.length >= 20_000) return ids;
  }
}
