import { z } from 'zod';
import { getField, OPERATORS, operatorLabel, type FieldDef, type Operator } from './fields';
import { isDateOnly, isDateTime, MAX_DAYS } from './values';

/**
 * Segment criteria (§9): `{combinator, rules: [rule | group]}`, rule = `{field, operator, value}`. The shape is
 * checked with zod; field, operator and value are checked against the field registry, and every error names the
 * rule it is about ("Rule 2 (handicap lt "abc"): handicap needs a number").
 */

export const COMBINATORS = ['AND', 'OR'] as const;
export type Combinator = (typeof COMBINATORS)[number];
/** The top-level group is depth 1. */
export const MAX_DEPTH = 4;
export const MAX_RULES = 50;
export const MAX_LIST_VALUES = 500;

const operatorSchema = z.enum(OPERATORS);

const ruleShape = z.object({
  field: z.string({ error: 'needs a field name' }).min(1, 'needs a field name'),
  operator: operatorSchema,
  value: z.unknown().optional(),
});
const groupShape = z.object({
  combinator: z.enum(COMBINATORS, { error: 'combinator must be AND or OR' }),
  rules: z.array(z.unknown(), { error: 'needs a list of rules' }).min(1, 'needs at least one rule'),
});

/** A checked rule value: a text, number or boolean, a list for `in`, or nothing for isNull / isNotNull. */
export const ruleValueSchema = z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()]))]);
export const ruleSchema = ruleShape.extend({ value: ruleValueSchema.optional() });
export type Rule = z.infer<typeof ruleSchema>;
export type RuleValue = z.infer<typeof ruleValueSchema>;
export interface Criteria {
  combinator: Combinator;
  rules: (Rule | Criteria)[];
}

export interface CriteriaError {
  /** Where in the input: `rules.1.value` (zero-based, as in the JSON). */
  path: string;
  message: string;
}
export type ValidationResult = { ok: true; criteria: Criteria } | { ok: false; errors: CriteriaError[] };

export function isGroup(node: Rule | Criteria): node is Criteria {
  return 'combinator' in node;
}

const finiteNumber = z.number().refine(Number.isFinite);
const text = z.string();
const dayValue = z.string().refine(isDateOnly);
const dateValue = z.string().refine((v) => isDateOnly(v) || isDateTime(v));
const days = z.int().min(1).max(MAX_DAYS);
const list = <T extends z.ZodType>(item: T) => z.array(item).min(1).max(MAX_LIST_VALUES);

interface ValueCheck {
  schema: z.ZodType<RuleValue>;
  /** Completes "<rule label>: …" when the value does not fit. */
  needs: string;
}

function enumValueCheck(field: FieldDef, many: boolean): ValueCheck {
  const values = field.enumValues ?? [];
  if (field.allowFreeText) {
    return many
      ? { schema: list(text.min(1)), needs: `${field.name} needs a list of values (e.g. ${values.slice(0, 2).join(', ')})` }
      : { schema: text.min(1), needs: `${field.name} needs a value (e.g. ${values.slice(0, 2).join(', ')})` };
  }
  // Values are matched case-insensitively and stored in their canonical spelling.
  const canonical = z.string().transform((v, ctx) => {
    const match = values.find((allowed) => allowed.toLowerCase() === v.toLowerCase());
    if (!match) ctx.addIssue({ code: 'custom', message: 'not allowed' });
    return match ?? v;
  });
  const choices = values.join(', ');
  return many
    ? { schema: list(canonical), needs: `${field.name} needs a list of: ${choices}` }
    : { schema: canonical, needs: `${field.name} needs one of: ${choices}` };
}

