import { apiRoute, otherMethods, paginate } from '@/server/api/handler';
import { endpoints } from '@/server/api/v1/endpoints';
import { searchMembers } from '@/server/queries/members';

/** The customer search with its parameters in the body: what the staff app uses for emails and phone numbers. */
export const POST = apiRoute(endpoints.searchCustomers, async ({ db, principal, body }) =>
  paginate(await searchMembers(db, { ...body, tenantId: principal.tenantId }), body),
);

export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods('POST');
