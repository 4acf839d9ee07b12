import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { compileCriteria, segmentWhere } from './compile';
import { validateCriteria, type Criteria } from './criteria';

const dialect = new PgDialect({ casing: 'snake_case' });
const NOW = new Date('2026-03-15T12:00:00.000Z');

function criteriaOf(input: unknown): Criteria {
  const result = validateCriteria(input);
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.criteria;
}

const one = (field: string, operator: string, value?: unknown) =>
  dialect.sqlToQuery(compileCriteria(criteriaOf({ combinator: 'AND', rules: [{ field, operator, value }] }), { now: NOW }));

describe('compileCriteria', () => {
  it.each([
    ['firstName', 'eq', 'john', '(lower("profiles"."first_name") = lower($1))', ['john']],
    ['firstName', 'neq', 'john', '(lower("profiles"."first_name") <> lower($1))', ['john']],
    ['firstName', 'in', ['a', 'b'], '(lower("profiles"."first_name") in (lower($1), lower($2)))', ['a', 'b']],
    ['email', 'contains', '@x', '(strpos(lower("profiles"."email"), lower($1)) > 0)', ['@x']],
    ['membershipStatus', 'eq', 'active', '("profiles"."membership_status" = $1)', ['ACTIVE']],
    ['membershipStatus', 'in', ['LAPSED', 'resigned'], '("profiles"."membership_status" in ($1, $2))', ['LAPSED', 'RESIGNED']],
    ['membershipTier', 'in', ['Gold'], '(lower("profiles"."membership_tier") in (lower($1)))', ['Gold']],
    ['handicap', 'lt', 15, '("profiles"."handicap" < $1::numeric)', [15]],
    ['engagementScore', 'gte', 70, '("profiles"."engagement_score" >= $1::integer)', [70]],
    ['engagementScore', 'gte', 70.5, '("profiles"."engagement_score" >= $1::numeric)', [70.5]],
    ['activityCount30d', 'lt', 3e9, '("profiles"."activity_count30d" < $1::numeric)', [3e9]],
    ['lifetimeValue', 'gt', 100000, '("profiles"."lifetime_value" > $1::bigint)', [100000]],
    ['handicap', 'in', [1, 2], '("profiles"."handicap" in ($1::numeric, $2::numeric))', [1, 2]],
    ['handicap', 'isNull', undefined, '("profiles"."handicap" is null)', []],
    ['churnRiskLevel', 'isNotNull', undefined, '("profiles"."churn_risk_level" is not null)', []],
    ['emailOptIn', 'eq', true, '("profiles"."email_opt_in" = $1::boolean)', [true]],
    ['smsOptIn', 'neq', false, '("profiles"."sms_opt_in" <> $1::boolean)', [false]],
    [
      'lastBookingAt',
      'eq',
      '2026-03-01',
      '(("profiles"."last_booking_at" >= $1::timestamptz and "profiles"."last_booking_at" < $2::timestamptz))',
      ['2026-03-01T00:00:00.000Z', '2026-03-02T00:00:00.000Z'],
    ],
    [
      'lastBookingAt',
      'neq',
      '2026-03-01',
      '(("profiles"."last_booking_at" < $1::timestamptz or "profiles"."last_booking_at" >= $2::timestamptz))',
      ['2026-03-01T00:00:00.000Z', '2026-03-02T00:00:00.000Z'],
    ],
    [
      'lastBookingAt',
      'lte',
      '2026-03-01T10:00:00+02:00',
      '(("profiles"."last_booking_at" <= $1::timestamptz))',
      ['2026-03-01T08:00:00.000Z'],
    ],
    ['dateOfBirth', 'gte', '1980-01-01', '(("profiles"."date_of_birth" >= $1::date))', ['1980-01-01']],
    [
      'lastBookingAt',
      'withinLastDays',
      60,
      '("profiles"."last_booking_at" >= $1::timestamptz)',
      ['2026-01-14T12:00:00.000Z'],
    ],
    [
      'lastBookingAt',
      'notWithinLastDays',
      60,
      '(("profiles"."last_booking_at" is null or "profiles"."last_booking_at" < $1::timestamptz))',
      ['2026-01-14T12:00:00.000Z'],
    ],
    [
      'tags',
      'contains',
      'VIP',
      '(exists (select 1 from unnest("profiles"."tags") as tag(value) where lower(tag.value) = lower($1)))',
      ['VIP'],
    ],
  ])('%s %s %j', (field, operator, value, text, params) => {
    expect(one(field, operator, value)).toMatchObject({ sql: text, params });
  });

  it('never puts a value into the SQL text', () => {
    const hostile = "x'); drop table profiles; --";
    const { sql, params } = one('lastName', 'contains', hostile);
    expect(sql).not.toContain('drop');
    expect(params).toEqual([hostile]);
  });

  it('nests groups in parentheses with their combinator', () => {
    const criteria = criteriaOf({
      combinator: 'OR',
      rules: [
        { field: 'handicap', operator: 'lt', value: 5 },
        {
          combinator: 'AND',
          rules: [
            { field: 'emailOptIn', operator: 'eq', value: true },
            { field: 'engagementScore', operator: 'gte', value: 70 },
          ],
        },
      ],
    });
    expect(dialect.sqlToQuery(compileCriteria(criteria, { now: NOW })).sql).toBe(
      '("profiles"."handicap" < $1::numeric or ("profiles"."email_opt_in" = $2::boolean and "profiles"."engagement_score" >= $3::integer))',
    );
  });

  it('segmentWhere adds the tenant wall and leaves out merged and deleted profiles', () => {
    const criteria = criteriaOf({ combinator: 'AND', rules: [{ field: 'emailOptIn', operator: 'eq', value: true }] });
    expect(dialect.sqlToQuery(segmentWhere('club-1', criteria, NOW))).toEqual({
      sql: '"profiles"."tenant_id" = $1 and "profiles"."status" not in ($2, $3) and ("profiles"."email_opt_in" = $4::boolean)',
      params: ['club-1', 'MERGED', 'DELETED', true],
      typings: ['none', 'none', 'none', 'none'],
    });
  });
});
