import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import * as customersRoute from '@/app/api/v1/customers/route';
import * as customerRoute from '@/app/api/v1/customers/[id]/route';
import * as activitiesRoute from '@/app/api/v1/customers/[id]/activities/route';
import * as resolveRoute from '@/app/api/v1/customers/resolve/route';
import * as segmentsRoute from '@/app/api/v1/segments/route';
import * as segmentRoute from '@/app/api/v1/segments/[id]/route';
import * as membersRoute from '@/app/api/v1/segments/[id]/members/route';
import * as refreshRoute from '@/app/api/v1/segments/[id]/refresh/route';
import * as churnRoute from '@/app/api/v1/churn-risk/route';
import * as eventRoute from '@/app/api/v1/events/[eventId]/route';
import * as deadLettersRoute from '@/app/api/v1/dead-letters/route';
import * as retryRoute from '@/app/api/v1/dead-letters/[eventId]/retry/route';
import * as healthRoute from '@/app/api/v1/queue/health/route';
import * as openapiRoute from '@/app/api/v1/openapi.json/route';
import * as unknownRoute from '@/app/api/v1/[...path]/route';
import { createApiKey } from '@/server/admin/api-keys';
import { createUser } from '@/server/admin/users';
import { runtime } from '@/server/auth/runtime';
import { auditLog, deadLetters, staffUsers } from '@/server/db/schema';
import { ApiError } from '../errors';
import { apiRoute } from '../handler';
import { apiQueues } from '../queues';
import { setApiRateLimitForTests } from '../rate-limit';
import {
  asUser,
  bearer,
  call,
  ORIGIN,
  routeFile,
  sessionCookie,
  startApiTest,
  TEST_PASSWORD,
  type ApiTest,
  type CallOptions,
  type RouteHandler,
} from './api-fixtures';
import { endpoints, type Endpoint } from './endpoints';
import * as s from './schemas';

vi.hoisted(() => {
  process.env.LOG_LEVEL = 'silent';
});

let t: ApiTest;

beforeAll(async () => {
  t = await startApiTest('api_v1');
});

afterAll(async () => {
  await t?.stop();
});

const listOf = <T extends z.ZodType>(row: T) => z.object({ data: z.array(row), meta: s.listMeta });
const itemOf = <T extends z.ZodType>(row: T) => z.object({ data: row });

