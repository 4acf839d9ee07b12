import { apiRoute, otherMethods, paginate } from '@/server/api/handler';
import { endpoints } from '@/server/api/v1/endpoints';
import { listChurnRisk } from '@/server/queries/churn';

export const GET = apiRoute(endpoints.listChurnRisk, async ({ db, principal, query }) =>
  paginate(await listChurnRisk(db, { ...query, tenantId: principal.tenantId }), query),
);

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods('GET');
