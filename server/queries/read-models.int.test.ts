import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '@/test/harness';
import { withTenant } from '@/server/db/scope';
import {
  activities,
  deadLetters,
  duplicateCandidates,
  profileIdentities,
  profileMerges,
  profiles,
  profileScores,
  segmentMemberships,
  segments,
  syncLog,
  tenants,
} from '@/server/db/schema';
import { searchMembers } from './members';
import { getProfile, resolveCustomer } from './profile';
import { listActivities } from './timeline';
import { churnDistribution, listChurnRisk } from './churn';
import { getEventTrace } from './event-trace';
import { getQueueHealth } from './queue-health';
import { Queue } from 'bullmq';
import { createRedis } from '@/server/queue/connection';

let ctx: TestContext;
const T1 = 'club-one';
const T2 = 'club-two';
const ZANELE = '00000000-0000-4000-8000-000000000001';
const JOSE = '00000000-0000-4000-8000-000000000002';
const MERGED = '00000000-0000-4000-8000-000000000003';
const FOREIGN = '00000000-0000-4000-8000-000000000009';
const day = 86_400_000;
const now = new Date('2026-11-27T10:00:00Z');

beforeAll(async () => {
  ctx = await createTestContext('queries');
  const { db } = ctx;
  await db.insert(tenants).values([
    { id: T1, name: 'Club One' },
    { id: T2, name: 'Club Two' },
  ]);
  await db.insert(profiles).values([
    {
      id: ZANELE,
      tenantId: T1,
      firstName: 'Zanele',
      lastName: 'Mokoena',
      email: 'zanele@example.org',
      phoneNumber: '+27821234567',
      phoneDigits: '27821234567',
      searchText: 'zanele mokoena zanele@example.org',
      membershipTier: 'Gold',
      lifecycleStage: 'MEMBER',
      emailOptIn: true,
      churnRiskScore: 72,
      churnRiskLevel: 'HIGH',
      churnRiskScoreAt: new Date(now.getTime() - day),
      lastActivityAt: new Date(now.getTime() - 2 * day),
    },
    {
      id: JOSE,
      tenantId: T1,
      firstName: 'José',
      lastName: 'Ñúñez',
      email: 'jose@example.org',
      searchText: 'jose nunez jose@example.org',
      membershipTier: 'Silver',
      churnRiskScore: 15,
      churnRiskLevel: 'MINIMAL',
      churnRiskScoreAt: new Date(now.getTime() - 30 * day),
    },
    {
      id: MERGED,
      tenantId: T1,
      firstName: 'Zanele',
      lastName: 'M',
      searchText: 'zanele m',
      status: 'MERGED',
      mergedIntoId: ZANELE,
    },
    { id: FOREIGN, tenantId: T2, firstName: 'Zanele', lastName: 'Other', searchText: 'zanele other' },
  ]);
  await db.insert(profileIdentities).values([
    { tenantId: T1, profileId: ZANELE, kind: 'sclMemberId', value: '91001', source: 'scl', confidence: 100 },
    { tenantId: T1, profileId: ZANELE, kind: 'phone', value: '+27821234567', source: 'scl', confidence: 85 },
    { tenantId: T1, profileId: ZANELE, kind: 'email', value: 'zanele@example.org', source: 'messaging', confidence: 95 },
    { tenantId: T1, profileId: JOSE, kind: 'teetimePlayerId', value: 'tt-555', source: 'teetime', confidence: 100 },
    { tenantId: T2, profileId: FOREIGN, kind: 'sclMemberId', value: '91001', source: 'scl', confidence: 100 },
  ]);
  await db.insert(profileMerges).values({ tenantId: T1, winnerId: ZANELE, loserId: MERGED, reason: 'email', mergedBy: 'system' });
  await db.insert(duplicateCandidates).values({ tenantId: T1, profileA: ZANELE, profileB: JOSE, reason: 'shared email' });
  const [segment] = await db.insert(segments).values({ tenantId: T1, name: 'High-Value Members', type: 'DYNAMIC' }).returning();
  await db.insert(segmentMemberships).values({ tenantId: T1, segmentId: segment!.id, profileId: ZANELE });
  await db.insert(activities).values(
    Array.from({ length: 30 }, (_, i) => ({
      tenantId: T1,
      profileId: ZANELE,
      source: i % 3 === 0 ? 'teetime' : 'scl',
      sourceEventId: `evt-${i}`,
      eventType: i % 3 === 0 ? 'teetime.booking.completed' : 'scl.payment.received',
      type: i % 3 === 0 ? 'ROUND_PLAYED' : 'PAYMENT_RECEIVED',
      title: `Activity ${i}`,
      // Pairs share a timestamp so the id tie-breaker is exercised.
      occurredAt: new Date(now.getTime() - Math.floor(i / 2) * 3_600_000),
    })),
  );
  const factors = [
    { name: 'activityDecline', weight: 35, value: 100, explanation: 'rounds down 73 % vs her usual' },
    { name: 'paymentIssues', weight: 25, value: 40, explanation: '1 failed payment' },
    { name: 'complaints', weight: 10, value: 0, explanation: 'none' },
  ];
  await db.insert(profileScores).values([
    { tenantId: T1, profileId: ZANELE, kind: 'CHURN', score: 30, level: 'LOW', factors, scoredAt: new Date(now.getTime() - 20 * day) },
    { tenantId: T1, profileId: ZANELE, kind: 'CHURN', score: 72, level: 'HIGH', factors, scoredAt: new Date(now.getTime() - day) },
    { tenantId: T1, profileId: JOSE, kind: 'CHURN', score: 15, level: 'MINIMAL', factors: [], scoredAt: new Date(now.getTime() - 30 * day) },
  ]);
  await db.insert(syncLog).values({
    tenantId: T1,
    source: 'scl',
    eventId: 'evt-0',
    eventType: 'scl.payment.received',
    status: 'SUCCESS',
    attempts: 1,
    profileId: ZANELE,
    steps: [{ step: 'parse', ms: 1 }],
    processedAt: now,
  });
  await db.insert(deadLetters).values({
    tenantId: T2,
    source: 'scl',
    eventId: 'evt-foreign',
    eventType: 'scl.member.created',
    jobName: 'event',
    jobData: {},
    reason: 'invalid_payload',
    failedStep: 'parse',
    error: 'bad',
    attempts: 1,
  });
});

