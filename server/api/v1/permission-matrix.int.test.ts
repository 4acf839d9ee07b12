import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ROLE_PERMISSIONS, SCOPE_PERMISSIONS, type Permission } from '@/server/auth/permissions';
import { API_SCOPES, ROLES } from '@/server/db/schema';
import { asUser, bearer, call, routeFile, ROUTES_DIR, startApiTest, type ApiTest, type CallOptions, type RouteHandler, type SeededClub } from './api-fixtures';
import { endpoints, type Endpoint, type EndpointName } from './endpoints';

vi.hoisted(() => {
  process.env.LOG_LEVEL = 'silent';
});

/*
 * Every route handler × every caller: no session, each staff role, each API key scope. The expected answer comes
 * from the permission table alone (ROLE_PERMISSIONS / SCOPE_PERMISSIONS), never from a second list kept here.
 */

async function handlerOf(e: Endpoint): Promise<RouteHandler> {
  const mod = (await import(routeFile(e))) as Record<string, RouteHandler>;
  return mod[e.method.toUpperCase()]!;
}

let segmentNames = 0;

/** A request each endpoint answers with success for a caller who may use it, in club A. */
const VALID: Record<EndpointName, (a: SeededClub) => CallOptions> = {
  listCustomers: () => ({ path: '/customers?q=zanele&take=10' }),
  resolveCustomer: (a) => ({ path: `/customers/resolve?email=zanele@${a.tenantId}.example` }),
  searchCustomers: () => ({ method: 'POST', path: '/customers/search', body: { q: 'zanele', take: 10 } }),
  resolveCustomerByBody: (a) => ({ method: 'POST', path: '/customers/resolve', body: { email: `zanele@${a.tenantId}.example` } }),
  getCustomer: (a) => ({ path: `/customers/${a.profileIds[0]}`, params: { id: a.profileIds[0] } }),
  listCustomerActivities: (a) => ({ path: `/customers/${a.profileIds[0]}/activities`, params: { id: a.profileIds[0] } }),
  listSegments: () => ({ path: '/segments' }),
  getSegment: (a) => ({ path: `/segments/${a.staticSegmentId}`, params: { id: a.staticSegmentId } }),
  listSegmentMembers: (a) => ({ path: `/segments/${a.staticSegmentId}/members`, params: { id: a.staticSegmentId } }),
  createSegment: () => ({
    method: 'POST',
    path: '/segments',
    body: { name: `Matrix ${++segmentNames}`, type: 'STATIC' },
  }),
  refreshSegment: (a) => ({ method: 'POST', path: `/segments/${a.systemSegmentId}/refresh`, params: { id: a.systemSegmentId } }),
  listChurnRisk: () => ({ path: '/churn-risk' }),
  getEventTrace: (a) => ({ path: `/events/${a.eventId}`, params: { eventId: a.eventId } }),
  listDeadLetters: () => ({ path: '/dead-letters' }),
  retryDeadLetter: (a) => ({
    method: 'POST',
    path: `/dead-letters/${a.deadLetterEventId}/retry`,
    params: { eventId: a.deadLetterEventId },
  }),
  getQueueHealth: () => ({ path: '/queue/health' }),
};

interface Case {
  label: string;
  endpoint: Endpoint;
  /** Every permission the call needs (CSV export needs reading and exporting). */
  needs: Permission[];
  request: (a: SeededClub) => CallOptions;
}

const CASES: Case[] = (Object.entries(endpoints) as [EndpointName, Endpoint][]).flatMap(([name, e]) => {
  const plain: Case = { label: `${e.method.toUpperCase()} ${e.path}`, endpoint: e, needs: [e.permission], request: VALID[name] };
  if (!e.csv) return [plain];
  const csvCase: Case = {
    label: `${plain.label}?format=csv`,
    endpoint: e,
    needs: [e.permission, e.csv.permission],
    request: (a) => {
      const base = VALID[name](a);
      return { ...base, path: `${base.path}${base.path.includes('?') ? '&' : '?'}format=csv` };
    },
  };
  return [plain, csvCase];
});

interface Caller {
  label: string;
  headers: (t: ApiTest) => Promise<Record<string, string>> | Record<string, string>;
  /** null: not authenticated at all. */
  permissions: readonly Permission[] | null;
}

const CALLERS: Caller[] = [
  { label: 'no session', headers: () => ({}), permissions: null },
  { label: 'revoked key', headers: (t) => bearer(t.a.revokedKey), permissions: null },
  ...ROLES.map((role) => ({
    label: `${role} user`,
    headers: (t: ApiTest) => asUser(t.a.users[role].id),
    permissions: ROLE_PERMISSIONS[role],
  })),
  ...API_SCOPES.map((scope) => ({
    label: `${scope} key`,
    headers: (t: ApiTest) => bearer(t.a.keys[scope]),
    permissions: SCOPE_PERMISSIONS[scope],
  })),
];

let t: ApiTest;

beforeAll(async () => {
  t = await startApiTest('api_matrix');
});

afterAll(async () => {
  await t?.stop();
});

describe('the matrix covers every route handler', () => {
  it('has an endpoint entry for every route.ts under app/api/v1 (except the public OpenAPI document and the 404 for unknown paths)', () => {
    const files = (readdirSync(ROUTES_DIR, { recursive: true }) as string[])
      .filter((f) => f.endsWith('route.ts'))
      .map((f) => path.join(ROUTES_DIR, f))
      .filter((f) => !f.includes('openapi.json') && !f.includes('[...path]'));
    const covered = new Set(Object.values(endpoints).map((e) => routeFile(e)));
    expect(files.sort()).toEqual([...covered].sort());
  });

  it('has an endpoint entry for every exported method but the ones that only refuse (405, otherMethods)', async () => {
    for (const file of new Set(Object.values(endpoints).map((e) => routeFile(e)))) {
      const route = (await import(file)) as Record<string, RouteHandler>;
      const exported = Object.keys(route).filter((k) => /^(GET|POST|PUT|PATCH|DELETE)$/.test(k));
      const listed = Object.values(endpoints)
        .filter((e) => routeFile(e) === file)
        .map((e) => e.method.toUpperCase());
      const unlisted = exported.filter((m) => !listed.includes(m));
      expect(exported.filter((m) => listed.includes(m)).sort(), file).toEqual(listed.sort());
      for (const method of unlisted) {
        // Without credentials: a handler that did anything but refuse would answer 401.
        expect((await call(route[method], { method, path: '/x' })).status, `${method} in ${file}`).toBe(405);
      }
    }
  });
});

describe.each(CASES)('$label', (c) => {
  it.each(CALLERS)('answers $label as the permission table says', async (caller) => {
    const handler = await handlerOf(c.endpoint);
    const res = await call(handler, { ...c.request(t.a), headers: await caller.headers(t) });
    const allowed = caller.permissions !== null && c.needs.every((p) => caller.permissions!.includes(p));
    const expected = caller.permissions === null ? 401 : allowed ? (c.endpoint.successStatus ?? 200) : 403;
    if (res.status !== expected) throw new Error(`expected ${expected}, got ${res.status}: ${await res.text()}`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    if (expected >= 400) {
      const body = await res.json();
      expect(body).toEqual({
        error: { code: expected === 401 ? 'unauthorized' : 'forbidden', message: expect.any(String), requestId: expect.any(String) },
      });
    } else {
      // Drain the body (CSV streams hold a database cursor until read).
      await res.arrayBuffer();
    }
  });
});
