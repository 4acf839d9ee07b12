import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '@/test/harness';
import { profiles, type NewProfile } from '../db/schema';
import { segmentWhere } from './compile';
import { MAX_DEPTH, validateCriteria, type Criteria } from './criteria';
import { matchesSegment } from './evaluate-memory';
import { FIELDS, MEMBERSHIP_STATUSES, MEMBERSHIP_TIERS, type FieldDef, type Operator } from './fields';
import { createTenant } from './test-fixtures';

/**
 * The SQL translation and the in-memory evaluator must agree on random rules over random profiles. Values come
 * from small shared pools so that rules hit real values and boundaries (equal numbers, day edges, the withinLastDays
 * cut-off), nulls included. Profiles of another tenant and merged / deleted ones are mixed in.
 */

const NOW = new Date('2026-03-15T12:00:00.000Z');
const TENANT = 'prop';
const OTHER = 'prop-other';
const DAY = 86_400_000;
const at = (iso: string) => new Date(iso);

const POOLS = {
  text: ['Ann', 'ann', 'ANNA', 'Bob', 'bob smith', 'Carla', '', 'x%_y'],
  textQuery: ['ann', 'AN', 'bob', 'b', 'smith', 'zed', '%', '_', 'x%_y'],
  email: ['ann@club.co.za', 'BOB@Club.co.za', 'carla@mail.com'],
  emailQuery: ['ann@club.co.za', 'bob@club.co.za', 'club', '@MAIL', 'nobody'],
  tier: [...MEMBERSHIP_TIERS, 'gold', 'Gold Family'],
  handicap: [-2, 0, 4.5, 9.9, 10, 14.9, 15, 15.1, 28, 36],
  count: [0, 1, 2, 3, 5, 10, 20],
  score: [0, 19, 20, 69, 70, 71, 100],
  money: [0, 4999, 5000, 100_000],
  instant: [
    new Date(NOW.getTime() - 400 * DAY),
    new Date(NOW.getTime() - 60 * DAY),
    new Date(NOW.getTime() - 60 * DAY - 1),
    new Date(NOW.getTime() - 30 * DAY),
    new Date(NOW.getTime() - DAY),
    NOW,
    new Date(NOW.getTime() + 2 * DAY),
    at('2026-03-01T00:00:00.000Z'),
    at('2026-02-28T23:59:59.999Z'),
    at('2026-03-01T23:59:59.999Z'),
    at('2026-03-01T08:00:00.000Z'),
  ],
  dateValue: ['2026-03-01', '2026-02-28', '2025-12-31', '2026-03-01T00:00:00Z', '2026-03-01T10:00:00+02:00'],
  days: [1, 30, 59, 60, 61, 365],
  birthday: ['1980-05-17', '1980-05-18', '2001-01-01'],
  tag: ['vip', 'VIP', 'junior', 'vips', 'social'],
};

function valueArb(field: FieldDef, operator: Operator): fc.Arbitrary<unknown> {
  if (operator === 'isNull' || operator === 'isNotNull') return fc.constant(undefined);
  if (operator === 'withinLastDays' || operator === 'notWithinLastDays') return fc.constantFrom(...POOLS.days);
  const scalar = ((): fc.Arbitrary<string | number | boolean> => {
    switch (field.type) {
      case 'number':
        return fc.constantFrom(...(field.name === 'handicap' ? POOLS.handicap : field.name.endsWith('Score') ? POOLS.score : field.name === 'lifetimeValue' ? POOLS.money : POOLS.count));
      case 'boolean':
        return fc.boolean();
      case 'date':
        return fc.constantFrom(...(field.dateOnly ? POOLS.birthday : POOLS.dateValue));
      case 'enum':
        return fc.constantFrom(...(field.name === 'membershipTier' ? POOLS.tier : (field.enumValues ?? [])));
      case 'tags':
        return fc.constantFrom(...POOLS.tag);
      case 'string':
        return fc.constantFrom(...(field.name === 'email' ? POOLS.emailQuery : POOLS.textQuery));
    }
  })();
  if (operator === 'in') return fc.uniqueArray(scalar, { minLength: 1, maxLength: 3 });
  if (operator === 'contains' && field.type !== 'tags') return scalar.filter((v) => v !== '');
  return scalar;
}

const ruleArb = fc
  .constantFrom(...FIELDS)
  .chain((field) =>
    fc.constantFrom(...field.operators).chain((operator) =>
      valueArb(field, operator).map((value) => ({ field: field.name, operator, value })),
    ),
  );

const criteriaArb: fc.Arbitrary<unknown> = fc.letrec<{ group: unknown; node: unknown }>((tie) => ({
  group: fc.record({
    combinator: fc.constantFrom('AND', 'OR'),
    rules: fc.array(tie('node'), { minLength: 1, maxLength: 4 }),
  }),
  node: fc.oneof({ depthSize: 'small', maxDepth: MAX_DEPTH - 1 }, ruleArb, tie('group')),
})).group;