afterAll(async () => ctx?.cleanup());

// The search reads as the app does: the app role, in a transaction scoped to the club (row-level security).
describe('searchMembers', () => {
  const members = (input: Omit<Parameters<typeof searchMembers>[1], 'tenantId'>) =>
    withTenant(ctx.appDb, T1, (tx) => searchMembers(tx, { tenantId: T1, ...input }));
  const search = (q: string, extra = {}) => members({ q, ...extra });

  it('finds names partially, ignoring case and accents', async () => {
    expect((await search('ZAN')).rows.map((r) => r.id)).toEqual([ZANELE]);
    expect((await search('Ñúñ')).rows.map((r) => r.id)).toEqual([JOSE]);
    expect((await search('zanele mok')).rows.map((r) => r.id)).toEqual([ZANELE]);
  });

  it('takes a one- or two-letter word as the start of a word, not any fragment', async () => {
    expect((await search('zanele m')).rows.map((r) => r.id)).toEqual([ZANELE]);
    expect((await search('Mo Zan')).rows.map((r) => r.id)).toEqual([ZANELE]);
    expect((await search('zanele k')).rows).toEqual([]);
    expect((await search('ne')).rows).toEqual([]);
    expect((await search('nel')).rows.map((r) => r.id)).toEqual([ZANELE]);
  });

  it('finds by email, phone in any format, member id and player id', async () => {
    for (const q of ['zanele@example.org', '082 123 4567', '+27821234567', '(082) 123-4567', '91001', 'tt-555']) {
      const { rows } = await search(q);
      expect(rows.length, q).toBe(1);
    }
    expect((await search('tt-555')).rows[0]!.id).toBe(JOSE);
  });

  it('never leaves the tenant and hides merged people unless asked', async () => {
    const { rows, total } = await search('zanele');
    expect(rows.map((r) => r.id)).toEqual([ZANELE]);
    expect(total).toBe(1);
    expect((await search('zanele', { status: 'MERGED' })).rows.map((r) => r.id)).toEqual([MERGED]);
  });

  it('filters and sorts', async () => {
    expect((await members({ tier: 'Gold' })).rows.map((r) => r.id)).toEqual([ZANELE]);
    expect((await members({ churnLevel: 'MINIMAL' })).rows.map((r) => r.id)).toEqual([JOSE]);
    expect((await members({ consent: 'none' })).rows.map((r) => r.id)).toEqual([JOSE]);
    const byName = await members({ sort: 'name', dir: 'asc' });
    expect(byName.rows.map((r) => r.name)).toEqual(['José Ñúñez', 'Zanele Mokoena']);
    expect((await search('nobody-here')).total).toBe(0);
  });

  it('ranks by relevance: a word that starts with what was typed, then a whole word, before a fragment inside a word', async () => {
    const T3 = 'club-three';
    await ctx.db.insert(tenants).values({ id: T3, name: 'Club Three' });
    const at = (days: number) => new Date(now.getTime() - days * day);
    // Natasha is the most recently active, so only relevance can put the others before her.
    const people = [
      { firstName: 'Natasha', lastName: 'Dube', searchText: 'natasha dube', lastActivityAt: at(1) },
      { firstName: 'Shaun', lastName: 'Nelson', searchText: 'shaun nelson', lastActivityAt: at(3) },
      { firstName: 'Sharon', lastName: 'Nel', searchText: 'sharon nel', lastActivityAt: at(5) },
      { firstName: 'Lerato', lastName: 'Shabalala', searchText: 'lerato shabalala', lastActivityAt: at(2) },
    ];
    await ctx.db.insert(profiles).values(people.map((p) => ({ ...p, tenantId: T3 })));
    const names = async (q: string) =>
      (await withTenant(ctx.appDb, T3, (tx) => searchMembers(tx, { tenantId: T3, q }))).rows.map((r) => r.firstName);
    // Word starts first (most recently active among them), the fragment inside "Natasha" last.
    expect(await names('sha')).toEqual(['Lerato', 'Shaun', 'Sharon', 'Natasha']);
    // "Nel" the whole surname before "Nelson"; every word counts.
    expect(await names('nel')).toEqual(['Sharon', 'Shaun']);
    expect(await names('sha nel')).toEqual(['Sharon', 'Shaun']);
  });

  it('totals every page alike: a full page is counted, a short one ends the list, past the end is counted', async () => {
    const totals = async (skip: number, take: number) => {
      const page = await members({ skip, take });
      return [page.rows.length, page.total, page.totalExact];
    };
    expect(await totals(0, 25)).toEqual([2, 2, true]);
    expect(await totals(0, 1)).toEqual([1, 2, true]);
    expect(await totals(1, 1)).toEqual([1, 2, true]);
    expect(await totals(1, 5)).toEqual([1, 2, true]);
    expect(await totals(5, 5)).toEqual([0, 2, true]);
  });
});

