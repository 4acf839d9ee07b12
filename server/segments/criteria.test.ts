import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  criteriaSchema,
  describeCriteria,
  fieldsOf,
  MAX_RULES,
  usesRelativeDates,
  validateCriteria,
  type Criteria,
} from './criteria';
import { describeFields, FIELDS, OPERATORS } from './fields';
import { SYSTEM_SEGMENTS } from './system';

const and = (...rules: unknown[]) => ({ combinator: 'AND', rules });
const rule = (field: string, operator: string, value?: unknown) => ({ field, operator, value });

function errorsOf(input: unknown) {
  const result = validateCriteria(input);
  if (result.ok) throw new Error('expected the criteria to be rejected');
  return result.errors;
}

function accepted(input: unknown): Criteria {
  const result = validateCriteria(input);
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return result.criteria;
}

describe('validateCriteria: messages name the rule', () => {
  it('rejects a badly typed value, quoting the rule', () => {
    expect(errorsOf(and(rule('emailOptIn', 'eq', true), rule('handicap', 'lt', 'abc')))).toEqual([
      { path: 'rules.1.value', message: 'Rule 2 (handicap lt "abc"): handicap needs a number' },
    ]);
  });

  it('rejects an unknown field', () => {
    expect(errorsOf(and(rule('shoeSize', 'eq', 42)))).toEqual([
      { path: 'rules.0.field', message: 'Rule 1 (shoeSize eq 42): unknown field "shoeSize"' },
    ]);
  });

  it('rejects an operator the field type does not take, listing the allowed ones', () => {
    const [error] = errorsOf(and(rule('emailOptIn', 'gt', true)));
    expect(error.path).toBe('rules.0.operator');
    expect(error.message).toBe('Rule 1 (emailOptIn gt true): emailOptIn (boolean) cannot use gt; use eq, neq');
  });

  it('explains that a never-empty field takes no isNull', () => {
    expect(errorsOf(and(rule('lifetimeValue', 'isNull')))[0].message).toBe(
      'Rule 1 (lifetimeValue isNull): lifetimeValue is never empty, so isNull does not apply',
    );
  });

  it('rejects an unknown operator, listing the operators', () => {
    expect(errorsOf(and(rule('handicap', 'like', 3)))[0].message).toBe(
      `Rule 1 (handicap like 3): unknown operator "like"; operators are ${OPERATORS.join(', ')}`,
    );
  });

  it('numbers nested rules by their position in each group', () => {
    const input = and(rule('handicap', 'lt', 10), {
      combinator: 'OR',
      rules: [rule('emailOptIn', 'eq', true), rule('lastBookingAt', 'withinLastDays', 0)],
    });
    expect(errorsOf(input)).toEqual([
      {
        path: 'rules.1.rules.1.value',
        message: 'Rule 2.2 (lastBookingAt withinLastDays 0): withinLastDays needs a whole number of days from 1 to 36500',
      },
    ]);
  });

  it('reports every bad rule, not only the first', () => {
    expect(errorsOf(and(rule('handicap', 'lt', 'x'), rule('nope', 'eq', 1), rule('smsOptIn', 'eq', 'yes')))).toHaveLength(3);
  });

  it.each([
    [rule('membershipStatus', 'eq', 'ACTIV'), 'membershipStatus needs one of: ACTIVE, SUSPENDED, LAPSED, RESIGNED, DELETED, PENDING'],
    [rule('churnRiskLevel', 'in', ['HIGH', 'SEVERE']), 'churnRiskLevel needs a list of: MINIMAL, LOW, MODERATE, HIGH, CRITICAL'],
    [rule('handicap', 'in', []), 'handicap needs a list of numbers'],
    [rule('handicap', 'in', [1, '2']), 'handicap needs a list of numbers'],
    [rule('lastBookingAt', 'gt', '2026-02-30'), 'lastBookingAt needs a date (YYYY-MM-DD) or a date-time with a time zone'],
    [rule('lastBookingAt', 'gt', '2026-01-05T10:00:00'), 'lastBookingAt needs a date (YYYY-MM-DD) or a date-time with a time zone'],
    [rule('dateOfBirth', 'lt', '2000-01-01T00:00:00Z'), 'dateOfBirth needs a date (YYYY-MM-DD)'],
    [rule('emailOptIn', 'eq', 'true'), 'emailOptIn needs true or false'],
    [rule('firstName', 'eq', 5), 'firstName needs text'],
    [rule('firstName', 'contains', ''), 'contains needs some text to look for'],
    [rule('tags', 'contains', '  '), 'tags needs a tag'],
    [rule('lastBookingAt', 'notWithinLastDays', 1.5), 'notWithinLastDays needs a whole number of days from 1 to 36500'],
    [rule('membershipTier', 'eq', ''), 'membershipTier needs a value (e.g. Platinum, Gold)'],
  ])('rejects %j with a message saying what it needs', (bad, needs) => {
    const [error] = errorsOf(and(bad));
    expect(error.path).toBe('rules.0.value');
    expect(error.message).toMatch(/^Rule 1 \(/);
    expect(error.message.endsWith(`: ${needs}`)).toBe(true);
  });

  it('rejects shapes that are neither a rule nor a group', () => {
    expect(errorsOf('handicap < 15')[0].message).toBe('Criteria must be an object {combinator, rules}');
    expect(errorsOf({ combinator: 'XOR', rules: [rule('handicap', 'lt', 1)] })[0]).toEqual({
      path: 'combinator',
      message: 'Criteria: combinator must be AND or OR',
    });
    expect(errorsOf(and())[0].message).toBe('Criteria: needs at least one rule');
    expect(errorsOf(and(42))[0].message).toBe(
      'Rule 1: must be a rule {field, operator, value} or a group {combinator, rules}',
    );
    expect(errorsOf(and({ operator: 'eq', value: 1 }))[0].message).toBe('Rule 1 (null eq 1): needs a field name');
    expect(errorsOf(and({ combinator: 'OR', rules: [] }))[0]).toEqual({
      path: 'rules.0.rules',
      message: 'Group 1: needs at least one rule',
    });
  });

  it('allows groups 4 levels deep and no deeper', () => {
    const leaf = rule('handicap', 'lt', 10);
    const nest = (levels: number): unknown => (levels === 1 ? and(leaf) : and(leaf, nest(levels - 1)));
    expect(validateCriteria(nest(4)).ok).toBe(true);
    expect(errorsOf(nest(5))).toEqual([
      { path: 'rules.1.rules.1.rules.1.rules.1', message: 'Group 2.2.2.2: groups nest at most 4 levels deep' },
    ]);
  });

  it(`allows ${MAX_RULES} rules and no more`, () => {
    const many = (n: number) => and(...Array.from({ length: n }, (_, i) => rule('handicap', 'neq', i)));
    expect(validateCriteria(many(MAX_RULES)).ok).toBe(true);
    expect(errorsOf(many(MAX_RULES + 1))).toEqual([
      { path: '', message: `Criteria have ${MAX_RULES + 1} rules; at most ${MAX_RULES} are allowed` },
    ]);
  });
});

describe('validateCriteria: accepted values', () => {
  it('normalises enum values to their canonical spelling and drops values of isNull', () => {
    const criteria = accepted(
      and(rule('membershipStatus', 'in', ['active', 'Lapsed']), rule('handicap', 'isNull', 'left over')),
    );
    expect(criteria.rules).toEqual([
      { field: 'membershipStatus', operator: 'in', value: ['ACTIVE', 'LAPSED'] },
      { field: 'handicap', operator: 'isNull' },
    ]);
  });

  it('takes free text for the membership tier', () => {
    expect(validateCriteria(and(rule('membershipTier', 'in', ['Gold', 'Diamond Life']))).ok).toBe(true);
    expect(validateCriteria(and(rule('membershipTier', 'contains', 'gold'))).ok).toBe(true);
  });

  it('takes date-only and zoned date-time values', () => {
    expect(validateCriteria(and(rule('lastBookingAt', 'gte', '2026-01-31'))).ok).toBe(true);
    expect(validateCriteria(and(rule('lastBookingAt', 'lt', '2026-01-31T08:00:00+02:00'))).ok).toBe(true);
    expect(validateCriteria(and(rule('dateOfBirth', 'eq', '1980-02-29'))).ok).toBe(true);
  });

  it('accepts each system segment definition', () => {
    for (const s of SYSTEM_SEGMENTS) expect(validateCriteria(s.criteria)).toEqual({ ok: true, criteria: s.criteria });
  });

  it('works as a zod schema inside request bodies, with the same messages', () => {
    const body = z.object({ name: z.string(), criteria: criteriaSchema });
    const result = body.safeParse({ name: 'x', criteria: and(rule('handicap', 'lt', 'abc')) });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      path: ['criteria', 'rules', '0', 'value'],
      message: 'Rule 1 (handicap lt "abc"): handicap needs a number',
    });
  });
});

