import { notFound } from '@/server/api/errors';
import { apiRoute, otherMethods } from '@/server/api/handler';
import { endpoints } from '@/server/api/v1/endpoints';
import { getEventTrace } from '@/server/queries/event-trace';

export const GET = apiRoute(endpoints.getEventTrace, async ({ db, principal, params }) => {
  const trace = await getEventTrace(db, { tenantId: principal.tenantId, eventId: params.eventId });
  if (!trace) notFound('Event');
  // The original payload stays out of API answers; operators read it in the app or the CLI.
  const { deadLetter, ...rest } = trace;
  return { ...rest, deadLetter: deadLetter ? { ...deadLetter, jobData: undefined } : null };
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods('GET');
