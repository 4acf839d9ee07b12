import { eq } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '@/server/admin/tenants';
import { createUser } from '@/server/admin/users';
import { staffMemberships, staffUsers } from '@/server/db/schema';
import { createRedis } from '@/server/queue/connection';
import { createTestContext, type TestContext } from '@/test/harness';
import { authorizeCredentials, INVALID_CREDENTIALS_MESSAGE, SignInRefused, type AuthorizeDeps } from './credentials';
import { loadViewer } from './staff-access';
import { createSignInThrottle } from './throttle';

const PASSWORD = 'a long and correct password';
let ctx: TestContext;
let redis: Redis;
let deps: AuthorizeDeps;
let ipCounter = 0;

/** Each test signs in from its own address, so the per-address limit only shows where a test is about it. */
const freshIp = () => `198.51.100.${++ipCounter}`;

async function user(email: string) {
  await createUser(ctx.db, { tenantId: 'alpha-gc', email, role: 'staff', password: PASSWORD });
  return email;
}

/** Why an attempt was refused, or null when it signs in. */
async function attempt(email: string, password: string, ip: string): Promise<SignInRefused | null> {
  try {
    await authorizeCredentials(deps, { email, password, ip });
    return null;
  } catch (error) {
    if (error instanceof SignInRefused) return error;
    throw error;
  }
}

const INVALID = { reason: 'invalid', message: INVALID_CREDENTIALS_MESSAGE };
const THROTTLED = { reason: 'throttled' };

beforeAll(async () => {
  ctx = await createTestContext('auth_credentials');
  redis = createRedis({ url: ctx.redisUrl });
  deps = { db: ctx.appDb, throttle: createSignInThrottle({ redis, prefix: ctx.prefix }) };
  await createTenant(ctx.db, { id: 'alpha-gc', name: 'Alpha GC' });
  await createTenant(ctx.db, { id: 'bravo-cc', name: 'Bravo CC' });
});

afterAll(async () => {
  redis?.disconnect();
  await ctx?.cleanup();
});

describe('authorizeCredentials', () => {
  it('signs in with the right password, whatever the email’s case', async () => {
    const email = await user('anna@alpha.example');
    const signedIn = await authorizeCredentials(deps, { email: ' Anna@Alpha.example ', password: PASSWORD, ip: freshIp() });
    expect(signedIn).toMatchObject({ email, name: expect.any(String) });
  });

  it('gives an unknown account exactly the answer of a wrong password', async () => {
    const email = await user('ben@alpha.example');
    const ip = freshIp();
    const wrong = await attempt(email, 'not it', ip);
    const unknown = await attempt('nobody@alpha.example', 'not it', ip);
    expect(wrong).toMatchObject(INVALID);
    expect(unknown).toMatchObject(INVALID);
    expect(unknown!.message).toBe(wrong!.message);
    expect(INVALID_CREDENTIALS_MESSAGE).not.toMatch(/exist|unknown|found/i);
  });

  it('refuses the 6th attempt within the window even with the right password', async () => {
    const email = await user('carla@alpha.example');
    const ip = freshIp();
    for (let i = 0; i < 5; i++) expect(await attempt(email, `guess ${i}`, ip)).toMatchObject(INVALID);
    const locked = await attempt(email, PASSWORD, ip);
    expect(locked).toMatchObject(THROTTLED);
    expect(locked!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(locked!.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(locked!.message).toMatch(/^Too many attempts — try again in \d+ seconds$/);
    // The lock is on the account: another address is refused too.
    expect(await attempt(email, PASSWORD, freshIp())).toMatchObject(THROTTLED);
  });

  it('locks an unknown account the same way, so locking reveals nothing either', async () => {
    const ip = freshIp();
    for (let i = 0; i < 5; i++) expect(await attempt('ghost@alpha.example', `guess ${i}`, ip)).toMatchObject(INVALID);
    expect(await attempt('ghost@alpha.example', 'anything', ip)).toMatchObject(THROTTLED);
  });

  it('clears the account’s count after a successful sign-in', async () => {
    const email = await user('dev@alpha.example');
    const ip = freshIp();
    for (let i = 0; i < 4; i++) await attempt(email, 'wrong', ip);
    expect(await attempt(email, PASSWORD, ip)).toBeNull();
    for (let i = 0; i < 4; i++) await attempt(email, 'wrong', ip);
    expect(await attempt(email, PASSWORD, ip)).toBeNull();
  });

  it('locks an address that fails 20 times across accounts, for every account', async () => {
    const ip = freshIp();
    for (let i = 0; i < 20; i++) await attempt(`spray${i}@alpha.example`, 'password1', ip);
    const email = await user('erin@alpha.example');
    expect(await attempt(email, PASSWORD, ip)).toMatchObject(THROTTLED);
    expect(await attempt(email, PASSWORD, freshIp())).toBeNull();
  });

  it('treats a disabled account as unknown', async () => {
    const email = await user('finn@alpha.example');
    await ctx.db.update(staffUsers).set({ disabledAt: new Date() }).where(eq(staffUsers.email, email));
    expect(await attempt(email, PASSWORD, freshIp())).toMatchObject(INVALID);
  });

  it('says "no club" only after the password is proven', async () => {
    const email = await user('gus@alpha.example');
    const [row] = await ctx.db.select({ id: staffUsers.id }).from(staffUsers).where(eq(staffUsers.email, email));
    await ctx.db.delete(staffMemberships).where(eq(staffMemberships.userId, row!.id));
    expect(await attempt(email, 'wrong', freshIp())).toMatchObject(INVALID);
    expect(await attempt(email, PASSWORD, freshIp())).toMatchObject({ reason: 'no_access' });
  });

  it('refuses empty input without touching the database', async () => {
    expect(await attempt('', '', freshIp())).toMatchObject(INVALID);
  });
});

describe('loadViewer', () => {
  it('picks the requested club only among the person’s own, and carries that club’s role', async () => {
    const { user: hana } = await createUser(ctx.db, { tenantId: 'alpha-gc', email: 'hana@clubs.example', role: 'staff', password: PASSWORD });
    await createUser(ctx.db, { tenantId: 'bravo-cc', email: 'hana@clubs.example', role: 'admin' });

    const fallback = await loadViewer(ctx.db, { userId: hana.id, requestedTenantId: null });
    expect(fallback).toMatchObject({ tenantId: 'alpha-gc', tenantName: 'Alpha GC', role: 'staff' });
    expect(fallback!.tenants.map((x) => x.id)).toEqual(['alpha-gc', 'bravo-cc']);

    const bravo = await loadViewer(ctx.db, { userId: hana.id, requestedTenantId: 'bravo-cc' });
    expect(bravo).toMatchObject({ tenantId: 'bravo-cc', role: 'admin' });
    expect(bravo!.permissions).toContain('deadletters.retry');

    const forged = await loadViewer(ctx.db, { userId: hana.id, requestedTenantId: 'charlie' });
    expect(forged).toMatchObject({ tenantId: 'alpha-gc', role: 'staff' });
  });

  it('answers null for an unknown or malformed user id', async () => {
    expect(await loadViewer(ctx.db, { userId: '00000000-0000-4000-8000-000000000000' })).toBeNull();
    expect(await loadViewer(ctx.db, { userId: 'not-a-uuid' })).toBeNull();
  });
});