function nullable<T>(field: string, arb: fc.Arbitrary<T>) {
  const def = FIELDS.find((f) => f.name === field);
  return def?.nullable === false ? arb : fc.option(arb, { nil: null, freq: 3 });
}

const profileArb: fc.Arbitrary<NewProfile> = fc.record({
  tenantId: fc.constantFrom(TENANT, TENANT, TENANT, OTHER),
  status: fc.constantFrom('ACTIVE', 'ACTIVE', 'INACTIVE', 'MERGED', 'DELETED'),
  firstName: nullable('firstName', fc.constantFrom(...POOLS.text)),
  lastName: nullable('lastName', fc.constantFrom(...POOLS.text)),
  email: nullable('email', fc.constantFrom(...POOLS.email)),
  phoneNumber: nullable('phoneNumber', fc.constantFrom('+27821234567', '+447700900123')),
  dateOfBirth: nullable('dateOfBirth', fc.constantFrom(...POOLS.birthday)),
  lifecycleStage: fc.constantFrom('LEAD', 'MEMBER', 'CHURNED'),
  tags: fc.uniqueArray(fc.constantFrom(...POOLS.tag), { maxLength: 3 }),
  membershipStatus: nullable('membershipStatus', fc.constantFrom(...MEMBERSHIP_STATUSES, 'active')),
  membershipTier: nullable('membershipTier', fc.constantFrom(...POOLS.tier)),
  memberSince: nullable('memberSince', fc.constantFrom(...POOLS.instant)),
  membershipExpiry: nullable('membershipExpiry', fc.constantFrom(...POOLS.instant)),
  handicap: nullable('handicap', fc.constantFrom(...POOLS.handicap)),
  handicapUpdatedAt: nullable('handicapUpdatedAt', fc.constantFrom(...POOLS.instant)),
  homeClubName: nullable('homeClubName', fc.constantFrom(...POOLS.text)),
  emailOptIn: fc.boolean(),
  smsOptIn: fc.boolean(),
  pushOptIn: fc.boolean(),
  whatsappOptIn: fc.boolean(),
  emailUndeliverable: fc.boolean(),
  lifetimeValue: fc.constantFrom(...POOLS.money),
  lastActivityAt: nullable('lastActivityAt', fc.constantFrom(...POOLS.instant)),
  lastBookingAt: nullable('lastBookingAt', fc.constantFrom(...POOLS.instant)),
  lastEmailOpenAt: nullable('lastEmailOpenAt', fc.constantFrom(...POOLS.instant)),
  lastEmailClickAt: nullable('lastEmailClickAt', fc.constantFrom(...POOLS.instant)),
  activityCount30d: fc.constantFrom(...POOLS.count),
  activityCount90d: fc.constantFrom(...POOLS.count),
  bookingCount30d: fc.constantFrom(...POOLS.count),
  engagementScore: nullable('engagementScore', fc.constantFrom(...POOLS.score)),
  churnRiskScore: nullable('churnRiskScore', fc.constantFrom(...POOLS.score)),
  churnRiskLevel: nullable('churnRiskLevel', fc.constantFrom('MINIMAL', 'LOW', 'MODERATE', 'HIGH', 'CRITICAL')),
  createdAt: fc.constantFrom(...POOLS.instant),
}) as fc.Arbitrary<NewProfile>;

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext('segments_property');
  await createTenant(ctx.db, TENANT);
  await createTenant(ctx.db, OTHER);
});
afterAll(async () => {
  await ctx?.cleanup();
});

describe('SQL evaluation agrees with the in-memory evaluator', () => {
  it('on random criteria over random profiles', async () => {
    await fc.assert(
      fc.asyncProperty(criteriaArb, fc.array(profileArb, { minLength: 1, maxLength: 14 }), async (input, people) => {
        const checked = validateCriteria(input);
        if (!checked.ok) throw new Error(`generator made invalid criteria: ${checked.errors[0].message}`);
        const criteria: Criteria = checked.criteria;
        await ctx.db.execute(sql`delete from profiles`);
        const stored = await ctx.db.insert(profiles).values(people).returning();
        const fromSql = await ctx.db.select({ id: profiles.id }).from(profiles).where(segmentWhere(TENANT, criteria, NOW));
        const inMemory = stored.filter((p) => matchesSegment(TENANT, criteria, p, NOW)).map((p) => p.id);
        expect(fromSql.map((r) => r.id).sort()).toEqual(inMemory.sort());
      }),
      { numRuns: 100, interruptAfterTimeLimit: 45_000, markInterruptAsFailure: false },
    );
  });
});
