import { apiRoute, otherMethods, paginate } from '@/server/api/handler';
import { endpoints } from '@/server/api/v1/endpoints';
import { searchMembers } from '@/server/queries/members';

export const GET = apiRoute(endpoints.listCustomers, async ({ db, principal, query }) =>
  paginate(await searchMembers(db, { ...query, tenantId: principal.tenantId }), query),
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods('GET');
