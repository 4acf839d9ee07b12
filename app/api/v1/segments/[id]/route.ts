import { apiRoute, otherMethods } from '@/server/api/handler';
import { endpoints } from '@/server/api/v1/endpoints';
import { getSegment } from '@/server/segments/service';

/** getSegment answers "not found" (404) for an unknown id and for another club's. */
export const GET = apiRoute(endpoints.getSegment, async ({ db, principal, params }) =>
  getSegment(db, { tenantId: principal.tenantId, segmentId: params.id }),
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods('GET');
