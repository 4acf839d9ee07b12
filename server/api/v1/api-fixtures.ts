import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { encode } from 'next-auth/jwt';
import { createApiKey, revokeApiKey } from '@/server/admin/api-keys';
import { createTenant } from '@/server/admin/tenants';
import { createUser } from '@/server/admin/users';
import { sessionCookieName } from '@/server/auth/session-token';
import type { ApiScope, Role } from '@/server/auth/permissions';
import type { Database } from '@/server/db/client';
import {
  activities,
  deadLetters,
  profileIdentities,
  profiles,
  profileScores,
  segmentMemberships,
  segments,
  syncLog,
} from '@/server/db/schema';
import { foldSearchText } from '@/server/queries/search-text';
import { createRedis } from '@/server/queue/connection';
import { setRuntimeForTests } from '@/server/auth/runtime';
import { createTestContext, type TestContext } from '@/test/harness';
import type { RouteArgs } from '../handler';
import { closeApiQueues } from '../queues';
import { setApiRateLimitForTests } from '../rate-limit';
import type { Endpoint } from './endpoints';

/*
 * Test data for the read-API tests: two clubs with the same shape, so every test can ask club A for club B's ids.
 * Only the integration tests import this module.
 */

export const TEST_PASSWORD = 'correct horse battery staple';
const HOUR = 3_600_000;

export interface SeededClub {
  tenantId: string;
  /** Two live people and one merged into the first. */
  profileIds: [string, string];
  mergedProfileId: string;
  staticSegmentId: string;
  /** A built-in (DYNAMIC) segment created with the tenant. */
  systemSegmentId: string;
  eventId: string;
  deadLetterEventId: string;
  users: Record<Role, { id: string; email: string }>;
  keys: Record<ApiScope, string>;
  revokedKey: string;
}

interface Person {
  firstName: string;
  lastName: string;
  email: string;
}

async function insertPerson(db: Database, tenantId: string, p: Person, extra: Partial<typeof profiles.$inferInsert> = {}) {
  const [row] = await db
    .insert(profiles)
    .values({
      tenantId,
      firstName: p.firstName,
      lastName: p.lastName,
      email: p.email,
      searchText: foldSearchText(`${p.firstName} ${p.lastName} ${p.email}`),
      lifecycleStage: 'MEMBER',
      membershipStatus: 'ACTIVE',
      membershipTier: 'Gold',
      emailOptIn: true,
      engagementScore: 64,
      engagementLevel: 'GOOD',
      churnRiskScore: 72,
      churnRiskLevel: 'HIGH',
      churnRiskScoreAt: new Date(Date.now() - HOUR),
      lastActivityAt: new Date(Date.now() - 2 * HOUR),
      ...extra,
    })
    .returning({ id: profiles.id });
  await db.insert(profileIdentities).values({
    tenantId,
    profileId: row.id,
    kind: 'email',
    value: p.email,
    source: 'scl',
    confidence: 90,
  });
  return row.id;
}

/**
 * A club with people (the same first name "Zanele" in every club, so searches can show they stay inside one),
 * activities, churn scores, a static segment with both people, a processed event, a dead letter, a user of each
 * role and an API key of each scope.
 */
