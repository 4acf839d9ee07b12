import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as openapiRoute from '@/app/api/v1/openapi.json/route';
import * as resolveRoute from '@/app/api/v1/customers/resolve/route';
import * as searchRoute from '@/app/api/v1/customers/search/route';
import { profileIdentities, profiles } from '@/server/db/schema';
import { apiRoute } from '../handler';
import { asUser, bearer, call, startApiTest, type ApiTest } from './api-fixtures';
import { customerSummary, resolveQuery } from './schemas';

/** Everything the API logs during this file, through the app's real logger configuration. */
const logged = vi.hoisted(() => ({ lines: [] as string[] }));
vi.mock('@/server/logger', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/server/logger')>();
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logged.lines.push(String(chunk));
      done();
    },
  });
  return { ...actual, logger: actual.createLogger(sink, 'debug') };
});

/*
 * Look-ups by email or phone number with the value in a JSON body (POST), so it is in no URL, and what the API logs
 * when a request with personal data in it fails.
 */

let t: ApiTest;
const EMAIL = 'zanele@alpha-gc.example';
const PHONE = '+27825550101';

beforeAll(async () => {
  t = await startApiTest('api_lookups');
  await t.ctx.db.execute(sql`update ${profiles} set phone_number = ${PHONE}, phone_digits = '27825550101' where id = ${t.a.profileIds[0]}`);
  await t.ctx.db
    .insert(profileIdentities)
    .values({ tenantId: t.a.tenantId, profileId: t.a.profileIds[0], kind: 'phone', value: PHONE, source: 'scl', confidence: 90 });
});

afterAll(async () => {
  await t?.stop();
});

describe('POST /customers/search', () => {
  it('finds a customer by an email or a phone number in the body, inside the caller’s club', async () => {
    for (const q of [EMAIL, '082 555 0101']) {
      const res = await call(searchRoute.POST, { method: 'POST', path: '/customers/search', headers: bearer(t.a.keys['crm:read']), body: { q } });
      expect(res.status, q).toBe(200);
      const body = await res.json();
      expect(body.data.map((r: { id: string }) => customerSummary.parse(r).id), q).toEqual([t.a.profileIds[0]]);
    }
    const fromB = await call(searchRoute.POST, { method: 'POST', path: '/customers/search', headers: bearer(t.b.keys['crm:read']), body: { q: EMAIL } });
    expect((await fromB.json()).data).toEqual([]);
  });

  it('takes the list filters and paging of GET /customers', async () => {
    const res = await call(searchRoute.POST, {
      method: 'POST',
      path: '/customers/search',
      headers: bearer(t.a.keys['crm:read']),
      body: { status: 'ACTIVE', take: 1, sort: 'name' },
    });
    expect((await res.json()).meta).toEqual({ total: 2, skip: 0, take: 1, hasMore: true });
  });

  it('works for a signed-in person from the app (same origin), and refuses another origin', async () => {
    const headers = await asUser(t.a.users.staff.id);
    const ok = await call(searchRoute.POST, { method: 'POST', path: '/customers/search', headers, body: { q: EMAIL } });
    expect(ok.status).toBe(200);
    const foreign = await call(searchRoute.POST, { method: 'POST', path: '/customers/search', headers: { ...headers, origin: 'https://evil.example' }, body: { q: EMAIL } });
    expect(foreign.status).toBe(403);
  });

  it('answers 400 naming a bad field', async () => {
    const res = await call(searchRoute.POST, { method: 'POST', path: '/customers/search', headers: bearer(t.a.keys['crm:read']), body: { q: EMAIL, take: 500 } });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toBe('body.take: must be ≤ 100');
  });
});

describe('POST /customers/resolve', () => {
  it('resolves an email or a phone number given in the body, and 404s for another club’s', async () => {
    for (const body of [{ email: EMAIL.toUpperCase() }, { phone: '082 555 0101' }]) {
      const res = await call(resolveRoute.POST, { method: 'POST', path: '/customers/resolve', headers: bearer(t.a.keys['crm:read']), body });
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect((await res.json()).data.id).toBe(t.a.profileIds[0]);
    }
    const other = await call(resolveRoute.POST, { method: 'POST', path: '/customers/resolve', headers: bearer(t.a.keys['crm:read']), body: { email: 'zanele@bravo-cc.example' } });
    expect(other.status).toBe(404);
    const empty = await call(resolveRoute.POST, { method: 'POST', path: '/customers/resolve', headers: bearer(t.a.keys['crm:read']), body: {} });
    expect((await empty.json()).error.message).toBe('body: give at least one of email, phone, authUserId');
  });

  it('still answers the spec’s GET ?email= form', async () => {
    const res = await call(resolveRoute.GET, { path: `/customers/resolve?email=${encodeURIComponent(EMAIL)}`, headers: bearer(t.a.keys['crm:read']) });
    expect((await res.json()).data.id).toBe(t.a.profileIds[0]);
  });
});

describe('the OpenAPI document', () => {
  it('documents both POST look-ups with a JSON body', async () => {
    const doc = await openapiRoute.GET().json();
    for (const [path, operationId] of [
      ['/customers/search', 'searchCustomers'],
      ['/customers/resolve', 'resolveCustomerByBody'],
    ]) {
      const post = doc.paths[path]?.post;
      expect(post?.operationId).toBe(operationId);
      expect(post.requestBody.content['application/json'].schema).toBeDefined();
    }
    expect(doc.paths['/customers/resolve'].get.operationId).toBe('resolveCustomer');
  });
});

describe('what a failing request leaves in the logs', () => {
  it('logs the path without its query string, and the database error without the email it was given', async () => {
    logged.lines.length = 0;
    // A real query that fails on the caller's value: PostgreSQL quotes the value in its message.
    const failing = apiRoute({ permission: 'profiles.read', query: resolveQuery }, async ({ db, query }) =>
      db.execute(sql`select ${query.email}::int`),
    );
    const res = await call(failing, { path: `/customers/resolve?email=${encodeURIComponent(EMAIL)}&phone=0825550101`, headers: bearer(t.a.keys['crm:read']) });
    expect(res.status).toBe(500);
    const out = logged.lines.join('');
    expect(out).toContain('API request failed');
    expect(out).toContain('"path":"/api/v1/customers/resolve"');
    expect(out).toContain('invalid input syntax for type integer');
    expect(out).not.toMatch(/zanele|alpha-gc\.example|0825550101|\?email/i);
  });
});
