import { notFound } from '@/server/api/errors';
import { apiRoute, otherMethods } from '@/server/api/handler';
import { endpoints } from '@/server/api/v1/endpoints';
import { getProfile } from '@/server/queries/profile';

export const GET = apiRoute(endpoints.getCustomer, async ({ db, principal, params }) => {
  const customer = await getProfile(db, { tenantId: principal.tenantId, id: params.id });
  return customer ?? notFound('Customer');
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods('GET');