/** What value a field + operator takes; `null` when the operator takes none. */
function valueCheck(field: FieldDef, operator: Operator): ValueCheck | null {
  if (operator === 'isNull' || operator === 'isNotNull') return null;
  if (operator === 'withinLastDays' || operator === 'notWithinLastDays') {
    return { schema: days, needs: `${operator} needs a whole number of days from 1 to ${MAX_DAYS}` };
  }
  const many = operator === 'in';
  switch (field.type) {
    case 'number':
      return many
        ? { schema: list(finiteNumber), needs: `${field.name} needs a list of numbers` }
        : { schema: finiteNumber, needs: `${field.name} needs a number` };
    case 'boolean':
      return { schema: z.boolean(), needs: `${field.name} needs true or false` };
    case 'date':
      return field.dateOnly
        ? { schema: dayValue, needs: `${field.name} needs a date (YYYY-MM-DD)` }
        : { schema: dateValue, needs: `${field.name} needs a date (YYYY-MM-DD) or a date-time with a time zone` };
    case 'enum':
      return enumValueCheck(field, many);
    case 'tags':
      return { schema: text.trim().min(1), needs: `${field.name} needs a tag` };
    case 'string':
      if (many) return { schema: list(text), needs: `${field.name} needs a list of text values` };
      if (operator === 'contains') return { schema: text.min(1), needs: `contains needs some text to look for` };
      return { schema: text, needs: `${field.name} needs text` };
  }
}

