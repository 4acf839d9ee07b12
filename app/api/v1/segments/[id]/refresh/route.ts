import { ApiError } from '@/server/api/errors';
import { apiRoute, otherMethods } from '@/server/api/handler';
import { apiQueues } from '@/server/api/queues';
import { endpoints } from '@/server/api/v1/endpoints';
import { getSegment } from '@/server/segments/service';
import { enqueueSegmentRecompute } from '@/workers/segment-recompute';

/** Queues a full recompute now (the definition did not change, so no wait for caches to expire). */
export const POST = apiRoute(endpoints.refreshSegment, async ({ db, rt, principal, params }) => {
  const segment = await getSegment(db, { tenantId: principal.tenantId, segmentId: params.id });
  if (segment.type !== 'DYNAMIC') throw new ApiError('conflict', 'A static segment has no rules to recompute');
  const job = { tenantId: principal.tenantId, segmentId: segment.id };
  await enqueueSegmentRecompute(apiQueues(rt).segments, job, { delayMs: 0 });
  return { segmentId: segment.id, status: 'queued' as const };
});

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods('POST');
