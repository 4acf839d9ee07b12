import { notFound } from '@/server/api/errors';
import { apiRoute, otherMethods } from '@/server/api/handler';
import { apiQueues } from '@/server/api/queues';
import { endpoints } from '@/server/api/v1/endpoints';
import { retryDeadLetters } from '@/server/dead-letters/store';

/** Requeues one dead letter of the caller's club; the store writes the audit entry (who, when, what). */
export const POST = apiRoute(endpoints.retryDeadLetter, async ({ db, rt, principal, params }) => {
  const result = await retryDeadLetters(db, {
    tenantId: principal.tenantId,
    eventIds: [params.eventId],
    actor: { id: `${principal.kind}:${principal.id}`, label: principal.label },
    queue: apiQueues(rt).inbound,
  });
  return result.notFound > 0 ? notFound('Dead letter') : result;
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods('POST');