/** `handicap lt "abc"`: how a rule is quoted in an error message. */
function quoteRule(raw: Record<string, unknown>): string {
  const parts = [raw.field, raw.operator].map((p) => (typeof p === 'string' ? p : JSON.stringify(p ?? null)));
  if (raw.value !== undefined) parts.push(JSON.stringify(raw.value));
  return parts.join(' ');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface Walk {
  errors: CriteriaError[];
  ruleCount: number;
}

function checkRule(raw: unknown, path: string, label: string, walk: Walk): Rule | null {
  walk.ruleCount += 1;
  if (!isObject(raw)) {
    walk.errors.push({ path, message: `${label}: must be a rule {field, operator, value} or a group {combinator, rules}` });
    return null;
  }
  const name = `${label} (${quoteRule(raw)})`;
  const shape = ruleShape.safeParse(raw);
  if (!shape.success) {
    for (const issue of shape.error.issues) {
      const key = String(issue.path[0] ?? '');
      const message =
        key === 'operator' ? `unknown operator ${JSON.stringify(raw.operator)}; operators are ${OPERATORS.join(', ')}` : issue.message;
      walk.errors.push({ path: `${path}.${key}`, message: `${name}: ${message}` });
    }
    return null;
  }
  const { field: fieldName, operator, value } = shape.data;
  const field = getField(fieldName);
  if (!field) {
    walk.errors.push({ path: `${path}.field`, message: `${name}: unknown field "${fieldName}"` });
    return null;
  }
  if (!field.operators.includes(operator)) {
    const why =
      (operator === 'isNull' || operator === 'isNotNull') && !field.nullable
        ? `${field.name} is never empty, so ${operator} does not apply`
        : `${field.name} (${field.type}) cannot use ${operator}; use ${field.operators.join(', ')}`;
    walk.errors.push({ path: `${path}.operator`, message: `${name}: ${why}` });
    return null;
  }
  const check = valueCheck(field, operator);
  // Operators without a value ignore a leftover one (the builder may keep it when the operator changes).
  if (!check) return { field: field.name, operator };
  const parsed = check.schema.safeParse(value);
  if (!parsed.success) {
    walk.errors.push({ path: `${path}.value`, message: `${name}: ${check.needs}` });
    return null;
  }
  return { field: field.name, operator, value: parsed.data };
}

function checkGroup(raw: unknown, path: string, label: string, depth: number, walk: Walk): Criteria | null {
  const where = path === '' ? '' : `${path}.`;
  const shape = groupShape.safeParse(raw);
  if (!shape.success) {
    for (const issue of shape.error.issues) {
      walk.errors.push({ path: `${where}${issue.path.join('.')}`, message: `${label}: ${issue.message}` });
    }
    return null;
  }
  if (depth > MAX_DEPTH) {
    walk.errors.push({ path, message: `${label}: groups nest at most ${MAX_DEPTH} levels deep` });
    return null;
  }
  const rules: (Rule | Criteria)[] = [];
  let valid = true;
  shape.data.rules.forEach((node, i) => {
    const childPath = `${where}rules.${i}`;
    const number = label === 'Criteria' ? `${i + 1}` : `${label.replace(/^(Group|Rule) /, '')}.${i + 1}`;
    const checked =
      isObject(node) && ('combinator' in node || 'rules' in node)
        ? checkGroup(node, childPath, `Group ${number}`, depth + 1, walk)
        : checkRule(node, childPath, `Rule ${number}`, walk);
    if (checked) rules.push(checked);
    else valid = false;
  });
  return valid ? { combinator: shape.data.combinator, rules } : null;
}

/** Checks criteria against the shape and the field registry; every message names the rule it is about. */
export function validateCriteria(input: unknown): ValidationResult {
  const walk: Walk = { errors: [], ruleCount: 0 };
  if (!isObject(input)) {
    return { ok: false, errors: [{ path: '', message: 'Criteria must be an object {combinator, rules}' }] };
  }
  const criteria = checkGroup(input, '', 'Criteria', 1, walk);
  if (walk.ruleCount > MAX_RULES) {
    walk.errors.push({ path: '', message: `Criteria have ${walk.ruleCount} rules; at most ${MAX_RULES} are allowed` });
  }
  if (!criteria || walk.errors.length > 0) return { ok: false, errors: walk.errors };
  return { ok: true, criteria };
}

/**
 * The criteria as a zod schema for request bodies (`z.object({ criteria: criteriaSchema })`): same checks and
 * messages as validateCriteria.
 */
export const criteriaSchema = z.unknown().transform((input, ctx): Criteria => {
  const result = validateCriteria(input);
  if (result.ok) return result.criteria;
  for (const error of result.errors) {
    ctx.addIssue({ code: 'custom', message: error.message, path: error.path ? error.path.split('.') : [] });
  }
  return z.NEVER;
});

/** Every field the criteria read (sorted, unique): an event re-evaluates a segment only if it touched one. */
export function fieldsOf(criteria: Criteria): string[] {
  const names = new Set<string>();
  const visit = (group: Criteria) => {
    for (const node of group.rules) {
      if (isGroup(node)) visit(node);
      else names.add(node.field);
    }
  };
  visit(criteria);
  return [...names].sort();
}

/**
 * Whether the criteria count back from "now" (withinLastDays / notWithinLastDays): such segments change with the
 * clock alone, so they are also recomputed on a schedule.
 */
export function usesRelativeDates(criteria: Criteria): boolean {
  return criteria.rules.some((node) =>
    isGroup(node) ? usesRelativeDates(node) : node.operator === 'withinLastDays' || node.operator === 'notWithinLastDays',
  );
}

function formatValue(field: FieldDef | undefined, value: RuleValue | undefined): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map(String).join(', ');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (field?.type === 'string' || field?.type === 'tags') return JSON.stringify(value);
  return String(value);
}

function describeRule(rule: Rule): string {
  const field = getField(rule.field);
  const label = field?.label ?? rule.field;
  const words = operatorLabel(field?.type ?? 'string', rule.operator);
  if (rule.operator === 'withinLastDays' || rule.operator === 'notWithinLastDays') {
    return `${label} ${words} ${rule.value} ${rule.value === 1 ? 'day' : 'days'}`;
  }
  const value = formatValue(field, rule.value);
  return value ? `${label} ${words} ${value}` : `${label} ${words}`;
}

/** The criteria in words: "Membership tier is one of Gold, Platinum AND Handicap under 15". */
export function describeCriteria(criteria: Criteria): string {
  return criteria.rules
    .map((node) => (isGroup(node) ? `(${describeCriteria(node)})` : describeRule(node)))
    .join(` ${criteria.combinator} `);
}
