import { describe, expect, it } from 'vitest';
import { validateCriteria, type Criteria } from './criteria';
import { matchesCriteria, matchesSegment, type EvaluableProfile } from './evaluate-memory';

const NOW = new Date('2026-03-15T12:00:00.000Z');
const DAY = 86_400_000;
const ago = (days: number, extraMs = 0) => new Date(NOW.getTime() - days * DAY + extraMs);

function criteriaOf(input: unknown): Criteria {
  const result = validateCriteria(input);
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.criteria;
}

function check(field: string, operator: string, value: unknown, actual: unknown): boolean {
  const criteria = criteriaOf({ combinator: 'AND', rules: [{ field, operator, value }] });
  const profile: EvaluableProfile = { tenantId: 't', status: 'ACTIVE', [field]: actual };
  return matchesCriteria(criteria, profile, NOW);
}

type Case = [operator: string, value: unknown, actual: unknown, expected: boolean];

describe.each<[string, string, Case[]]>([
  [
    'string',
    'firstName',
    [
      ['eq', 'john', 'John', true],
      ['eq', 'john', 'Johnny', false],
      ['eq', 'john', null, false],
      ['neq', 'john', 'Mary', true],
      ['neq', 'john', 'JOHN', false],
      ['neq', 'john', null, false],
      ['in', ['ann', 'bob'], 'Bob', true],
      ['in', ['ann', 'bob'], 'Bobby', false],
      ['in', ['ann', 'bob'], null, false],
      ['contains', 'OHN', 'johnny', true],
      ['contains', 'x', 'johnny', false],
      ['contains', 'x', null, false],
      ['isNull', undefined, null, true],
      ['isNull', undefined, '', false],
      ['isNotNull', undefined, '', true],
      ['isNotNull', undefined, null, false],
    ],
  ],
  [
    'enum (strict)',
    'membershipStatus',
    [
      ['eq', 'ACTIVE', 'ACTIVE', true],
      ['eq', 'active', 'ACTIVE', true],
      // Stored codes are upper-cased by the pipeline; anything else is a different value.
      ['eq', 'ACTIVE', 'active', false],
      ['eq', 'ACTIVE', 'LAPSED', false],
      ['neq', 'ACTIVE', 'LAPSED', true],
      ['neq', 'ACTIVE', null, false],
      ['in', ['LAPSED', 'RESIGNED'], 'RESIGNED', true],
      ['in', ['LAPSED', 'RESIGNED'], 'ACTIVE', false],
      ['isNull', undefined, null, true],
      ['isNotNull', undefined, 'ACTIVE', true],
    ],
  ],
  [
    'enum (free text)',
    'membershipTier',
    [
      ['eq', 'gold', 'Gold', true],
      ['in', ['Gold', 'Platinum'], 'PLATINUM', true],
      ['in', ['Gold', 'Platinum'], 'Silver', false],
      ['contains', 'gold', 'Gold Family', true],
      ['neq', 'Gold', 'Diamond', true],
    ],
  ],
  [
    'number',
    'handicap',
    [
      ['eq', 15, 15, true],
      ['eq', 15, 15.1, false],
      ['neq', 15, 14.9, true],
      ['neq', 15, null, false],
      ['gt', 15, 15.1, true],
      ['gt', 15, 15, false],
      ['gte', 15, 15, true],
      ['gte', 15, 14.9, false],
      ['lt', 15, 14.9, true],
      ['lt', 15, 15, false],
      ['lt', 15, null, false],
      ['lte', 15, 15, true],
      ['lte', 15, 15.1, false],
      ['lt', 0, -1.5, true],
      ['in', [1, 2.5], 2.5, true],
      ['in', [1, 2.5], 2, false],
      ['isNull', undefined, null, true],
      ['isNotNull', undefined, 0, true],
    ],
  ],
  [
    'boolean',
    'emailOptIn',
    [
      ['eq', true, true, true],
      ['eq', true, false, false],
      ['eq', false, false, true],
      ['neq', true, false, true],
      ['neq', true, true, false],
    ],
  ],
  [
    'date (timestamp)',
    'lastBookingAt',
    [
      // A date-only value is that whole UTC day.
      ['eq', '2026-03-01', new Date('2026-03-01T00:00:00.000Z'), true],
      ['eq', '2026-03-01', new Date('2026-03-01T23:59:59.999Z'), true],
      ['eq', '2026-03-01', new Date('2026-03-02T00:00:00.000Z'), false],
      ['neq', '2026-03-01', new Date('2026-03-02T00:00:00.000Z'), true],
      ['neq', '2026-03-01', new Date('2026-03-01T12:00:00.000Z'), false],
      ['neq', '2026-03-01', null, false],
      ['gt', '2026-03-01', new Date('2026-03-01T23:59:59.999Z'), false],
      ['gt', '2026-03-01', new Date('2026-03-02T00:00:00.000Z'), true],
      ['gte', '2026-03-01', new Date('2026-03-01T00:00:00.000Z'), true],
      ['gte', '2026-03-01', new Date('2026-02-28T23:59:59.999Z'), false],
      ['lt', '2026-03-01', new Date('2026-02-28T23:59:59.999Z'), true],
      ['lt', '2026-03-01', new Date('2026-03-01T00:00:00.000Z'), false],
      ['lte', '2026-03-01', new Date('2026-03-01T23:59:59.999Z'), true],
      ['lte', '2026-03-01', new Date('2026-03-02T00:00:00.000Z'), false],
      // A date-time value is an exact instant (offsets honoured).
      ['eq', '2026-03-01T10:00:00+02:00', new Date('2026-03-01T08:00:00.000Z'), true],
      ['gt', '2026-03-01T08:00:00Z', new Date('2026-03-01T08:00:00.000Z'), false],
      ['gte', '2026-03-01T08:00:00Z', new Date('2026-03-01T08:00:00.000Z'), true],
      ['lte', '2026-03-01T08:00:00Z', new Date('2026-03-01T08:00:00.001Z'), false],
      ['withinLastDays', 60, ago(60), true],
      ['withinLastDays', 60, ago(60, -1), false],
      ['withinLastDays', 60, ago(1), true],
      ['withinLastDays', 60, null, false],
      ['notWithinLastDays', 60, ago(60, -1), true],
      ['notWithinLastDays', 60, ago(60), false],
      ['notWithinLastDays', 60, null, true],
      ['isNull', undefined, null, true],
      ['isNotNull', undefined, ago(3), true],
    ],
  ],
  [
    'date (calendar day)',
    'dateOfBirth',
    [
      ['eq', '1980-05-17', '1980-05-17', true],
      ['eq', '1980-05-17', '1980-05-18', false],
      ['neq', '1980-05-17', '1980-05-18', true],
      ['gt', '1980-05-17', '1980-05-18', true],
      ['gte', '1980-05-17', '1980-05-17', true],
      ['lt', '1980-05-17', '1980-05-17', false],
      ['lte', '1980-05-17', '1980-05-17', true],
      ['lt', '1980-05-17', null, false],
      ['isNull', undefined, null, true],
    ],
  ],
  [
    'tags',
    'tags',
    [
      ['contains', 'vip', ['junior', 'VIP'], true],
      ['contains', 'vip', ['vips'], false],
      ['contains', 'vip', [], false],
    ],
  ],
])('%s operators (%s)', (_type, field, cases) => {
  it.each(cases)(`${field} %s %j on %j → %s`, (operator, value, actual, expected) => {
    expect(check(field, operator, value, actual)).toBe(expected);
  });
});

