import { apiRoute, otherMethods, paginate } from '@/server/api/handler';
import { apiQueues } from '@/server/api/queues';
import { endpoints } from '@/server/api/v1/endpoints';
import { createSegment, listSegments } from '@/server/segments/service';
import { enqueueSegmentRecompute } from '@/workers/segment-recompute';

/** A club has tens of segments, not thousands: they are read whole and paged here. */
export const GET = apiRoute(endpoints.listSegments, async ({ db, principal, query }) => {
  const all = await listSegments(db, { tenantId: principal.tenantId });
  return paginate({ rows: all.slice(query.skip, query.skip + query.take), total: all.length }, query);
});

export const POST = apiRoute(endpoints.createSegment, async ({ db, rt, principal, body }) => {
  const { segment, needsRecompute } = await createSegment(db, {
    ...body,
    tenantId: principal.tenantId,
    createdBy: principal.label,
  });
  if (needsRecompute) {
    await enqueueSegmentRecompute(apiQueues(rt).segments, { tenantId: principal.tenantId, segmentId: segment.id });
  }
  return segment;
});

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods('GET', 'POST');
