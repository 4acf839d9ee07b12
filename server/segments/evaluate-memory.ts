import type { Profile } from '../db/schema';
import { isGroup, type Criteria, type Rule } from './criteria';
import { getField, type FieldDef } from './fields';
import { dateTest, daysAgo, type Comparison } from './values';

/**
 * An in-memory evaluator with exactly the semantics of compile.ts. It exists to check the SQL translation (the
 * property test runs both on random rules and profiles); production code never filters profiles in memory.
 */

/** The profile fields a rule can read, plus tenant and status for the eligibility check. */
export type EvaluableProfile = Pick<Profile, 'tenantId' | 'status'> & Partial<Profile>;

function compare<T extends number | string>(left: T, cmp: Comparison, right: T): boolean {
  switch (cmp) {
    case '=':
      return left === right;
    case '<>':
      return left !== right;
    case '>':
      return left > right;
    case '>=':
      return left >= right;
    case '<':
      return left < right;
    case '<=':
      return left <= right;
  }
}

const lower = (v: unknown) => String(v).toLowerCase();

function textMatches(actual: string, rule: Rule): boolean {
  const value = actual.toLowerCase();
  switch (rule.operator) {
    case 'eq':
      return value === lower(rule.value);
    case 'neq':
      return value !== lower(rule.value);
    case 'in':
      return (rule.value as string[]).some((v) => value === lower(v));
    case 'contains':
      return value.includes(lower(rule.value));
    default:
      return false;
  }
}

/** Strict enums compare exactly (the rule value is already canonical). */
function enumMatches(actual: string, rule: Rule): boolean {
  if (rule.operator === 'in') return (rule.value as string[]).includes(actual);
  if (rule.operator === 'eq') return actual === rule.value;
  if (rule.operator === 'neq') return actual !== rule.value;
  return false;
}

const NUMBER_CMP: Partial<Record<Rule['operator'], Comparison>> = {
  eq: '=',
  neq: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
};

function numberMatches(actual: number, rule: Rule): boolean {
  if (rule.operator === 'in') return (rule.value as number[]).some((v) => actual === v);
  const cmp = NUMBER_CMP[rule.operator];
  return cmp ? compare(actual, cmp, rule.value as number) : false;
}

function dateMatches(field: FieldDef, actual: Date | string, rule: Rule): boolean {
  const test = dateTest(rule.operator, rule.value as string, field.dateOnly ?? false);
  const results = test.bounds.map(({ cmp, at }) =>
    at instanceof Date ? compare(new Date(actual).getTime(), cmp, at.getTime()) : compare(String(actual), cmp, at),
  );
  return test.join === 'all' ? results.every(Boolean) : results.some(Boolean);
}

function ruleMatches(rule: Rule, profile: EvaluableProfile, now: Date): boolean {
  const field = getField(rule.field);
  if (!field) throw new Error(`Unknown segment field ${rule.field}`);
  const actual = (profile as Record<string, unknown>)[field.name] ?? null;
  if (rule.operator === 'isNull') return actual === null;
  if (rule.operator === 'isNotNull') return actual !== null;
  if (rule.operator === 'notWithinLastDays') {
    return actual === null || new Date(actual as Date).getTime() < daysAgo(now, rule.value as number).getTime();
  }
  // Every other operator is false on an empty field.
  if (actual === null) return false;
  if (rule.operator === 'withinLastDays') {
    return new Date(actual as Date).getTime() >= daysAgo(now, rule.value as number).getTime();
  }
  switch (field.type) {
    case 'string':
      return textMatches(String(actual), rule);
    case 'enum':
      return field.allowFreeText ? textMatches(String(actual), rule) : enumMatches(String(actual), rule);
    case 'number':
      return numberMatches(Number(actual), rule);
    case 'boolean':
      return rule.operator === 'neq' ? actual !== rule.value : actual === rule.value;
    case 'date':
      return dateMatches(field, actual as Date | string, rule);
    case 'tags':
      return (actual as string[]).some((tag) => tag.toLowerCase() === lower(rule.value));
  }
}

/** Whether the profile's fields satisfy the criteria (eligibility not included). */
export function matchesCriteria(criteria: Criteria, profile: EvaluableProfile, now: Date): boolean {
  const results = criteria.rules.map((node) =>
    isGroup(node) ? matchesCriteria(node, profile, now) : ruleMatches(node, profile, now),
  );
  return criteria.combinator === 'AND' ? results.every(Boolean) : results.some(Boolean);
}

/** The in-memory twin of segmentWhere: same tenant, not merged or deleted, and the criteria hold. */
export function matchesSegment(tenantId: string, criteria: Criteria, profile: EvaluableProfile, now: Date): boolean {
  return (
    profile.tenantId === tenantId &&
    profile.status !== 'MERGED' &&
    profile.status !== 'DELETED' &&
    matchesCriteria(criteria, profile, now)
  );
}
