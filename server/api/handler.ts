import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Permission } from '@/server/auth/permissions';
import type { Tx } from '@/server/db/client';
import { withTenant } from '@/server/db/scope';
import { runtime, type Runtime } from '@/server/auth/runtime';
import { isSameOrigin } from '@/server/auth/session-token';
import { AdminError } from '@/server/admin/errors';
import { logger } from '@/server/logger';
import { SegmentError } from '@/server/segments/errors';
import { ApiError, parseOrThrow } from './errors';
import { authenticate, type Principal } from './principal';
import { consumeRateLimit } from './rate-limit';
import { jsonResponse } from './json-response';

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface HandlerContext<P, Q, B> {
  req: Request;
  /**
   * A transaction scoped to the caller's tenant (row-level security), committed when the handler returns; every
   * query must also be given `principal.tenantId`. A response streamed after that reads through `rt.db` with
   * withTenant per page.
   */
  db: Tx;
  /** Connections beyond the transaction (the database, Redis, key prefix) for streaming and enqueueing work. */
  rt: Runtime;
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
  principal: Principal;
  requestId: string;
}

/** A page of a list, answered as `{data, meta: {total, skip, take, hasMore}}`. */
export class ListResult<T> {
  constructor(
    readonly rows: T[],
    readonly meta: { total: number; skip: number; take: number; hasMore: boolean },
  ) {}
}

/** A keyset page (timelines), answered as `{data, meta: {take, hasMore, nextCursor}}`. */
export class CursorResult<T> {
  constructor(
    readonly rows: T[],
    readonly meta: { take: number; hasMore: boolean; nextCursor: string | null },
  ) {}
}

export function paginate<T>(page: { rows: T[]; total: number }, paging: { skip: number; take: number }): ListResult<T> {
  return new ListResult(page.rows, {
    total: page.total,
    skip: paging.skip,
    take: paging.take,
    hasMore: paging.skip + page.rows.length < page.total,
  });
}

/** Next passes route params as a promise; tests pass the same shape. */
export interface RouteArgs {
  params: Promise<Record<string, string | string[] | undefined>>;
}

const NO_STORE = { 'Cache-Control': 'no-store' };

/**
 * Wraps a route handler of the read API: authenticates (API key or staff session), rate-limits per caller, checks
 * the permission, validates params, query and body with zod, and turns every outcome into the API's JSON shapes —
 * `{data}` / `{data, meta}` on success, `{error: {code, message, requestId}}` otherwise. The handler receives the
 * caller's tenant in `principal` and must pass it to every query. Unexpected errors are logged with the request
 * id and answered as a bare 500, never with their internals.
 */
export function apiRoute<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(
  spec: { permission: Permission; params?: P; query?: Q; body?: B; successStatus?: number },
  handler: (ctx: HandlerContext<P, Q, B>) => Promise<unknown>,
): (req: Request, args: RouteArgs) => Promise<Response> {
  return async (req, args) => {
    const requestId = requestIdOf(req);
    try {
      const rt = runtime();
      const principal = await authenticate(req, rt);
      if (!principal) throw new ApiError('unauthorized', 'Sign in or send "Authorization: Bearer <API key>"');
      await consumeRateLimit(rt, principal);
      requirePermission(principal, spec.permission);
      // A browser session must not be usable by another site to change data (cookies are SameSite=Lax; this also
      // covers same-site subdomains).
      const changesData = req.method !== 'GET' && req.method !== 'HEAD';
      if (principal.kind === 'user' && changesData && !isSameOrigin(req.headers, new URL(req.url).host)) {
        throw new ApiError('forbidden', 'Cross-origin requests may not change data');
      }
      const params = parseWith(spec.params, await args.params, '') as Out<P>;
      const query = parseWith(spec.query, searchParamsObject(new URL(req.url).searchParams), '') as Out<Q>;
      const body = (spec.body ? parseWith(spec.body, await readJson(req), 'body') : undefined) as Out<B>;

      const result = await withTenant(rt.db, principal.tenantId, (db) =>
        handler({ req, db, rt, params, query, body, principal, requestId }),
      );
      return toResponse(result, spec.successStatus ?? 200, requestId);
    } catch (error) {
      return errorResponse(error, requestId, req);
    }
  };
}

function parseWith(schema: z.ZodType | undefined, input: unknown, prefix: string): unknown {
  return schema ? parseOrThrow(schema, input, prefix) : undefined;
}

