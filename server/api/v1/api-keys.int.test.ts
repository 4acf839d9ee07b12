import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as customersRoute from '@/app/api/v1/customers/route';
import { createApiKey, listApiKeys, revokeApiKey } from '@/server/admin/api-keys';
import { bearer, call, startApiTest, type ApiTest } from './api-fixtures';

vi.hoisted(() => {
  process.env.LOG_LEVEL = 'silent';
});

/*
 * API keys end to end through the route handler: the database never holds one in plain text (in any table, the
 * audit log included), the list never shows one again, and a revoked key fails on the very next request.
 */

let t: ApiTest;
const actor = { id: 'admin-1', label: 'admin@alpha-gc.example' };

beforeAll(async () => {
  t = await startApiTest('api_keys');
});

afterAll(async () => {
  await t?.stop();
});

/** Every row of every table in the database, as text. */
async function wholeDatabase(): Promise<string> {
  const tables = await t.ctx.db.execute<{ name: string }>(
    sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
  );
  expect(tables.map((r) => r.name)).toEqual(expect.arrayContaining(['api_keys', 'audit_log']));
  const dumps = await Promise.all(
    tables.map(async ({ name }) => JSON.stringify(await t.ctx.db.execute(sql`select * from ${sql.identifier(name)}`))),
  );
  return dumps.join('\n');
}

const listCustomers = (key: string) => call(customersRoute.GET, { path: '/customers', headers: bearer(key) });

describe('an API key', () => {
  it('is stored only as a hash: no table holds the key or its secret part', async () => {
    const { key, prefix } = await createApiKey(t.ctx.db, { tenantId: t.a.tenantId, name: 'Integration', scopes: ['crm:read'], createdBy: actor });
    expect((await listCustomers(key)).status).toBe(200);
    const everything = await wholeDatabase();
    expect(everything).toContain(prefix);
    expect(everything).not.toContain(key);
    expect(everything).not.toContain(key.slice(prefix.length));
  });

  it('is shown when created and never listed again', async () => {
    const { key, id } = await createApiKey(t.ctx.db, { tenantId: t.a.tenantId, name: 'Shown once', scopes: ['crm:read'], createdBy: actor });
    const listed = await listApiKeys(t.ctx.db, { tenantId: t.a.tenantId });
    const row = listed.find((k) => k.id === id)!;
    expect(row.name).toBe('Shown once');
    expect(JSON.stringify(listed)).not.toContain(key);
    expect(Object.keys(row)).not.toEqual(expect.arrayContaining(['key', 'keyHash']));
  });

  it('fails on the next request once revoked, and keeps failing', async () => {
    const { key, id } = await createApiKey(t.ctx.db, { tenantId: t.a.tenantId, name: 'Leaked', scopes: ['crm:admin'], createdBy: actor });
    for (let i = 0; i < 3; i++) expect((await listCustomers(key)).status).toBe(200);
    expect(await revokeApiKey(t.ctx.db, { tenantId: t.a.tenantId, id, actor })).toEqual({ revoked: true });
    const next = await listCustomers(key);
    expect(next.status).toBe(401);
    expect((await next.json()).error.code).toBe('unauthorized');
    expect((await listCustomers(key)).status).toBe(401);
    // Other keys of the club are untouched.
    expect((await listCustomers(t.a.keys['crm:read'])).status).toBe(200);
  });

  it('cannot be revoked by another club', async () => {
    const { key, id } = await createApiKey(t.ctx.db, { tenantId: t.a.tenantId, name: 'Mine', scopes: ['crm:read'], createdBy: actor });
    await expect(revokeApiKey(t.ctx.db, { tenantId: t.b.tenantId, id, actor })).rejects.toThrow(/no API key/);
    expect((await listCustomers(key)).status).toBe(200);
  });
});
