import { apiRoute, otherMethods } from '@/server/api/handler';
import { apiQueues } from '@/server/api/queues';
import { endpoints } from '@/server/api/v1/endpoints';
import { getQueueHealth } from '@/server/queries/queue-health';

/** Redis's own error text stays in the logs; callers learn only that the queue could not be read. */
const UNREADABLE = 'The queue could not be read';

export const GET = apiRoute(endpoints.getQueueHealth, async ({ db, rt, principal }) => {
  const { inbound, outbound } = apiQueues(rt);
  const health = await getQueueHealth(db, { tenantId: principal.tenantId, queues: { inbound, outbound } });
  return {
    ...health,
    inbound: { ...health.inbound, error: health.inbound.error && UNREADABLE },
    outbound: { ...health.outbound, error: health.outbound.error && UNREADABLE },
  };
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods('GET');
