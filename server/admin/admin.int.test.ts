import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '@/server/auth/password';
import { apiKeys, auditLog, segments, staffUsers, tenants } from '@/server/db/schema';
import { createTestContext, type TestContext } from '@/test/harness';
import { createApiKey, findApiKey, hashApiKey, listApiKeys, revokeApiKey } from './api-keys';
import { listAudit } from './audit';
import { AdminError } from './errors';
import { createTenant, listTenants } from './tenants';
import { createUser, findUserIdByEmail, listUsers, removeUser, setUserRole } from './users';

const actor = { id: 'test-operator', label: 'test operator' };
let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext('admin');
});
afterAll(async () => {
  await ctx?.cleanup();
});

async function expectAdminError(promise: Promise<unknown>, code: AdminError['code'], message?: RegExp) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AdminError);
  expect((error as AdminError).code).toBe(code);
  if (message) expect((error as AdminError).message).toMatch(message);
}

describe('tenants', () => {
  it('creates a tenant with its country time zone and system segments, and updates it when run again', async () => {
    const first = await createTenant(ctx.db, { id: 'fairway-club', name: 'Fairway Club', actor });
    expect(first.created).toBe(true);
    expect(first.tenant).toMatchObject({ id: 'fairway-club', name: 'Fairway Club', country: 'ZA', timeZone: 'Africa/Johannesburg' });
    const systemSegments = await ctx.db.select().from(segments).where(eq(segments.tenantId, 'fairway-club'));
    expect(systemSegments.filter((s) => s.isSystem).length).toBeGreaterThanOrEqual(3);

    const again = await createTenant(ctx.db, { id: 'fairway-club', name: 'Fairway Golf Club', country: 'na', actor });
    expect(again.created).toBe(false);
    expect(again.tenant).toMatchObject({ name: 'Fairway Golf Club', country: 'NA', timeZone: 'Africa/Johannesburg' });
    const segmentsAfter = await ctx.db.select().from(segments).where(eq(segments.tenantId, 'fairway-club'));
    expect(segmentsAfter.length).toBe(systemSegments.length);

    const rows = await ctx.db.select().from(tenants).where(eq(tenants.id, 'fairway-club'));
    expect(rows).toHaveLength(1);
    expect((await listTenants(ctx.db)).map((t) => t.id)).toContain('fairway-club');
    const audit = await listAudit(ctx.db, { tenantId: 'fairway-club', skip: 0, take: 10 });
    expect(audit.rows.map((r) => r.action).sort()).toEqual(['tenant.created', 'tenant.updated']);
  });

  it('rejects bad ids, countries and time zones with a message naming the field', async () => {
    await expectAdminError(createTenant(ctx.db, { id: 'Bad_Id', name: 'x' }), 'invalid_input', /^id: /);
    await expectAdminError(createTenant(ctx.db, { id: 'ok-id', name: 'x', country: 'ZAF' }), 'invalid_input', /country/);
    await expectAdminError(createTenant(ctx.db, { id: 'ok-id', name: 'x', timeZone: 'Mars/Olympus' }), 'invalid_input', /timeZone/);
    await expectAdminError(createTenant(ctx.db, { id: 'ok-id', name: '  ' }), 'invalid_input', /name/);
  });
});

