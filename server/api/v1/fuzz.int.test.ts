import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { z } from 'zod';
import { setApiRateLimitForTests } from '../rate-limit';
import { asUser, bearer, ORIGIN, routeFile, startApiTest, type ApiTest, type RouteHandler, type SeededClub } from './api-fixtures';
import { endpoints, type Endpoint, type EndpointName } from './endpoints';
import { errorBody } from './schemas';

vi.hoisted(() => {
  process.env.LOG_LEVEL = 'silent';
});

/*
 * The read API under hostile input: every /api/v1 route with invalid parameters, huge values, SQL and HTML
 * metacharacters, NUL bytes and broken unicode, bad numbers, UUIDs and cursors. Every answer is a 4xx JSON error
 * (or a success where the input happens to be valid) — never a 500, never anything but JSON (CSV where asked for),
 * and never an HTML payload reflected verbatim.
 */

const UUID = '00000000-0000-4000-8000-000000000000';
const b64 = (s: string) => Buffer.from(s).toString('base64url');

/** Values that have broken web apps before. */
const NASTY: string[] = [
  "' or 1=1 --",
  "'; drop table profiles; --",
  '" or ""="',
  '1; select pg_sleep(5)',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '🏌️‍♀️ Zoë',
  '\u202eevil',
  '../../etc/passwd',
  '%00',
  '%',
  '{}',
  '[]',
  'null',
  '',
  ' ',
  '-1',
  '-0',
  '1.5',
  'NaN',
  'Infinity',
  '1e309',
  '0x10',
  '99999999999999999999999',
  '-271821-04-20T00:00:00Z',
  '+275760-09-13T00:00:00.000Z',
  '0000-00-00',
  'not-a-uuid',
  UUID,
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  b64('garbage'),
  b64(`-271821-04-20T00:00:00Z|${UUID}`),
  b64(`+275760-09-13T00:00:00Z|${UUID}`),
  b64(`0001-01-01T00:00:00Z|${UUID}`),
  b64(`2025-01-01T00:00:00Z|' or 1=1 --`),
  'x'.repeat(5_000),
];
/** The values most likely to break something, tried in every slot; the whole list goes into one slot of each kind. */
const CORE: string[] = [
  "' or 1=1 --",
  '<script>alert(1)</script>',
  '\u0000',
  '\ud800',
  '',
  '-1',
  '1.5',
  'NaN',
  '1e309',
  '99999999999999999999999',
  '-271821-04-20T00:00:00Z',
  'not-a-uuid',
  b64(`+275760-09-13T00:00:00Z|${UUID}`),
  'x'.repeat(5_000),
];
const HUGE = 'x'.repeat(100 * 1024);
/** Percent-escapes that do not decode to valid UTF-8 (URL parsing turns them into U+FFFD, or leaves them). */
const RAW_ESCAPES = ['%00', '%ED%A0%80', '%FF%FE', '%C0%AF', '%zz', '%%', '%E2%80%AE'];

/** A request that each endpoint answers with success, for club A; the fuzzing changes one part of it at a time. */
const BASE: Record<EndpointName, (a: SeededClub) => { params?: Record<string, string>; query?: Record<string, string>; body?: Record<string, unknown> }> = {
  listCustomers: () => ({ query: { q: 'zanele' } }),
  searchCustomers: () => ({ body: { q: 'zanele' } }),
  resolveCustomer: (a) => ({ query: { email: `zanele@${a.tenantId}.example` } }),
  resolveCustomerByBody: (a) => ({ body: { email: `zanele@${a.tenantId}.example` } }),
  getCustomer: (a) => ({ params: { id: a.profileIds[0] } }),
  listCustomerActivities: (a) => ({ params: { id: a.profileIds[0] }, query: { take: '5' } }),
  listSegments: () => ({ query: { take: '5' } }),
  getSegment: (a) => ({ params: { id: a.staticSegmentId } }),
  listSegmentMembers: (a) => ({ params: { id: a.staticSegmentId }, query: { take: '5' } }),
  createSegment: () => ({ body: { name: 'Fuzzed', type: 'STATIC' } }),
  refreshSegment: (a) => ({ params: { id: a.systemSegmentId } }),
  listChurnRisk: () => ({ query: { take: '5' } }),
  getEventTrace: (a) => ({ params: { eventId: a.eventId } }),
  listDeadLetters: () => ({ query: { take: '5' } }),
  retryDeadLetter: () => ({ params: { eventId: 'evt_not_there' } }),
  getQueueHealth: () => ({}),
};

