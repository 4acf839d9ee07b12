import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { API_SCOPES } from '@/server/db/schema';
import { SCOPE_PERMISSIONS } from '@/server/auth/permissions';
import { endpoints, type Endpoint } from './endpoints';
import { cursorMeta, errorBody, listMeta } from './schemas';

const ERRORS: Record<number, string> = {
  400: 'A parameter is invalid; the message names it.',
  401: 'No API key or session.',
  403: 'The key or account lacks the permission.',
  404: 'No such resource in your club (another club’s ids answer the same).',
  429: 'Rate limited; see Retry-After.',
  500: 'Unexpected failure; quote the requestId.',
};

function successBody(e: Endpoint): z.ZodType {
  switch (e.answer.kind) {
    case 'item':
      return z.object({ data: e.answer.schema });
    case 'list':
      return z.object({ data: z.array(e.answer.schema), meta: listMeta });
    case 'cursor':
      return z.object({ data: z.array(e.answer.schema), meta: cursorMeta });
  }
}

function scopesAllowing(e: Endpoint): string {
  const scopes = API_SCOPES.filter((scope) => SCOPE_PERMISSIONS[scope].includes(e.permission));
  return scopes.length ? `API key scopes: ${scopes.join(', ')}.` : 'Not available to API keys.';
}

function register(registry: OpenAPIRegistry, e: Endpoint): void {
  const responses: Record<number, ResponseConfig> = {
    [e.successStatus ?? 200]: {
      description: e.answer.description,
      content: {
        'application/json': { schema: successBody(e) },
        ...(e.csv ? { 'text/csv': { schema: z.string().meta({ description: e.csv.description }) } } : {}),
      },
    },
  };
  const validates = e.params || e.query || e.body;
  const codes = [401, 403, 429, 500, ...(validates ? [400] : []), ...(e.params ? [404] : [])];
  for (const code of codes.sort()) {
    responses[code] = { description: ERRORS[code]!, content: { 'application/json': { schema: errorBody } } };
  }
  if (e.conflicts) {
    responses[409] = { description: e.conflicts, content: { 'application/json': { schema: errorBody } } };
  }
  registry.registerPath({
    method: e.method,
    path: e.path,
    operationId: e.operationId,
    summary: e.summary,
    description: `Permission: ${e.permission}${e.csv ? ` (CSV also needs ${e.csv.permission})` : ''}. ${scopesAllowing(e)}`,
    security: [{ apiKey: [] }, { session: [] }],
    request: {
      params: e.params,
      query: e.query as z.ZodObject | undefined,
      body: e.body ? { required: true, content: { 'application/json': { schema: e.body } } } : undefined,
    },
    responses,
  });
}

/** The OpenAPI 3.1 document of /api/v1, generated from the same zod schemas that validate requests. */
export function buildOpenApiDocument(): ReturnType<OpenApiGeneratorV31['generateDocument']> {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key of one club (crm:read, crm:write or crm:admin), created with the crm CLI.',
  });
  registry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'authjs.session-token',
    description: 'The staff app’s session (the club is the one active in the app).',
  });
  for (const e of Object.values(endpoints) as Endpoint[]) register(registry, e);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Clubhouse CRM read API',
      version: '1.0.0',
      description:
        'Customers, timelines, segments, churn risk and the event pipeline of one club. Lists take skip (default ' +
        '0) and take (default 25, max 100) and answer {data, meta}; errors answer {error: {code, message, requestId}}. ' +
        'A path that names no endpoint answers 404 (not_found); a method a path does not serve answers 405 ' +
        '(method_not_allowed) with an Allow header, which OPTIONS answers too.',
    },
    servers: [{ url: '/api/v1' }],
  });
}