describe('users', () => {
  beforeAll(async () => {
    await createTenant(ctx.db, { id: 'users-club', name: 'Users Club' });
    await createTenant(ctx.db, { id: 'other-club', name: 'Other Club' });
  });

  it('upserts by lower-cased email, hashes the password and is safe to run again', async () => {
    const first = await createUser(ctx.db, {
      tenantId: 'users-club',
      email: ' Anna.Botha@Example.org ',
      role: 'admin',
      password: 'correct horse',
      actor,
    });
    expect(first).toMatchObject({ created: true, membershipCreated: true });
    expect(first.user).toMatchObject({ email: 'anna.botha@example.org', name: 'Anna Botha', role: 'admin' });

    const [stored] = await ctx.db.select().from(staffUsers).where(eq(staffUsers.id, first.user.id));
    expect(stored.passwordHash).not.toContain('correct horse');
    expect(await verifyPassword('correct horse', stored.passwordHash!)).toBe(true);

    const again = await createUser(ctx.db, { tenantId: 'users-club', email: 'ANNA.BOTHA@example.org', role: 'admin' });
    expect(again).toMatchObject({ created: false, membershipCreated: false });
    expect(again.user.id).toBe(first.user.id);
    const [unchanged] = await ctx.db.select().from(staffUsers).where(eq(staffUsers.id, first.user.id));
    expect(unchanged.passwordHash).toBe(stored.passwordHash);

    // The same person joins a second club with another role.
    const second = await createUser(ctx.db, { tenantId: 'other-club', email: 'anna.botha@example.org', role: 'staff' });
    expect(second).toMatchObject({ created: false, membershipCreated: true });
    expect((await listUsers(ctx.db, { tenantId: 'other-club' })).map((u) => u.role)).toEqual(['staff']);
    expect((await listUsers(ctx.db, { tenantId: 'users-club' })).map((u) => u.role)).toEqual(['admin']);
  });

  it('changes roles and removes memberships, keeping at least one admin, and audits each change', async () => {
    const { user: sipho } = await createUser(ctx.db, {
      tenantId: 'users-club',
      email: 'sipho@example.org',
      role: 'staff',
      password: 'a-long-password',
      actor,
    });
    const annaId = await findUserIdByEmail(ctx.db, { tenantId: 'users-club', email: 'Anna.Botha@example.org' });

    await expectAdminError(setUserRole(ctx.db, { tenantId: 'users-club', userId: annaId, role: 'staff', actor }), 'conflict', /last admin/);
    await expectAdminError(removeUser(ctx.db, { tenantId: 'users-club', userId: annaId, actor }), 'conflict');

    expect(await setUserRole(ctx.db, { tenantId: 'users-club', userId: sipho.id, role: 'admin', actor })).toMatchObject({ role: 'admin' });
    await setUserRole(ctx.db, { tenantId: 'users-club', userId: annaId, role: 'marketing', actor });
    await removeUser(ctx.db, { tenantId: 'users-club', userId: annaId, actor });
    expect((await listUsers(ctx.db, { tenantId: 'users-club' })).map((u) => u.email)).toEqual(['sipho@example.org']);
    // Removing from one club leaves the account and the other membership alone.
    expect((await listUsers(ctx.db, { tenantId: 'other-club' })).map((u) => u.email)).toEqual(['anna.botha@example.org']);

    await expectAdminError(removeUser(ctx.db, { tenantId: 'other-club', userId: sipho.id, actor }), 'not_found');

    const audit = await listAudit(ctx.db, { tenantId: 'users-club', skip: 0, take: 100 });
    const actions = audit.rows.map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['user.added', 'user.role_changed', 'user.removed']));
    expect(actions.filter((a) => a === 'user.role_changed')).toHaveLength(2);
    expect(JSON.stringify(audit.rows)).not.toContain('a-long-password');
  });

  it('rejects bad input and unknown tenants', async () => {
    await expectAdminError(createUser(ctx.db, { tenantId: 'users-club', email: 'not-an-email', role: 'staff' }), 'invalid_input', /email/);
    await expectAdminError(
      createUser(ctx.db, { tenantId: 'users-club', email: 'a@example.org', role: 'owner' as never }),
      'invalid_input',
      /role/,
    );
    await expectAdminError(
      createUser(ctx.db, { tenantId: 'users-club', email: 'a@example.org', role: 'staff', password: 'short' }),
      'invalid_input',
      /password/,
    );
    await expectAdminError(createUser(ctx.db, { tenantId: 'no-such-club', email: 'a@example.org', role: 'staff' }), 'not_found');
  });
});

