import { notFound } from '@/server/api/errors';
import { apiRoute } from '@/server/api/handler';
import { endpoints } from '@/server/api/v1/endpoints';
import { resolveCustomer } from '@/server/queries/profile';

export const GET = apiRoute(endpoints.resolveCustomer, async ({ db, principal, query }) => {
  const customer = await resolveCustomer(db, { ...query, tenantId: principal.tenantId });
  return customer ?? notFound('Customer');
});