describe('describeCriteria', () => {
  it('reads like a sentence', () => {
    const criteria = accepted(
      and(
        rule('membershipTier', 'in', ['Gold', 'Platinum']),
        rule('handicap', 'lt', 15),
        rule('lastBookingAt', 'notWithinLastDays', 60),
      ),
    );
    expect(describeCriteria(criteria)).toBe(
      'Membership tier is one of Gold, Platinum AND Handicap under 15 AND Last booking not within the last 60 days',
    );
  });

  it('puts nested groups in brackets and words every operator kind', () => {
    const criteria = accepted(
      and(
        rule('emailOptIn', 'eq', true),
        {
          combinator: 'OR',
          rules: [
            rule('tags', 'contains', 'vip'),
            rule('firstName', 'contains', 'jo'),
            rule('lastEmailOpenAt', 'withinLastDays', 1),
            rule('memberSince', 'lte', '2020-12-31'),
          ],
        },
        rule('churnRiskScore', 'isNotNull'),
        rule('lifetimeValue', 'gte', 10000),
      ),
    );
    expect(describeCriteria(criteria)).toBe(
      'Email opt-in is yes AND (Tags include "vip" OR First name contains "jo" OR Last email open within the last 1 day' +
        ' OR Member since on or before 2020-12-31) AND Churn risk score is set AND Lifetime value (cents) at least 10000',
    );
  });
});

