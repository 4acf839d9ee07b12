import { buildOpenApiDocument } from '@/server/api/v1/openapi';
import { otherMethods } from '@/server/api/handler';

/** Public: the document describes the API, not any club's data. */
export function GET(): Response {
  return Response.json(buildOpenApiDocument(), { headers: { 'Cache-Control': 'public, max-age=300' } });
}

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods('GET');