describe('api keys', () => {
  beforeAll(async () => {
    await createTenant(ctx.db, { id: 'keys-club', name: 'Keys Club' });
    await createTenant(ctx.db, { id: 'keys-other', name: 'Other' });
  });

  it('creates a key shown once, stores only its hash and finds it by the key', async () => {
    const created = await createApiKey(ctx.db, {
      tenantId: 'keys-club',
      name: 'Website',
      scopes: ['crm:read', 'crm:write', 'crm:read'],
      createdBy: actor,
    });
    expect(created.key).toMatch(/^crm_[0-9A-Za-z]{40}$/);
    expect(created.prefix).toBe(created.key.slice(0, 12));

    const [row] = await ctx.db.select().from(apiKeys).where(eq(apiKeys.id, created.id));
    expect(row.keyHash).toBe(hashApiKey(created.key));
    expect(row.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(created.key);

    expect(await findApiKey(ctx.db, created.key)).toEqual({
      id: created.id,
      tenantId: 'keys-club',
      scopes: ['crm:read', 'crm:write'],
      name: 'Website',
    });
    expect(await findApiKey(ctx.db, `${created.key}x`)).toBeNull();
    expect(await findApiKey(ctx.db, 'not-a-key')).toBeNull();

    const listed = await listApiKeys(ctx.db, { tenantId: 'keys-club' });
    expect(listed).toHaveLength(1);
    expect(listed[0]).not.toHaveProperty('keyHash');
    expect(listed[0].lastUsedAt).toBeInstanceOf(Date);
    expect(await listApiKeys(ctx.db, { tenantId: 'keys-other' })).toEqual([]);
  });

  it('touches last_used_at at most once a minute', async () => {
    const { id, key } = await createApiKey(ctx.db, { tenantId: 'keys-club', name: 'Busy', scopes: ['crm:read'], createdBy: actor });
    await findApiKey(ctx.db, key);
    const [first] = await ctx.db.select({ at: apiKeys.lastUsedAt }).from(apiKeys).where(eq(apiKeys.id, id));
    await findApiKey(ctx.db, key);
    const [second] = await ctx.db.select({ at: apiKeys.lastUsedAt }).from(apiKeys).where(eq(apiKeys.id, id));
    expect(second.at!.getTime()).toBe(first.at!.getTime());

    await ctx.db.update(apiKeys).set({ lastUsedAt: new Date(Date.now() - 120_000) }).where(eq(apiKeys.id, id));
    await findApiKey(ctx.db, key);
    const [third] = await ctx.db.select({ at: apiKeys.lastUsedAt }).from(apiKeys).where(eq(apiKeys.id, id));
    expect(Date.now() - third.at!.getTime()).toBeLessThan(30_000);
  });

  it('revokes within the tenant only, and a revoked key no longer authenticates', async () => {
    const { id, key } = await createApiKey(ctx.db, { tenantId: 'keys-club', name: 'Old', scopes: ['crm:admin'], createdBy: actor });
    await expectAdminError(revokeApiKey(ctx.db, { tenantId: 'keys-other', id, actor }), 'not_found');
    expect(await findApiKey(ctx.db, key)).not.toBeNull();

    expect(await revokeApiKey(ctx.db, { tenantId: 'keys-club', id, actor })).toEqual({ revoked: true });
    expect(await revokeApiKey(ctx.db, { tenantId: 'keys-club', id, actor })).toEqual({ revoked: false });
    expect(await findApiKey(ctx.db, key)).toBeNull();

    const audit = await ctx.db.select().from(auditLog).where(eq(auditLog.target, `api_key:${id}`));
    expect(audit.map((a) => a.action).sort()).toEqual(['api_key.created', 'api_key.revoked']);
    expect(JSON.stringify(audit)).not.toContain(key);
  });

  it('rejects unknown scopes, empty names and unknown tenants', async () => {
    await expectAdminError(
      createApiKey(ctx.db, { tenantId: 'keys-club', name: 'x', scopes: ['crm:delete' as never], createdBy: actor }),
      'invalid_input',
      /scope/,
    );
    await expectAdminError(createApiKey(ctx.db, { tenantId: 'keys-club', name: 'x', scopes: [], createdBy: actor }), 'invalid_input');
    await expectAdminError(createApiKey(ctx.db, { tenantId: 'keys-club', name: ' ', scopes: ['crm:read'], createdBy: actor }), 'invalid_input');
    await expectAdminError(createApiKey(ctx.db, { tenantId: 'nope', name: 'x', scopes: ['crm:read'], createdBy: actor }), 'not_found');
  });
});