async function json(res: Response, status: number) {
  const body = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${body}`);
  return JSON.parse(body);
}

async function expectError(res: Response, status: number, code: string, message?: string | RegExp) {
  const body = await json(res, status);
  expect(s.errorBody.parse(body).error.code).toBe(code);
  if (message) expect(body.error.message).toMatch(message);
  expect(res.headers.get('x-request-id')).toBe(body.error.requestId);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return body;
}

const get = (handler: RouteHandler, options: CallOptions) => call(handler, options);

describe('unknown endpoints', () => {
  it('answers a path no endpoint matches with the API\'s 404 JSON, naming the method and the path', async () => {
    const res = await call(unknownRoute.GET, { path: '/customer?q=x', headers: { 'x-request-id': 'typo-1' } });
    const body = await expectError(res, 404, 'not_found', 'No endpoint GET /api/v1/customer; the endpoints are listed in /api/v1/openapi.json');
    expect(body.error.requestId).toBe('typo-1');
    await expectError(await call(unknownRoute.DELETE, { method: 'DELETE', path: '/segments/x/members/y' }), 404, 'not_found', /^No endpoint DELETE \/api\/v1\/segments\/x\/members\/y;/);
  });
});

describe('methods', () => {
  it('answers a method a route does not serve with the JSON 405 and an Allow header, and OPTIONS with that header, on every route', async () => {
    const served = new Map<string, Set<string>>([[routeFile({ path: '/openapi.json' }), new Set(['GET'])]]);
    for (const e of Object.values(endpoints)) {
      const file = routeFile(e);
      served.set(file, (served.get(file) ?? new Set<string>()).add(e.method.toUpperCase()));
    }
    for (const [file, methods] of served) {
      const route = (await import(file)) as Record<string, RouteHandler>;
      const answers = [...methods].sort().join(' and ');
      const allow = [...methods].sort().join(', ') + (methods.has('GET') ? ', HEAD' : '') + ', OPTIONS';
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
        expect(route[method], `${method} in ${file}`).toBeTypeOf('function');
        if (methods.has(method)) continue;
        const res = await call(route[method], { method, path: '/somewhere' });
        await expectError(res, 405, 'method_not_allowed', `${method} is not allowed on /api/v1/somewhere; it answers ${answers}`);
        expect(res.headers.get('allow')).toBe(allow);
      }
      const options = await call(route.OPTIONS, { method: 'OPTIONS', path: '/somewhere' });
      expect([options.status, options.headers.get('allow')], file).toEqual([204, allow]);
    }
  });
});

describe('authentication', () => {
  it('answers 401 without credentials, with the error shape and a request id', async () => {
    const res = await get(customersRoute.GET, { path: '/customers' });
    await expectError(res, 401, 'unauthorized');
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('passes a caller-chosen request id through', async () => {
    const res = await get(customersRoute.GET, { path: '/customers', headers: { 'x-request-id': 'trace-42' } });
    expect((await expectError(res, 401, 'unauthorized')).error.requestId).toBe('trace-42');
  });

  it('refuses a malformed Authorization header, an unknown key and a revoked key', async () => {
    await expectError(await get(customersRoute.GET, { path: '/customers', headers: { authorization: 'Basic abc' } }), 401, 'unauthorized', /Bearer/);
    await expectError(await get(customersRoute.GET, { path: '/customers', headers: bearer('crm_nope') }), 401, 'unauthorized');
    await expectError(await get(customersRoute.GET, { path: '/customers', headers: bearer(t.a.revokedKey) }), 401, 'unauthorized');
  });

  it('never takes a bearer header as a session, even when it holds a valid session token', async () => {
    const cookie = await sessionCookie(t.a.users.admin.id, runtime().authSecret!);
    const token = cookie.slice(cookie.indexOf('=') + 1);
    await expectError(await get(customersRoute.GET, { path: '/customers', headers: bearer(token) }), 401, 'unauthorized');
  });

  it('refuses a session signed with another secret, and a disabled user’s session', async () => {
    const forged = await sessionCookie(t.a.users.admin.id, 'someone-elses-secret-0123456789');
    await expectError(await get(customersRoute.GET, { path: '/customers', headers: { cookie: forged } }), 401, 'unauthorized');

    const { user } = await createUser(t.ctx.db, { tenantId: t.a.tenantId, email: 'leaver@alpha-gc.example', role: 'admin', password: TEST_PASSWORD });
    const headers = await asUser(user.id);
    await json(await get(customersRoute.GET, { path: '/customers', headers }), 200);
    await t.ctx.db.update(staffUsers).set({ disabledAt: new Date() }).where(eq(staffUsers.id, user.id));
    await expectError(await get(customersRoute.GET, { path: '/customers', headers }), 401, 'unauthorized');
  });

  it('refuses session-authenticated changes without a same-site Origin; API keys need none', async () => {
    const request = { method: 'POST', path: `/segments/${t.a.systemSegmentId}/refresh`, params: { id: t.a.systemSegmentId } };
    const { cookie } = await asUser(t.a.users.admin.id);
    await expectError(await call(refreshRoute.POST, { ...request, headers: { cookie } }), 403, 'forbidden', /Cross-origin/);
    await expectError(
      await call(refreshRoute.POST, { ...request, headers: { cookie, origin: 'https://evil.example' } }),
      403,
      'forbidden',
    );
    await json(await call(refreshRoute.POST, { ...request, headers: { cookie, origin: ORIGIN } }), 202);
    await json(await call(refreshRoute.POST, { ...request, headers: bearer(t.a.keys['crm:write']) }), 202);
  });
});

describe('the active club of a person in several clubs', () => {
  let userId: string;
  beforeAll(async () => {
    // Staff in Alpha, admin in Bravo.
    const email = 'roaming@clubs.example';
    ({ user: { id: userId } } = await createUser(t.ctx.db, { tenantId: t.a.tenantId, email, role: 'staff', password: TEST_PASSWORD }));
    await createUser(t.ctx.db, { tenantId: t.b.tenantId, email, role: 'admin' });
  });

  async function customerIds(extraCookies: string) {
    const body = await json(await get(customersRoute.GET, { path: '/customers', headers: await asUser(userId, extraCookies) }), 200);
    return body.data.map((r: { id: string }) => r.id).sort();
  }

  it('is the first club by name without a cookie, and the cookie’s club when they belong to it', async () => {
    expect(await customerIds('')).toEqual([...t.a.profileIds].sort());
    expect(await customerIds('crm-tenant=bravo-cc')).toEqual([...t.b.profileIds].sort());
  });

  it('takes the role of the active club', async () => {
    // Staff in alpha may not retry; admin in bravo may (the event does not exist there, so: 404, not 403).
    const retry = async (tenant: string) => {
      const { cookie, origin } = await asUser(userId, `crm-tenant=${tenant}`);
      return call(retryRoute.POST, { method: 'POST', path: '/x', params: { eventId: 'evt_missing' }, headers: { cookie, origin } });
    };
    await expectError(await retry('alpha-gc'), 403, 'forbidden');
    await expectError(await retry('bravo-cc'), 404, 'not_found');
  });

  it('ignores a cookie naming a club they do not belong to', async () => {
    const { user: outsider } = await createUser(t.ctx.db, { tenantId: t.a.tenantId, email: 'only-alpha@clubs.example', role: 'admin' });
    const body = await json(
      await get(customersRoute.GET, { path: '/customers', headers: await asUser(outsider.id, 'crm-tenant=bravo-cc') }),
      200,
    );
    expect(body.data.map((r: { id: string }) => r.id).sort()).toEqual([...t.a.profileIds].sort());
  });
});

describe('GET /customers', () => {
  it('lists the club’s live customers for a key of each scope', async () => {
    for (const key of Object.values(t.a.keys)) {
      const body = listOf(s.customerSummary).parse(await json(await get(customersRoute.GET, { path: '/customers', headers: bearer(key) }), 200));
      expect(body.data.map((r) => r.id).sort()).toEqual([...t.a.profileIds].sort());
      expect(body.meta).toEqual({ total: 2, skip: 0, take: 25, hasMore: false });
    }
  });

  it('searches inside the club only (club B has a Zanele too)', async () => {
    const body = await json(await get(customersRoute.GET, { path: '/customers?q=zanele', headers: bearer(t.a.keys['crm:read']) }), 200);
    expect(body.data.map((r: { id: string }) => r.id)).toEqual([t.a.profileIds[0]]);
    const bByEmail = await json(
      await get(customersRoute.GET, { path: `/customers?q=zanele@${t.b.tenantId}.example`, headers: bearer(t.a.keys['crm:admin']) }),
      200,
    );
    expect(bByEmail.data).toEqual([]);
  });

  it('pages with skip and take', async () => {
    const headers = bearer(t.a.keys['crm:read']);
    const first = await json(await get(customersRoute.GET, { path: '/customers?take=1&sort=name', headers }), 200);
    const second = await json(await get(customersRoute.GET, { path: '/customers?take=1&skip=1&sort=name', headers }), 200);
    expect(first.meta).toEqual({ total: 2, skip: 0, take: 1, hasMore: true });
    expect(second.meta).toEqual({ total: 2, skip: 1, take: 1, hasMore: false });
    expect(first.data[0].id).not.toBe(second.data[0].id);
  });

  it('filters by another club’s segment to nothing', async () => {
    const body = await json(
      await get(customersRoute.GET, { path: `/customers?segmentId=${t.b.staticSegmentId}`, headers: bearer(t.a.keys['crm:read']) }),
      200,
    );
    expect(body.data).toEqual([]);
    expect(body.meta.total).toBe(0);
  });

  it.each([
    ['take=500', 'take: must be ≤ 100'],
    ['take=0', 'take: must be ≥ 1'],
    ['skip=-3', 'skip: must be ≥ 0'],
    ['status=GONE', 'status: must be one of ACTIVE, INACTIVE, MERGED, DELETED'],
    ['emailOptIn=yes', 'emailOptIn: must be one of true, false'],
    ['segmentId=abc', 'segmentId: must be a UUID'],
    ['tak=5', 'tak: unknown parameter'],
  ])('answers 400 naming the parameter for ?%s', async (query, message) => {
    await expectError(await get(customersRoute.GET, { path: `/customers?${query}`, headers: bearer(t.a.keys['crm:read']) }), 400, 'bad_request', message);
  });
});

describe('GET /customers/:id and /customers/resolve', () => {
  const headers = () => bearer(t.a.keys['crm:read']);

  it('answers the customer with identifiers', async () => {
    const body = itemOf(s.customerDetail).parse(
      await json(await get(customerRoute.GET, { path: '/x', params: { id: t.a.profileIds[0] }, headers: headers() }), 200),
    );
    expect(body.data.id).toBe(t.a.profileIds[0]);
    expect(body.data.identifiers).toContainEqual(expect.objectContaining({ kind: 'email', value: 'zanele@alpha-gc.example' }));
  });

  it('answers a merged-away id with status MERGED and mergedIntoId', async () => {
    const body = await json(await get(customerRoute.GET, { path: '/x', params: { id: t.a.mergedProfileId }, headers: headers() }), 200);
    expect(body.data).toMatchObject({ status: 'MERGED', mergedIntoId: t.a.profileIds[0] });
  });

  it('answers 404 for another club’s customer and an unknown one, 400 for a malformed id', async () => {
    await expectError(await get(customerRoute.GET, { path: '/x', params: { id: t.b.profileIds[0] }, headers: headers() }), 404, 'not_found');
    await expectError(
      await get(customerRoute.GET, { path: '/x', params: { id: '00000000-0000-4000-8000-000000000000' }, headers: headers() }),
      404,
      'not_found',
    );
    await expectError(await get(customerRoute.GET, { path: '/x', params: { id: 'abc' }, headers: headers() }), 400, 'bad_request', 'id: must be a UUID');
  });

  it('resolves an email of the club, and not one of another club', async () => {
    const ok = await json(await get(resolveRoute.GET, { path: '/customers/resolve?email=ZANELE@alpha-gc.example', headers: headers() }), 200);
    expect(ok.data.id).toBe(t.a.profileIds[0]);
    await expectError(await get(resolveRoute.GET, { path: `/customers/resolve?email=zanele@${t.b.tenantId}.example`, headers: headers() }), 404, 'not_found');
    await expectError(await get(resolveRoute.GET, { path: '/customers/resolve', headers: headers() }), 400, 'bad_request', 'give at least one of email, phone, authUserId');
  });
});

describe('GET /customers/:id/activities', () => {
  const headers = () => bearer(t.a.keys['crm:read']);
  const path = () => ({ path: '/x', params: { id: t.a.profileIds[0] } });

  it('pages newest first with a cursor', async () => {
    const first = z
      .object({ data: z.array(s.activity), meta: s.cursorMeta })
      .parse(await json(await get(activitiesRoute.GET, { ...path(), path: '/x?take=1', headers: headers() }), 200));
    expect(first.data).toHaveLength(1);
    expect(first.meta).toMatchObject({ take: 1, hasMore: true });
    const second = await json(
      await get(activitiesRoute.GET, { ...path(), path: `/x?take=1&cursor=${first.meta.nextCursor}`, headers: headers() }),
      200,
    );
    expect(second.data).toHaveLength(1);
    expect(second.meta).toEqual({ take: 1, hasMore: false, nextCursor: null });
    expect(new Date(second.data[0].occurredAt).getTime()).toBeLessThan(new Date(first.data[0].occurredAt).getTime());
  });

  it('filters by type and source', async () => {
    const byType = await json(await get(activitiesRoute.GET, { ...path(), path: '/x?type=ROUND_PLAYED', headers: headers() }), 200);
    expect(byType.data.map((a: { type: string }) => a.type)).toEqual(['ROUND_PLAYED']);
    const bySource = await json(await get(activitiesRoute.GET, { ...path(), path: '/x?source=scl', headers: headers() }), 200);
    expect(bySource.data).toEqual([]);
  });

  it('answers 404 for another club’s customer and 400 for a bad cursor or date', async () => {
    await expectError(await get(activitiesRoute.GET, { path: '/x', params: { id: t.b.profileIds[0] }, headers: headers() }), 404, 'not_found');
    await expectError(await get(activitiesRoute.GET, { ...path(), path: '/x?cursor=garbage', headers: headers() }), 400, 'bad_request', /^cursor:/);
    await expectError(await get(activitiesRoute.GET, { ...path(), path: '/x?from=soon', headers: headers() }), 400, 'bad_request', /^from:/);
  });
});

describe('segments', () => {
  it('lists the club’s segments only', async () => {
    const body = listOf(s.segment).parse(await json(await get(segmentsRoute.GET, { path: '/segments', headers: bearer(t.a.keys['crm:read']) }), 200));
    const ids = body.data.map((row) => row.id);
    expect(ids).toContain(t.a.staticSegmentId);
    expect(ids).not.toContain(t.b.staticSegmentId);
    expect(ids).not.toContain(t.b.systemSegmentId);
    expect(body.meta.total).toBe(body.data.length);
  });

  it('answers one segment, and 404 for another club’s', async () => {
    const headers = bearer(t.a.keys['crm:read']);
    itemOf(s.segment).parse(await json(await get(segmentRoute.GET, { path: '/x', params: { id: t.a.staticSegmentId }, headers }), 200));
    await expectError(await get(segmentRoute.GET, { path: '/x', params: { id: t.b.staticSegmentId }, headers }), 404, 'not_found');
  });

  it('lists members as JSON', async () => {
    const body = listOf(s.segmentMember).parse(
      await json(await get(membersRoute.GET, { path: '/x', params: { id: t.a.staticSegmentId }, headers: bearer(t.a.keys['crm:read']) }), 200),
    );
    expect(body.data.map((m) => m.id).sort()).toEqual([...t.a.profileIds].sort());
  });

  it('streams members as CSV for a key that may export, and records the export', async () => {
    const res = await get(membersRoute.GET, {
      path: '/x?format=csv',
      params: { id: t.a.staticSegmentId },
      headers: bearer(t.a.keys['crm:write']),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="alpha-gc-hand-picked-members\.csv"$/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const lines = (await res.text()).trim().split('\n');
    expect(lines[0]).toMatch(/^profile_id,/);
    expect(lines).toHaveLength(3);
    expect(lines.join('\n')).toContain('zanele@alpha-gc.example');
    expect(lines.join('\n')).not.toContain('bravo-cc');
    const [audit] = await t.ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'segment.exported'), eq(auditLog.target, `segment:${t.a.staticSegmentId}`)));
    expect(audit).toMatchObject({ tenantId: t.a.tenantId, actorLabel: 'API key "crm:write key"' });
  });

  it('refuses CSV to a read-only key, and answers 404 for another club’s segment', async () => {
    await expectError(
      await get(membersRoute.GET, { path: '/x?format=csv', params: { id: t.a.staticSegmentId }, headers: bearer(t.a.keys['crm:read']) }),
      403,
      'forbidden',
    );
    await expectError(
      await get(membersRoute.GET, { path: '/x?format=csv', params: { id: t.b.staticSegmentId }, headers: bearer(t.a.keys['crm:admin']) }),
      404,
      'not_found',
    );
    await expectError(
      await get(membersRoute.GET, { path: '/x', params: { id: t.b.staticSegmentId }, headers: bearer(t.a.keys['crm:admin']) }),
      404,
      'not_found',
    );
    await expectError(
      await get(membersRoute.GET, { path: '/x?format=xlsx', params: { id: t.a.staticSegmentId }, headers: bearer(t.a.keys['crm:admin']) }),
      400,
      'bad_request',
      'format: must be one of json, csv',
    );
  });

  it('creates a DYNAMIC segment and queues its computation', async () => {
    const res = await call(segmentsRoute.POST, {
      method: 'POST',
      path: '/segments',
      headers: bearer(t.a.keys['crm:write']),
      body: {
        name: 'Gold at risk',
        type: 'DYNAMIC',
        criteria: { combinator: 'AND', rules: [{ field: 'churnRiskScore', operator: 'gte', value: 70 }] },
      },
    });
    const body = itemOf(s.segment).parse(await json(res, 201));
    expect(body.data).toMatchObject({ name: 'Gold at risk', type: 'DYNAMIC', createdBy: 'API key "crm:write key"' });
    const job = await apiQueues(runtime()).segments.getDeduplicationJobId(`segment-${body.data.id}`);
    expect(job).toBeTruthy();
  });

  it.each([
    [{ name: 'Bad rules', type: 'DYNAMIC', criteria: { combinator: 'AND', rules: [{ field: 'shoeSize', operator: 'eq', value: 9 }] } }, /^body\.criteria/],
    [{ name: 'x', type: 'STATIC', colour: 'red' }, 'body.colour: unknown parameter'],
    [{ type: 'STATIC' }, 'body.name: is required'],
    [{ name: 'x', type: 'SMART' }, 'body.type: must be one of STATIC, DYNAMIC'],
    ['{not json', 'body: must be valid JSON'],
  ])('answers 400 for an invalid body (%#)', async (body, message) => {
    const res = await call(segmentsRoute.POST, { method: 'POST', path: '/segments', headers: bearer(t.a.keys['crm:write']), body });
    await expectError(res, 400, 'bad_request', message);
  });

  it('answers 409 for a name the club already uses', async () => {
    const res = await call(segmentsRoute.POST, {
      method: 'POST',
      path: '/segments',
      headers: bearer(t.a.keys['crm:write']),
      body: { name: 'ALPHA GC HAND-PICKED', type: 'STATIC' },
    });
    await expectError(res, 409, 'conflict');
  });

  it('queues a refresh of a DYNAMIC segment; 409 for a STATIC one; 404 for another club’s', async () => {
    const headers = bearer(t.a.keys['crm:write']);
    const ok = await json(await call(refreshRoute.POST, { method: 'POST', path: '/x', params: { id: t.a.systemSegmentId }, headers }), 202);
    expect(s.refreshAccepted.parse(ok.data)).toEqual({ segmentId: t.a.systemSegmentId, status: 'queued' });
    await expectError(await call(refreshRoute.POST, { method: 'POST', path: '/x', params: { id: t.a.staticSegmentId }, headers }), 409, 'conflict');
    await expectError(await call(refreshRoute.POST, { method: 'POST', path: '/x', params: { id: t.b.systemSegmentId }, headers }), 404, 'not_found');
  });
});

describe('GET /churn-risk', () => {
  it('ranks the club’s customers with their factors', async () => {
    const body = listOf(s.churnRiskRow).parse(await json(await get(churnRoute.GET, { path: '/churn-risk', headers: bearer(t.a.keys['crm:read']) }), 200));
    expect(body.data.map((r) => r.id).sort()).toEqual([...t.a.profileIds].sort());
    expect(body.data[0]!.factors[0]).toMatchObject({ name: 'activityDecline' });
  });

  it('answers 400 for a bad level', async () => {
    await expectError(await get(churnRoute.GET, { path: '/churn-risk?level=SEVERE', headers: bearer(t.a.keys['crm:read']) }), 400, 'bad_request', /^level: must be one of/);
  });
});

describe('events and dead letters', () => {
  const admin = () => bearer(t.a.keys['crm:admin']);

  it('traces an event of the club, and answers 404 for another club’s', async () => {
    const body = itemOf(s.eventTrace).parse(await json(await get(eventRoute.GET, { path: '/x', params: { eventId: t.a.eventId }, headers: admin() }), 200));
    expect(body.data).toMatchObject({ status: 'SUCCESS', attempts: 1, profile: { id: t.a.profileIds[0] } });
    expect(body.data.steps).toHaveLength(2);
    await expectError(await get(eventRoute.GET, { path: '/x', params: { eventId: t.b.eventId }, headers: admin() }), 404, 'not_found');
  });

  it('keeps the original payload out of a dead letter’s trace', async () => {
    const res = await get(eventRoute.GET, { path: '/x', params: { eventId: t.a.deadLetterEventId }, headers: admin() });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).not.toContain('secret@');
  });

  it('lists the club’s dead letters with §10’s fields and without payloads', async () => {
    const body = listOf(s.deadLetter).parse(await json(await get(deadLettersRoute.GET, { path: '/dead-letters', headers: admin() }), 200));
    expect(body.data.map((d) => d.eventId)).toEqual([t.a.deadLetterEventId]);
    expect(body.data[0]).toMatchObject({ type: 'scl.member.updated', reason: 'retries_exhausted', step: 'update-profile', attempts: 4 });
    expect(JSON.stringify(body)).not.toContain('secret@');
    const filtered = await json(await get(deadLettersRoute.GET, { path: '/dead-letters?reason=no_identity', headers: admin() }), 200);
    expect(filtered.data).toEqual([]);
    await expectError(await get(deadLettersRoute.GET, { path: '/dead-letters?reason=nope', headers: admin() }), 400, 'bad_request', /^reason:/);
  });

  it('retries a dead letter: requeued, audited with who', async () => {
    const { cookie, origin } = await asUser(t.a.users.admin.id);
    const res = await call(retryRoute.POST, {
      method: 'POST',
      path: '/x',
      params: { eventId: t.a.deadLetterEventId },
      headers: { cookie, origin },
    });
    const body = itemOf(s.retryResult).parse(await json(res, 200));
    expect(body.data).toEqual({ requeued: 1, alreadyProcessed: 0, notFound: 0 });
    const audits = await t.ctx.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'dead_letters.retry'), eq(auditLog.tenantId, t.a.tenantId)));
    expect(audits.map((a) => a.actorLabel)).toContain(t.a.users.admin.email);
    expect(await apiQueues(runtime()).inbound.getJobCountByTypes('waiting', 'prioritized', 'delayed')).toBeGreaterThan(0);
  });

  it('answers 404 when retrying another club’s dead letter, and leaves it alone', async () => {
    await expectError(
      await call(retryRoute.POST, { method: 'POST', path: '/x', params: { eventId: t.b.deadLetterEventId }, headers: admin() }),
      404,
      'not_found',
    );
    const [row] = await t.ctx.db.select().from(deadLetters).where(eq(deadLetters.eventId, t.b.deadLetterEventId));
    expect(row!.retryCount).toBe(0);
  });

  it('reports queue health', async () => {
    itemOf(s.queueHealth).parse(await json(await get(healthRoute.GET, { path: '/queue/health', headers: admin() }), 200));
  });
});

describe('the tenant wall: a caller of club A gets 404 for every club-B id', () => {
  const byId: [string, RouteHandler, 'GET' | 'POST', (b: ApiTest['b']) => Record<string, string>, string?][] = [
    ['customer', customerRoute.GET, 'GET', (b) => ({ id: b.profileIds[0] })],
    ['merged customer', customerRoute.GET, 'GET', (b) => ({ id: b.mergedProfileId })],
    ['activities', activitiesRoute.GET, 'GET', (b) => ({ id: b.profileIds[0] })],
    ['segment', segmentRoute.GET, 'GET', (b) => ({ id: b.systemSegmentId })],
    ['segment members', membersRoute.GET, 'GET', (b) => ({ id: b.staticSegmentId })],
    ['segment CSV', membersRoute.GET, 'GET', (b) => ({ id: b.staticSegmentId }), '?format=csv'],
    ['segment refresh', refreshRoute.POST, 'POST', (b) => ({ id: b.systemSegmentId })],
    ['event trace', eventRoute.GET, 'GET', (b) => ({ eventId: b.eventId })],
    ['dead-letter trace', eventRoute.GET, 'GET', (b) => ({ eventId: b.deadLetterEventId })],
    ['dead-letter retry', retryRoute.POST, 'POST', (b) => ({ eventId: b.deadLetterEventId })],
  ];

  it.each(byId)('%s', async (_name, handler, method, params, query = '') => {
    for (const headers of [bearer(t.a.keys['crm:admin']), await asUser(t.a.users.admin.id)]) {
      await expectError(await call(handler, { method, path: `/x${query}`, params: params(t.b), headers }), 404, 'not_found');
    }
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After once a caller passes the limit', async () => {
    // Fresh keys: the shared ones have already spent part of their budget in this file.
    const newKey = async (name: string) =>
      (await createApiKey(t.ctx.db, { tenantId: t.a.tenantId, name, scopes: ['crm:read'], createdBy: { id: 'test', label: 'test' } })).key;
    const key = await newKey('busy integration');
    const other = await newKey('quiet integration');
    setApiRateLimitForTests({ points: 3, durationSeconds: 60 });
    try {
      for (let i = 0; i < 3; i++) await json(await get(customersRoute.GET, { path: '/customers', headers: bearer(key) }), 200);
      const res = await get(customersRoute.GET, { path: '/customers', headers: bearer(key) });
      await expectError(res, 429, 'rate_limited', /try again in \d+ seconds/);
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      // Another caller has a budget of its own.
      await json(await get(customersRoute.GET, { path: '/customers', headers: bearer(other) }), 200);
    } finally {
      setApiRateLimitForTests(null);
    }
  });
});

describe('failures', () => {
  it('answers an unexpected error as a bare 500 with the request id, never its internals', async () => {
    const failing = apiRoute({ permission: 'profiles.read' }, async () => {
      throw new Error('relation "secret_table" does not exist');
    });
    const res = await call(failing, { path: '/boom', headers: bearer(t.a.keys['crm:read']) });
    const body = await expectError(res, 500, 'internal', 'Something went wrong');
    expect(JSON.stringify(body)).not.toContain('secret_table');
  });

  it('answers a handler’s ApiError with its status', async () => {
    const conflict = apiRoute({ permission: 'profiles.read' }, async () => {
      throw new ApiError('conflict', 'already done');
    });
    await expectError(await call(conflict, { path: '/x', headers: bearer(t.a.keys['crm:read']) }), 409, 'conflict', 'already done');
  });
});

describe('GET /openapi.json', () => {
  it('documents every endpoint from the same schemas', async () => {
    const res = openapiRoute.GET();
    const doc = await res.json();
    expect(doc.openapi).toBe('3.1.0');
    for (const e of Object.values(endpoints) as Endpoint[]) {
      const operation = doc.paths[e.path]?.[e.method];
      expect(operation?.operationId, e.path).toBe(e.operationId);
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining([String(e.successStatus ?? 200), '401', '403', '429']));
    }
    const customerParams = doc.paths['/customers'].get.parameters.map((p: { name: string }) => p.name);
    expect(customerParams).toEqual(expect.arrayContaining(['q', 'status', 'lifecycleStage', 'segmentId', 'engagementMin', 'churnRiskMin', 'emailOptIn', 'skip', 'take']));
    const take = doc.paths['/customers'].get.parameters.find((p: { name: string }) => p.name === 'take');
    expect(take.schema).toMatchObject({ maximum: 100, default: 25 });
    expect(doc.components.schemas).toHaveProperty('CustomerSummary');
    expect(doc.components.schemas).toHaveProperty('Error');
  });
});