describe('fieldsOf', () => {
  it('lists every field read, once, sorted', () => {
    const criteria = accepted(
      and(rule('handicap', 'lt', 3), { combinator: 'OR', rules: [rule('emailOptIn', 'eq', true), rule('handicap', 'gt', 0)] }),
    );
    expect(fieldsOf(criteria)).toEqual(['emailOptIn', 'handicap']);
  });
});

describe('usesRelativeDates', () => {
  it('finds withinLastDays / notWithinLastDays at any depth', () => {
    const nested = accepted(
      and(rule('handicap', 'lt', 3), { combinator: 'OR', rules: [rule('lastBookingAt', 'notWithinLastDays', 60)] }),
    );
    expect(usesRelativeDates(nested)).toBe(true);
    expect(usesRelativeDates(accepted(and(rule('lastBookingAt', 'gte', '2026-01-01'))))).toBe(false);
  });
});

describe('field registry', () => {
  it('describes itself as plain JSON for the builder UI', () => {
    const described = describeFields();
    expect(JSON.parse(JSON.stringify(described))).toEqual(described);
    expect(described.find((f) => f.name === 'handicap')).toMatchObject({
      type: 'number',
      nullable: true,
      operatorLabels: { lt: 'under', isNull: 'is empty' },
    });
    expect(described.find((f) => f.name === 'membershipTier')).toMatchObject({ type: 'enum', allowFreeText: true });
  });

  it('offers isNull / isNotNull exactly on nullable fields', () => {
    for (const f of FIELDS) {
      expect(f.operators.includes('isNull')).toBe(f.nullable);
      expect(f.operators.includes('isNotNull')).toBe(f.nullable);
    }
  });
});
