import { notFound } from '@/server/api/errors';
import { apiRoute, otherMethods } from '@/server/api/handler';
import { endpoints } from '@/server/api/v1/endpoints';
import { resolveCustomer } from '@/server/queries/profile';

/** Kept for the spec's `GET ?email=`; POST takes the same fields in a JSON body and keeps them out of URLs. */
export const GET = apiRoute(endpoints.resolveCustomer, async ({ db, principal, query }) => {
  const customer = await resolveCustomer(db, { ...query, tenantId: principal.tenantId });
  return customer ?? notFound('Customer');
});

export const POST = apiRoute(endpoints.resolveCustomerByBody, async ({ db, principal, body }) => {
  const customer = await resolveCustomer(db, { ...body, tenantId: principal.tenantId });
  return customer ?? notFound('Customer');
});

export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods('GET', 'POST');
