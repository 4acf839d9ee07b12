import { badRequest, notFound } from '@/server/api/errors';
import { apiRoute, CursorResult, otherMethods } from '@/server/api/handler';
import { endpoints } from '@/server/api/v1/endpoints';
import { decodeCursor, listActivities } from '@/server/queries/timeline';

export const GET = apiRoute(endpoints.listCustomerActivities, async ({ db, principal, params, query }) => {
  if (query.cursor && !decodeCursor(query.cursor)) badRequest('cursor: must be a meta.nextCursor value');
  const page = await listActivities(db, {
    tenantId: principal.tenantId,
    profileId: params.id,
    types: query.type,
    sources: query.source,
    from: query.from,
    to: query.to,
    cursor: query.cursor,
    take: query.take,
  });
  if (!page) notFound('Customer');
  const { rows, nextCursor } = page;
  return new CursorResult(rows, { take: query.take, hasMore: nextCursor !== null, nextCursor });
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods('GET');
