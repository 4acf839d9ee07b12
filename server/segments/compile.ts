import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { profiles } from '../db/schema';
import { isGroup, type Criteria, type Rule } from './criteria';
import { getField, type FieldDef } from './fields';
import { dateTest, daysAgo, type Comparison } from './values';

/**
 * Criteria → one parameterised SQL predicate over `profiles` (drizzle `sql` fragments; every value is a bound
 * parameter, never spliced into the text). Semantics, shared with evaluate-memory.ts:
 * - An empty (null) field never matches a comparison: eq, neq, gt…lte, in and contains are all false on null
 *   (so "tier is not Gold" leaves out people without a tier). Only isNull, isNotNull and notWithinLastDays see nulls.
 * - Text (string fields and the free-text tier) compares case-insensitively; `contains` is a case-insensitive
 *   substring test. Strict enums (status codes, stages, levels) compare exactly with their canonical value.
 * - Tags `contains` means "has this tag" (case-insensitive, whole tag).
 * - Dates: see values.ts (date-only values cover a whole UTC day; notWithinLastDays includes "never").
 * The criteria must come from validateCriteria.
 */

export interface CompileOptions {
  /** The instant that withinLastDays / notWithinLastDays count back from. */
  now: Date;
}

const NEVER_MEMBERS = ['MERGED', 'DELETED'] as const;

/** Comparison operators as fixed SQL tokens (never built from input). */
const CMP_SQL: Record<Comparison, SQL> = {
  '=': sql`=`,
  '<>': sql`<>`,
  '>': sql`>`,
  '>=': sql`>=`,
  '<': sql`<`,
  '<=': sql`<=`,
};

function comparison(column: SQL, cmp: Comparison, param: SQL): SQL {
  return sql`${column} ${CMP_SQL[cmp]} ${param}`;
}

function textValue(value: unknown): SQL {
  return sql`lower(${String(value)})`;
}

/** Free text (and free-text enums) compares case-insensitively. */
function compileText(col: AnyPgColumn, rule: Rule): SQL {
  const lowered = sql`lower(${col})`;
  switch (rule.operator) {
    case 'eq':
      return sql`${lowered} = ${textValue(rule.value)}`;
    case 'neq':
      return sql`${lowered} <> ${textValue(rule.value)}`;
    case 'in':
      return sql`${lowered} in (${sql.join((rule.value as string[]).map(textValue), sql`, `)})`;
    case 'contains':
      return sql`strpos(${lowered}, ${textValue(rule.value)}) > 0`;
    default:
      throw new Error(`Operator ${rule.operator} does not apply to text`);
  }
}

/**
 * Strict enums hold canonical (upper-case) codes on both sides (the pipeline upper-cases status codes, the
 * validator canonicalises rule values), so they compare exactly: cheaper, and the planner can use statistics.
 */
function compileEnum(col: AnyPgColumn, rule: Rule): SQL {
  switch (rule.operator) {
    case 'eq':
      return sql`${col} = ${rule.value as string}`;
    case 'neq':
      return sql`${col} <> ${rule.value as string}`;
    case 'in':
      return sql`${col} in (${sql.join((rule.value as string[]).map((v) => sql`${v}`), sql`, `)})`;
    default:
      throw new Error(`Operator ${rule.operator} does not apply to enums`);
  }
}

const NUMBER_CMP: Partial<Record<Rule['operator'], Comparison>> = {
  eq: '=',
  neq: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
};

const INT_MAX = 2_147_483_647;

/**
 * A number parameter typed like its column when it fits (integer columns compared with an integer, so the column is
 * not cast and its statistics and indexes stay usable); numeric otherwise (15.5 against an integer column).
 */
function numberParam(col: AnyPgColumn, value: number): SQL {
  const type = col.getSQLType();
  if (Number.isInteger(value) && type === 'integer' && Math.abs(value) <= INT_MAX) return sql`${value}::integer`;
  if (Number.isSafeInteger(value) && type === 'bigint') return sql`${value}::bigint`;
  return sql`${value}::numeric`;
}

function compileNumber(col: AnyPgColumn, rule: Rule): SQL {
  if (rule.operator === 'in') {
    return sql`${col} in (${sql.join((rule.value as number[]).map((v) => numberParam(col, v)), sql`, `)})`;
  }
  const cmp = NUMBER_CMP[rule.operator];
  if (!cmp) throw new Error(`Operator ${rule.operator} does not apply to numbers`);
  return comparison(sql`${col}`, cmp, numberParam(col, rule.value as number));
}

function compileDate(field: FieldDef, rule: Rule, now: Date): SQL {
  const col = field.column;
  if (rule.operator === 'withinLastDays') {
    return sql`${col} >= ${daysAgo(now, rule.value as number).toISOString()}::timestamptz`;
  }
  if (rule.operator === 'notWithinLastDays') {
    return sql`(${col} is null or ${col} < ${daysAgo(now, rule.value as number).toISOString()}::timestamptz)`;
  }
  const test = dateTest(rule.operator, rule.value as string, field.dateOnly ?? false);
  const parts = test.bounds.map(({ cmp, at }) =>
    comparison(
      sql`${col}`,
      cmp,
      at instanceof Date ? sql`${at.toISOString()}::timestamptz` : sql`${at}::date`,
    ),
  );
  return sql`(${sql.join(parts, test.join === 'all' ? sql` and ` : sql` or `)})`;
}

function compileRule(rule: Rule, now: Date): SQL {
  const field = getField(rule.field);
  if (!field) throw new Error(`Unknown segment field ${rule.field}`);
  const col = field.column;
  if (rule.operator === 'isNull') return sql`${col} is null`;
  if (rule.operator === 'isNotNull') return sql`${col} is not null`;
  switch (field.type) {
    case 'string':
      return compileText(col, rule);
    case 'enum':
      return field.allowFreeText ? compileText(col, rule) : compileEnum(col, rule);
    case 'number':
      return compileNumber(col, rule);
    case 'boolean':
      return comparison(sql`${col}`, rule.operator === 'neq' ? '<>' : '=', sql`${rule.value as boolean}::boolean`);
    case 'date':
      return compileDate(field, rule, now);
    case 'tags':
      return sql`exists (select 1 from unnest(${col}) as tag(value) where lower(tag.value) = ${textValue(rule.value)})`;
  }
}

/** The criteria as one boolean SQL expression over the `profiles` table (unaliased). */
export function compileCriteria(criteria: Criteria, { now }: CompileOptions): SQL {
  const parts = criteria.rules.map((node) => (isGroup(node) ? compileCriteria(node, { now }) : compileRule(node, now)));
  return sql`(${sql.join(parts, criteria.combinator === 'AND' ? sql` and ` : sql` or `)})`;
}

/** Profiles that can be segment members at all: this tenant's, neither merged away nor deleted. */
export function eligibleProfiles(tenantId: string): SQL {
  return sql`${profiles.tenantId} = ${tenantId} and ${profiles.status} not in (${sql.join(
    NEVER_MEMBERS.map((s) => sql`${s}`),
    sql`, `,
  )})`;
}

/** The full WHERE clause of a dynamic segment: tenant wall + eligible status + the criteria. */
export function segmentWhere(tenantId: string, criteria: Criteria, now: Date): SQL {
  return sql`${eligibleProfiles(tenantId)} and ${compileCriteria(criteria, { now })}`;
}