export async function seedClub(db: Database, tenantId: string, name: string): Promise<SeededClub> {
  await createTenant(db, { id: tenantId, name });
  const zanele = await insertPerson(db, tenantId, { firstName: 'Zanele', lastName: name, email: `zanele@${tenantId}.example` });
  const pieter = await insertPerson(db, tenantId, { firstName: 'Pieter', lastName: name, email: `pieter@${tenantId}.example` });
  const merged = await insertPerson(
    db,
    tenantId,
    { firstName: 'Zanele', lastName: 'Old', email: `zanele.old@${tenantId}.example` },
    { status: 'MERGED', mergedIntoId: zanele },
  );

  const now = Date.now();
  await db.insert(activities).values(
    [zanele, pieter].flatMap((profileId, i) =>
      [1, 2].map((n) => ({
        tenantId,
        profileId,
        source: n === 1 ? 'teetime' : 'messaging',
        sourceEventId: `${tenantId}-act-${i}-${n}`,
        eventType: n === 1 ? 'teetime.round.completed' : 'messaging.email.opened',
        type: n === 1 ? 'ROUND_PLAYED' : 'EMAIL_OPENED',
        title: n === 1 ? 'Round played' : 'Opened the newsletter',
        occurredAt: new Date(now - n * HOUR),
      })),
    ),
  );
  await db.insert(profileScores).values(
    [zanele, pieter].map((profileId) => ({
      tenantId,
      profileId,
      kind: 'CHURN' as const,
      score: 72,
      level: 'HIGH',
      factors: [{ name: 'activityDecline', weight: 35, value: 100, explanation: 'rounds down 73 % vs usual' }],
      scoredAt: new Date(now - HOUR),
    })),
  );

  const [staticSegment] = await db
    .insert(segments)
    .values({ tenantId, name: `${name} hand-picked`, type: 'STATIC', memberCount: 2 })
    .returning({ id: segments.id });
  await db.insert(segmentMemberships).values([zanele, pieter].map((profileId) => ({ tenantId, segmentId: staticSegment.id, profileId })));
  // createTenant made the built-in segments (DYNAMIC, isSystem).
  const [systemSegment] = await db
    .select({ id: segments.id })
    .from(segments)
    .where(and(eq(segments.tenantId, tenantId), eq(segments.isSystem, true)))
    .limit(1);

  const eventId = `${tenantId}-evt-1`;
  await db.insert(syncLog).values({
    tenantId,
    source: 'teetime',
    eventId,
    eventType: 'teetime.round.completed',
    status: 'SUCCESS',
    attempts: 1,
    profileId: zanele,
    steps: [
      { step: 'parse', ms: 1 },
      { step: 'resolve', ms: 3 },
    ],
    processedAt: new Date(),
  });
  const deadLetterEventId = `${tenantId}-dl-1`;
  await db.insert(deadLetters).values({
    tenantId,
    source: 'scl',
    eventId: deadLetterEventId,
    eventType: 'scl.member.updated',
    jobName: 'scl.member.updated',
    jobData: { payload: { email: `secret@${tenantId}.example` } },
    reason: 'retries_exhausted',
    failedStep: 'update-profile',
    error: 'deadlock detected',
    attempts: 4,
  });
  await db.insert(syncLog).values({
    tenantId,
    source: 'scl',
    eventId: deadLetterEventId,
    eventType: 'scl.member.updated',
    status: 'DEAD_LETTERED',
    attempts: 4,
    errorCode: 'retries_exhausted',
    error: 'deadlock detected',
    failedStep: 'update-profile',
  });

  const users = {} as SeededClub['users'];
  for (const role of ['staff', 'marketing', 'admin'] as const) {
    const email = `${role}@${tenantId}.example`;
    const { user } = await createUser(db, { tenantId, email, name: `${role} of ${name}`, role, password: TEST_PASSWORD });
    users[role] = { id: user.id, email };
  }
  const createdBy = { id: 'test', label: 'test' };
  const keys = {} as SeededClub['keys'];
  for (const scope of ['crm:read', 'crm:write', 'crm:admin'] as const) {
    keys[scope] = (await createApiKey(db, { tenantId, name: `${scope} key`, scopes: [scope], createdBy })).key;
  }
  const revoked = await createApiKey(db, { tenantId, name: 'old key', scopes: ['crm:admin'], createdBy });
  await revokeApiKey(db, { tenantId, id: revoked.id, actor: createdBy });

  return {
    tenantId,
    profileIds: [zanele, pieter],
    mergedProfileId: merged,
    staticSegmentId: staticSegment.id,
    systemSegmentId: systemSegment!.id,
    eventId,
    deadLetterEventId,
    users,
    keys,
    revokedKey: revoked.key,
  };
}

/** A session cookie as Auth.js would set it after signing in (`secure` for the __Secure- name used behind TLS). */
export async function sessionCookie(userId: string, secret: string, secure = false): Promise<string> {
  const name = sessionCookieName(secure);
  const token = await encode({ token: { uid: userId, sub: userId }, secret, salt: name });
  return `${name}=${token}`;
}

export const TEST_AUTH_SECRET = 'api-test-secret-0123456789abcdef';
export const ORIGIN = 'http://crm.test';

export interface ApiTest {
  ctx: TestContext;
  a: SeededClub;
  b: SeededClub;
  stop(): Promise<void>;
}

/**
 * A fresh database with clubs A ("alpha-gc") and B ("bravo-cc"), and the request runtime pointed at it, this
 * test's Redis prefix and a known session secret.
 */
export async function startApiTest(label: string): Promise<ApiTest> {
  const ctx = await createTestContext(label);
  const redis = createRedis({ url: ctx.redisUrl });
  setRuntimeForTests({ db: ctx.appDb, redis, prefix: ctx.prefix, authSecret: TEST_AUTH_SECRET });
  const a = await seedClub(ctx.db, 'alpha-gc', 'Alpha GC');
  const b = await seedClub(ctx.db, 'bravo-cc', 'Bravo CC');
  return {
    ctx,
    a,
    b,
    async stop() {
      await closeApiQueues();
      setApiRateLimitForTests(null);
      setRuntimeForTests(null);
      redis.disconnect();
      await ctx.cleanup();
    },
  };
}

export type RouteHandler = (req: Request, args: RouteArgs) => Promise<Response>;

/** The read API's route files. */
export const ROUTES_DIR = path.resolve(import.meta.dirname, '../../../app/api/v1');

/** `/customers/{id}` → app/api/v1/customers/[id]/route.ts */
export function routeFile(e: Pick<Endpoint, 'path'>): string {
  return path.join(ROUTES_DIR, e.path.replace(/\{(\w+)\}/g, '[$1]'), 'route.ts');
}

export interface CallOptions {
  method?: string;
  /** Path below /api/v1, with the query string. */
  path: string;
  params?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
}

/** Calls a route handler the way Next does: a Request plus a promise of the route params. */
export function call(handler: RouteHandler, options: CallOptions): Promise<Response> {
  const init: RequestInit = { method: options.method ?? 'GET', headers: { host: 'crm.test', ...options.headers } };
  if (options.body !== undefined) {
    init.body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  return handler(new Request(`${ORIGIN}/api/v1${options.path}`, init), { params: Promise.resolve(options.params ?? {}) });
}

export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}

/** Headers of a signed-in browser (same-origin, as a form or fetch from the app would send). */
export async function asUser(userId: string, extraCookies = ''): Promise<Record<string, string>> {
  const cookie = await sessionCookie(userId, TEST_AUTH_SECRET);
  return { cookie: extraCookies ? `${cookie}; ${extraCookies}` : cookie, origin: ORIGIN };
}