describe('getProfile and resolveCustomer', () => {
  it('returns the person with identifiers, segments, merges, duplicates and score factors', async () => {
    const p = await getProfile(ctx.db, { tenantId: T1, id: ZANELE });
    expect(p?.name).toBe('Zanele Mokoena');
    expect(p?.identifiers.map((i) => `${i.kind}:${i.source}`)).toContain('sclMemberId:scl');
    expect(p?.segments[0]?.name).toBe('High-Value Members');
    expect(p?.merges[0]?.loserId).toBe(MERGED);
    expect(p?.duplicateCandidates[0]?.otherId).toBe(JOSE);
    expect(p?.scores.churn?.score).toBe(72);
    expect(p?.scoreHistory).toHaveLength(2);
  });

  it('answers null for foreign or malformed ids, and MERGED with mergedIntoId for merged-away ids', async () => {
    expect(await getProfile(ctx.db, { tenantId: T1, id: FOREIGN })).toBeNull();
    expect(await getProfile(ctx.db, { tenantId: T1, id: 'not-a-uuid' })).toBeNull();
    const merged = await getProfile(ctx.db, { tenantId: T1, id: MERGED });
    expect(merged?.status).toBe('MERGED');
    expect(merged?.mergedIntoId).toBe(ZANELE);
  });

  it('resolves by email or local phone, inside the tenant only', async () => {
    expect((await resolveCustomer(ctx.db, { tenantId: T1, email: ' Zanele@Example.org ' }))?.id).toBe(ZANELE);
    expect((await resolveCustomer(ctx.db, { tenantId: T1, phone: '082 123 4567' }))?.id).toBe(ZANELE);
    expect(await resolveCustomer(ctx.db, { tenantId: T2, phone: '082 123 4567' })).toBeNull();
  });
});