/** Query parameters as an object; a parameter given twice becomes an array (which single-valued schemas refuse). */
export function searchParamsObject(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    out[key] = values.length === 1 ? values[0]! : values;
  }
  return out;
}

async function readJson(req: Request): Promise<unknown> {
  const text = await req.text();
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError('bad_request', 'body: must be valid JSON');
  }
}

function requestIdOf(req: Request): string {
  const given = req.headers.get('x-request-id');
  return given && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
}

function toResponse(result: unknown, status: number, requestId: string): Response {
  if (result instanceof Response) {
    result.headers.set('Cache-Control', 'no-store');
    result.headers.set('X-Request-Id', requestId);
    return result;
  }
  const headers = { ...NO_STORE, 'X-Request-Id': requestId };
  if (result instanceof ListResult || result instanceof CursorResult) {
    return jsonResponse({ data: result.rows, meta: result.meta }, { status, headers });
  }
  return jsonResponse({ data: result }, { status, headers });
}

/**
 * Domain errors that carry a code meant for callers (segments, admin) become API errors; anything else is
 * unexpected and stays unexplained.
 */
function knownError(error: unknown): ApiError | null {
  if (error instanceof ApiError) return error;
  if (error instanceof SegmentError || error instanceof AdminError) {
    if (error.code === 'not_found') return new ApiError('not_found', error.message);
    if (error.code === 'name_taken' || error.code === 'conflict') return new ApiError('conflict', error.message);
    return new ApiError('bad_request', error.message);
  }
  return null;
}

export function errorResponse(error: unknown, requestId: string, req?: Request): Response {
  const known = knownError(error);
  if (!known) {
    const path = req ? new URL(req.url).pathname : undefined;
    logger.error({ err: error, requestId, method: req?.method, path }, 'API request failed');
  }
  const code = known?.code ?? 'internal';
  const message = known?.message ?? 'Something went wrong';
  return jsonResponse(
    { error: { code, message, requestId } },
    {
      status: known?.status ?? 500,
      headers: {
        ...NO_STORE,
        'X-Request-Id': requestId,
        ...(known?.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {}),
        ...known?.headers,
      },
    },
  );
}

/**
 * The answer for a path under /api/v1 that names no endpoint (app/api/v1/[...path]/route.ts): the API's JSON error
 * rather than the app's HTML page. Given before authentication, as the endpoints are public in /api/v1/openapi.json.
 */
export async function unknownEndpoint(req: Request): Promise<Response> {
  const path = shownPath(req);
  const error = new ApiError('not_found', `No endpoint ${req.method} ${path}; the endpoints are listed in /api/v1/openapi.json`);
  return errorResponse(error, requestIdOf(req), req);
}

/** The request's path as a refusal quotes it: a caller's URL, so bounded in length. */
function shownPath(req: Request): string {
  return new URL(req.url).pathname.slice(0, 200);
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const METHODS: readonly Method[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
type Handler = (req: Request) => Promise<Response>;
type OtherMethods<A extends Method[]> = Record<Exclude<Method, A[number]> | 'OPTIONS', Handler>;

/**
 * Handlers for the methods a route does not serve, exported beside its own (`export const { PUT, PATCH, DELETE,
 * OPTIONS } = otherMethods('GET', 'POST')`): a wrong method gets the API's JSON 405 with an Allow header, not Next's
 * empty one. OPTIONS answers the same Allow header: Next's own would list every method the file exports.
 */
export function otherMethods<const A extends Method[]>(...allowed: A): OtherMethods<A> {
  const allow = [...allowed, ...(allowed.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].join(', ');
  const refuse: Handler = async (req) => {
    const message = `${req.method} is not allowed on ${shownPath(req)}; it answers ${allowed.join(' and ')}`;
    return errorResponse(new ApiError('method_not_allowed', message, { Allow: allow }), requestIdOf(req), req);
  };
  const options: Handler = async () => new Response(null, { status: 204, headers: { Allow: allow } });
  const handlers = METHODS.filter((m) => !allowed.includes(m)).map((m) => [m, refuse]);
  return Object.fromEntries([...handlers, ['OPTIONS', options]]) as OtherMethods<A>;
}

/** For a second check inside a handler (CSV export needs more than reading). */
export function requirePermission(principal: Principal, permission: Permission): void {
  if (!principal.permissions.includes(permission)) {
    throw new ApiError('forbidden', `This ${principal.kind === 'key' ? 'API key' : 'account'} may not ${permission}`);
  }
}