describe('nesting', () => {
  const criteria = criteriaOf({
    combinator: 'AND',
    rules: [
      { field: 'emailOptIn', operator: 'eq', value: true },
      {
        combinator: 'OR',
        rules: [
          { field: 'handicap', operator: 'lt', value: 10 },
          {
            combinator: 'AND',
            rules: [
              { field: 'membershipTier', operator: 'eq', value: 'Gold' },
              { field: 'engagementScore', operator: 'gte', value: 70 },
            ],
          },
        ],
      },
    ],
  });
  const base: EvaluableProfile = { tenantId: 't', status: 'ACTIVE', emailOptIn: true };

  it.each<[Partial<EvaluableProfile>, boolean]>([
    [{ handicap: 5 }, true],
    [{ handicap: 12, membershipTier: 'Gold', engagementScore: 80 }, true],
    [{ handicap: 12, membershipTier: 'Gold', engagementScore: 50 }, false],
    [{ handicap: null, membershipTier: 'Silver', engagementScore: 90 }, false],
    [{ handicap: 5, emailOptIn: false }, false],
  ])('%j → %s', (fields, expected) => {
    expect(matchesCriteria(criteria, { ...base, ...fields }, NOW)).toBe(expected);
  });
});

describe('matchesSegment', () => {
  const criteria = criteriaOf({ combinator: 'AND', rules: [{ field: 'emailOptIn', operator: 'eq', value: true }] });

  it('leaves out merged and deleted profiles and other tenants', () => {
    expect(matchesSegment('t', criteria, { tenantId: 't', status: 'INACTIVE', emailOptIn: true }, NOW)).toBe(true);
    expect(matchesSegment('t', criteria, { tenantId: 't', status: 'MERGED', emailOptIn: true }, NOW)).toBe(false);
    expect(matchesSegment('t', criteria, { tenantId: 't', status: 'DELETED', emailOptIn: true }, NOW)).toBe(false);
    expect(matchesSegment('t', criteria, { tenantId: 'u', status: 'ACTIVE', emailOptIn: true }, NOW)).toBe(false);
  });
});