describe('listActivities', () => {
  it('pages newest first with a keyset cursor, without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listActivities(ctx.db, { tenantId: T1, profileId: ZANELE, take: 7, cursor });
      seen.push(...page!.rows.map((r) => r.sourceEventId));
      cursor = page!.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
    const all = await listActivities(ctx.db, { tenantId: T1, profileId: ZANELE, take: 100 });
    const times = all!.rows.map((r) => r.occurredAt.getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('filters by source and answers null for a foreign profile', async () => {
    const page = await listActivities(ctx.db, { tenantId: T1, profileId: ZANELE, sources: 'teetime', take: 100 });
    expect(page!.rows).toHaveLength(10);
    expect(page!.rows.every((r) => r.source === 'teetime')).toBe(true);
    expect(await listActivities(ctx.db, { tenantId: T1, profileId: FOREIGN })).toBeNull();
  });
});

describe('churn', () => {
  it('ranks by score with top factors and the change since last week', async () => {
    const { rows } = await listChurnRisk(ctx.db, { tenantId: T1, now });
    expect(rows.map((r) => r.id)).toEqual([ZANELE, JOSE]);
    expect(rows[0]!.change).toBe(42);
    expect(rows[0]!.previousScore).toBe(30);
    expect(rows[0]!.factors.map((f) => f.name)).toEqual(['activityDecline', 'paymentIssues']);
    const afterFirst = await listChurnRisk(ctx.db, { tenantId: T1, now, after: { score: 72, id: ZANELE } });
    expect(afterFirst.rows.map((r) => r.id)).toEqual([JOSE]);
    const risen = await listChurnRisk(ctx.db, { tenantId: T1, now, risen: true });
    expect(risen.rows.map((r) => r.id)).toEqual([ZANELE]);
  });

  it('counts levels per day from the score history', async () => {
    const days = await churnDistribution(ctx.db, { tenantId: T1, days: 90, now });
    expect(days).toHaveLength(90);
    const last = days.at(-1)!;
    expect(last).toMatchObject({ HIGH: 1, MINIMAL: 1, LOW: 0 });
    const tenDaysAgo = days.at(-11)!;
    expect(tenDaysAgo).toMatchObject({ LOW: 1, MINIMAL: 1, HIGH: 0 });
    expect(days[0]).toMatchObject({ LOW: 0, MINIMAL: 0, HIGH: 0 });
  });
});

describe('getEventTrace', () => {
  it('returns the trace inside the tenant and null across tenants', async () => {
    const trace = await getEventTrace(ctx.db, { tenantId: T1, eventId: 'evt-0' });
    expect(trace?.status).toBe('SUCCESS');
    expect(trace?.profile?.id).toBe(ZANELE);
    expect(await getEventTrace(ctx.db, { tenantId: T1, eventId: 'evt-foreign' })).toBeNull();
    expect((await getEventTrace(ctx.db, { tenantId: T2, eventId: 'evt-foreign' }))?.deadLetter?.reason).toBe('invalid_payload');
  });
});

describe('getQueueHealth', () => {
  it('counts jobs, the oldest waiting age and this tenant’s throughput and dead letters', async () => {
    const connection = createRedis({ url: ctx.redisUrl });
    const inbound = new Queue('crm-events', { connection, prefix: ctx.prefix });
    const outbound = new Queue('crm-outbound', { connection, prefix: ctx.prefix });
    try {
      await inbound.add('event', { id: 'x' }, { jobId: 'job-a', timestamp: Date.now() - 90_000 });
      await inbound.add('event', { id: 'y' }, { jobId: 'job-b' });
      const health = await getQueueHealth(ctx.db, { tenantId: T1, queues: { inbound, outbound }, now: new Date() });
      expect(health.inbound.counts.waiting).toBe(2);
      expect(health.inbound.oldestWaitingMs).toBeGreaterThanOrEqual(85_000);
      expect(health.outbound.counts.waiting).toBe(0);
      expect(health.perMinute).toHaveLength(61);
      // Club one has no dead letters; club two's is not counted for it.
      expect(health.deadLetters.open).toBe(0);
      // The one processed event of club one (at `now`) lands in the last minute of its hour.
      const atEvent = await getQueueHealth(ctx.db, { tenantId: T1, queues: { inbound, outbound }, now: new Date(now.getTime() + 1000) });
      expect(atEvent.perMinute.reduce((n, m) => n + m.processed, 0)).toBe(1);
      expect(atEvent.perMinute.at(-1)).toMatchObject({ processed: 1, failed: 0 });
      const other = await getQueueHealth(ctx.db, { tenantId: T2, queues: { inbound, outbound } });
      expect(other.deadLetters.byReason).toEqual([{ reason: 'invalid_payload', count: 1 }]);
    } finally {
      await inbound.close();
      await outbound.close();
      connection.disconnect();
    }
  });
});
