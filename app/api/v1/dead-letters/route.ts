import { apiRoute, otherMethods, paginate } from '@/server/api/handler';
import { endpoints } from '@/server/api/v1/endpoints';
import { listDeadLetters } from '@/server/dead-letters/store';

export const GET = apiRoute(endpoints.listDeadLetters, async ({ db, principal, query }) => {
  const page = await listDeadLetters(db, { ...query, tenantId: principal.tenantId });
  // Named as §10 names them; the original payload (personal data) is left out of the list.
  const rows = page.rows.map((dl) => ({
    eventId: dl.eventId,
    source: dl.source,
    type: dl.eventType,
    reason: dl.reason,
    step: dl.failedStep,
    error: dl.error,
    attempts: dl.attempts,
    retryCount: dl.retryCount,
    firstFailedAt: dl.firstFailedAt,
    deadLetteredAt: dl.deadLetteredAt,
    lastRetriedAt: dl.lastRetriedAt,
    lastRetriedBy: dl.lastRetriedBy,
  }));
  return paginate({ rows, total: page.total }, query);
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods('GET');