interface Route {
  name: EndpointName;
  e: Endpoint;
  handler: RouteHandler;
  paramKeys: string[];
  queryKeys: string[];
  bodyKeys: string[];
}

function keysOf(schema: z.ZodType | undefined): string[] {
  return schema && 'shape' in schema ? Object.keys((schema as z.ZodObject).shape) : [];
}

async function loadRoutes(): Promise<Route[]> {
  return Promise.all(
    (Object.entries(endpoints) as [EndpointName, Endpoint][]).map(async ([name, e]) => {
      const mod = (await import(routeFile(e))) as Record<string, RouteHandler>;
      return { name, e, handler: mod[e.method.toUpperCase()]!, paramKeys: keysOf(e.params), queryKeys: keysOf(e.query), bodyKeys: keysOf(e.body) };
    }),
  );
}

/** Encodes a query value; unpaired surrogates cannot be percent-encoded, so they go in as U+FFFD (as a browser would). */
function encode(value: string): string {
  return encodeURIComponent(value.toWellFormed());
}

interface FuzzRequest {
  params?: Record<string, string>;
  /** Pairs, so a key can repeat; values are encoded unless `rawQuery` is given. */
  query?: [string, string][];
  rawQuery?: string;
  /** A string is sent as is (invalid JSON); anything else as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
}

let t: ApiTest;
let routes: Route[];
let requests = 0;

async function send(route: Route, req: FuzzRequest): Promise<Response> {
  const qs = req.rawQuery ?? (req.query ?? []).map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
  const headers: Record<string, string> = { host: 'crm.test', ...bearer(t.a.keys['crm:admin']), ...req.headers };
  const init: RequestInit = { method: route.e.method.toUpperCase(), headers };
  if (req.body !== undefined && route.e.method === 'post') {
    init.body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    headers['content-type'] = 'application/json';
  }
  requests++;
  const url = `${ORIGIN}/api/v1${route.e.path}${qs ? `?${qs}` : ''}`;
  return route.handler(new Request(url, init), { params: Promise.resolve(req.params ?? {}) });
}

/** What every answer must be, whatever was sent. */
async function check(res: Response, label: string): Promise<void> {
  const text = await res.text();
  const where = `${label} → ${res.status} ${text.slice(0, 300)}`;
  expect(res.status, where).toBeLessThan(500);
  expect(res.status, where).not.toBe(0);
  const type = res.headers.get('content-type') ?? '';
  expect(res.headers.get('cache-control'), where).toBe('no-store');
  if (res.status >= 400) {
    expect(type, where).toMatch(/^application\/json/);
    expect(errorBody.safeParse(JSON.parse(text)).success, where).toBe(true);
    // Messages may quote a value, but never as markup: no angle bracket or control character leaves verbatim.
    expect(text, where).not.toMatch(/[<>\u0000]/);
  } else if (type.startsWith('text/csv')) {
    expect(text.split('\n')[0], where).toMatch(/^profile_id,/);
  } else {
    expect(type, where).toMatch(/^application\/json/);
    expect(JSON.parse(text), where).toHaveProperty('data');
  }
}

/** A GET with only a Cookie header (a browser session), no API key. */
function withCookie(route: Route, cookie: string): Promise<Response> {
  requests++;
  return route.handler(new Request(`${ORIGIN}/api/v1${route.e.path}`, { headers: { host: 'crm.test', cookie } }), { params: Promise.resolve({}) });
}

function baseOf(route: Route): FuzzRequest & { query: [string, string][] } {
  const base = BASE[route.name](t.a);
  return { params: base.params, query: Object.entries(base.query ?? {}), body: base.body };
}

beforeAll(async () => {
  t = await startApiTest('api_fuzz');
  routes = await loadRoutes();
  // The fuzz sends thousands of requests with one key; the limit itself is tested in api.int.test.ts.
  setApiRateLimitForTests({ points: 1_000_000, durationSeconds: 60 });
});

afterAll(async () => {
  await t?.stop();
});

describe('the fuzzed read API', () => {
  it('covers every endpoint', () => {
    expect(routes.map((r) => r.name).sort()).toEqual(Object.keys(endpoints).sort());
  });

  it('answers every nasty value in every path parameter, query parameter and body field without a 500', async () => {
    for (const route of routes) {
      const base = baseOf(route);
      const label = (where: string, value: string) => `${route.name} ${where.slice(0, 40)}=${JSON.stringify(value.slice(0, 40))}`;
      // Every key with the core values; the first key of each kind, and a key named by the value, with all of them.
      const slots = <K extends string>(keys: K[], value: string) => [...keys.filter((k, i) => i === 0 || CORE.includes(value)), value || 'empty'];
      for (const value of NASTY) {
        for (const key of route.paramKeys.filter((k, i) => i === 0 || CORE.includes(value))) {
          await check(await send(route, { ...base, params: { ...base.params, [key]: value } }), label(`param ${key}`, value));
        }
        for (const key of slots(route.queryKeys, value)) {
          const query = [...base.query.filter(([k]) => k !== key), [key, value] as [string, string]];
          await check(await send(route, { ...base, query }), label(`?${key}`, value));
        }
        if (route.e.method !== 'post') continue;
        for (const key of slots(route.bodyKeys, value)) {
          await check(await send(route, { ...base, body: { ...(base.body as object), [key]: value } }), label(`body.${key}`, value));
        }
        await check(await send(route, { ...base, body: value }), label('raw body', value));
      }
    }
  }, 60_000);

  it('answers raw percent-escapes, repeated parameters and 100 KB values without a 500', async () => {
    for (const route of routes) {
      const base = baseOf(route);
      const keys = [...route.queryKeys, 'unknown'];
      for (const key of keys) {
        for (const escape of RAW_ESCAPES) {
          await check(await send(route, { ...base, rawQuery: `${key}=${escape}` }), `${route.name} ?${key}=${escape}`);
          await check(await send(route, { ...base, rawQuery: `${escape}=1` }), `${route.name} ?${escape}=1`);
        }
        await check(await send(route, { ...base, query: [...base.query, [key, '1'], [key, '2']] }), `${route.name} ?${key} twice`);
        await check(await send(route, { ...base, query: [[key, HUGE]] }), `${route.name} ?${key}=<100 KB>`);
      }
      await check(await send(route, { ...base, rawQuery: Array.from({ length: 5_000 }, (_, i) => `k${i}=${i}`).join('&') }), `${route.name} 5,000 parameters`);
      for (const key of route.paramKeys) {
        await check(await send(route, { ...base, params: { ...base.params, [key]: HUGE } }), `${route.name} param ${key}=<100 KB>`);
      }
      if (route.e.method === 'post') {
        for (const key of [...route.bodyKeys, 'unknown']) {
          await check(await send(route, { ...base, body: { ...(base.body as object), [key]: HUGE } }), `${route.name} body.${key}=<100 KB>`);
        }
        await check(await send(route, { ...base, body: { ...(base.body as object), pad: Array.from({ length: 20_000 }, () => 'xxxxx') } }), `${route.name} 100 KB array`);
        for (const raw of ['{not json', '{"a":', '\u0000', '[]', 'null', '"string"', '1e999', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}']) {
          await check(await send(route, { ...base, body: raw }), `${route.name} body ${JSON.stringify(raw)}`);
        }
      }
    }
  }, 60_000);

  it('answers deeply nested and oversized segment definitions without a 500', async () => {
    const create = routes.find((r) => r.name === 'createSegment')!;
    // Written as text: JSON.stringify itself would run out of stack on this.
    const deep = `${'{"combinator":"AND","rules":['.repeat(5_000)}{"field":"churnRiskScore","operator":"gte","value":1}${']}'.repeat(5_000)}`;
    await check(await send(create, { body: `{"name":"Deep","type":"DYNAMIC","criteria":${deep}}` }), 'criteria nested 5,000 deep');
    await check(await send(create, { body: `{"name":"Deeper","type":"DYNAMIC","criteria":${'['.repeat(50_000)}${']'.repeat(50_000)}}` }), 'arrays nested 50,000 deep');
    const wide = { combinator: 'OR', rules: Array.from({ length: 5_000 }, () => ({ field: 'churnRiskScore', operator: 'gte', value: 1 })) };
    await check(await send(create, { body: { name: 'Wide', type: 'DYNAMIC', criteria: wide } }), 'criteria with 5,000 rules');
    for (const value of NASTY) {
      const criteria = { combinator: 'AND', rules: [{ field: 'membershipTier', operator: 'eq', value }, { field: value, operator: value, value }] };
      await check(await send(create, { body: { name: `Rules ${requests}`, type: 'DYNAMIC', criteria } }), `criteria with ${JSON.stringify(value.slice(0, 40))}`);
      await check(await send(create, { body: { name: `Desc ${requests}`, type: 'STATIC', description: value } }), `description ${JSON.stringify(value.slice(0, 40))}`);
    }
  }, 60_000);

  it('answers odd credentials, cookies and origins with 401/403 JSON, never a 500', async () => {
    const list = routes.find((r) => r.name === 'listCustomers')!;
    const refresh = routes.find((r) => r.name === 'refreshSegment')!;
    const { cookie } = await asUser(t.a.users.admin.id);
    const authorizations = ['Bearer', 'Bearer ', `Bearer ${HUGE}`, "Bearer crm_' or 1=1 --", 'Bearer crm_<script>', 'bearer  crm_x  y', 'Basic Zm9vOmJhcg==', 'Digest x', '<script>'];
    for (const authorization of authorizations) {
      await check(await send(list, { headers: { authorization } }), `Authorization: ${authorization.slice(0, 40)}`);
    }
    const cookies = [
      'authjs.session-token=<script>alert(1)</script>',
      `authjs.session-token=${HUGE}`,
      `${cookie}; crm-tenant=' or 1=1 --`,
      `${cookie}; crm-tenant=${encodeURIComponent('bravo-cc\u0000')}`,
      '__Secure-authjs.session-token=x; authjs.session-token=y',
      '=; ;; =x',
    ];
    for (const c of cookies) await check(await withCookie(list, c), `Cookie: ${c.slice(0, 60)}`);
    const origins = ['null', 'https://evil.example', 'not a url', 'http://crm.test:99999', 'http://crm.test.evil.example', `http://${HUGE}`];
    for (const origin of origins) {
      const req = new Request(`${ORIGIN}/api/v1/segments/${t.a.systemSegmentId}/refresh`, { method: 'POST', headers: { host: 'crm.test', cookie, origin } });
      const res = await refresh.handler(req, { params: Promise.resolve({ id: t.a.systemSegmentId }) });
      expect(res.status, origin.slice(0, 40)).toBe(403);
      await check(res, `Origin: ${origin.slice(0, 40)}`);
    }
  }, 60_000);

  it('answers stored markup (a segment named <script>…) JSON-escaped, never verbatim', async () => {
    const create = routes.find((r) => r.name === 'createSegment')!;
    const list = routes.find((r) => r.name === 'listSegments')!;
    const name = `<script>alert(${requests})</script>`;
    for (const res of [await send(create, { body: { name, type: 'STATIC' } }), await send(list, { query: [['take', '100']] })]) {
      const text = await res.clone().text();
      expect(res.status).toBeLessThan(300);
      expect(JSON.stringify(await res.json())).toContain(name);
      expect(text).not.toMatch(/<script/i);
    }
  });

  it('answers a club cookie with a malformed percent-escape as the signed-in person, not with a 500', async () => {
    const list = routes.find((r) => r.name === 'listCustomers')!;
    const { cookie } = await asUser(t.a.users.admin.id);
    await check(await withCookie(list, `${cookie}; crm-tenant=%E0%A4%A`), 'Cookie: crm-tenant=%E0%A4%A');
  });

  it('answers random query parameters, path parameters and bodies (fast-check) without a 500', async () => {
    const value = fc.oneof(
      fc.constantFrom(...NASTY),
      fc.string({ maxLength: 50 }),
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.integer().map(String),
      fc.double().map(String),
      fc.uuid(),
      fc.date({ noInvalidDate: false }).map((d) => (Number.isNaN(d.getTime()) ? 'Invalid Date' : d.toISOString())),
    );
    for (const route of routes) {
      const base = baseOf(route);
      const key = fc.oneof(fc.constantFrom(...route.queryKeys, ...route.bodyKeys, 'q', 'take'), fc.string({ maxLength: 12 }));
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(key, value), { maxLength: 6 }),
          fc.dictionary(fc.constantFrom(...(route.paramKeys.length ? route.paramKeys : ['none'])), value),
          fc.oneof(fc.dictionary(key, fc.oneof(value, fc.jsonValue({ maxDepth: 3 }))), fc.jsonValue({ maxDepth: 3 })),
          async (query, params, body) => {
            const req: FuzzRequest = { query, params: { ...base.params, ...params }, body: route.e.method === 'post' ? body : undefined };
            await check(await send(route, req), `${route.name} ${JSON.stringify(req).slice(0, 300)}`);
          },
        ),
        { numRuns: 40 },
      );
    }
  }, 60_000);
});
