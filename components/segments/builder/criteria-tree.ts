import type { Criteria, CriteriaError, Rule, RuleValue } from '@/server/segments/criteria';
import type { FieldDescription, Operator } from '@/server/segments/fields';

/**
 * The builder's working copy of segment criteria. Inputs hold what people type (text for numbers and dates, a
 * list for a multi-select), so a half-typed "1." is never lost; toCriteria turns the tree into the JSON the server
 * validates, and remembers which node each JSON path came from so server errors land next to the right rule.
 */

/** Text for single inputs (numbers, dates, days, booleans as 'true'/'false'), a list for an enum multi-select. */
export type DraftValue = string | string[];

export interface RuleNode {
  kind: 'rule';
  id: string;
  field: string;
  operator: Operator | '';
  value: DraftValue;
}

export interface GroupNode {
  kind: 'group';
  id: string;
  combinator: 'AND' | 'OR';
  children: DraftNode[];
}

export type DraftNode = RuleNode | GroupNode;

/** Which input a rule's value needs. */
export type ValueKind = 'none' | 'days' | 'enum' | 'enumMulti' | 'list' | 'number' | 'date' | 'boolean' | 'text';

export function valueKind(field: FieldDescription | undefined, operator: Operator | ''): ValueKind {
  if (!field || !operator) return 'none';
  if (operator === 'isNull' || operator === 'isNotNull') return 'none';
  if (operator === 'withinLastDays' || operator === 'notWithinLastDays') return 'days';
  if (operator === 'in') return field.type === 'enum' ? 'enumMulti' : 'list';
  if (operator === 'contains') return 'text';
  switch (field.type) {
    case 'number':
      return 'number';
    case 'date':
      return 'date';
    case 'boolean':
      return 'boolean';
    case 'enum':
      return 'enum';
    default:
      return 'text';
  }
}

function emptyValue(kind: ValueKind): DraftValue {
  return kind === 'enumMulti' ? [] : '';
}

/**
 * What the value input holds after the operator changes: kept when the same input still applies, one ↔ many
 * converted for enums ("is Gold" → "is one of Gold"), cleared otherwise (a date is no number of days).
 */
export function convertValue(from: ValueKind, to: ValueKind, value: DraftValue): DraftValue {
  if (to === 'none' || from === to) return value;
  if (from === 'none') return Array.isArray(value) === (to === 'enumMulti') ? value : emptyValue(to);
  if (from === 'enum' && to === 'enumMulti') return typeof value === 'string' && value ? [value] : [];
  if (from === 'enumMulti' && to === 'enum') return Array.isArray(value) ? (value[0] ?? '') : '';
  const textLike: ValueKind[] = ['text', 'list', 'enum', 'number'];
  if (textLike.includes(from) && textLike.includes(to) && typeof value === 'string') return value;
  return emptyValue(to);
}

/** A rule with a new field: its first operator and an empty value. */
export function ruleForField(rule: RuleNode, field: FieldDescription | undefined): RuleNode {
  const operator = field?.operators[0] ?? '';
  return { ...rule, field: field?.name ?? '', operator, value: emptyValue(valueKind(field, operator)) };
}

export function ruleWithOperator(rule: RuleNode, field: FieldDescription | undefined, operator: Operator): RuleNode {
  const value = convertValue(valueKind(field, rule.operator), valueKind(field, operator), rule.value);
  return { ...rule, operator, value };
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)$/;

/** A typed number as a number; anything else is sent as typed, so the server's message explains it. */
function numberOrText(text: string): number | string {
  const t = text.trim().replace(',', '.');
  return NUMBER.test(t) ? Number(t) : text.trim();
}

/** Not filled in yet (no field, or no value where one is needed): left out of the live count. */
const INCOMPLETE = Symbol('incomplete');

function ruleValue(field: FieldDescription | undefined, rule: RuleNode): RuleValue | undefined | typeof INCOMPLETE {
  const kind = valueKind(field, rule.operator);
  const v = rule.value;
  if (kind === 'none') return undefined;
  if (kind === 'enumMulti') return Array.isArray(v) && v.length > 0 ? v : INCOMPLETE;
  const text = Array.isArray(v) ? v.join(', ') : v;
  if (text.trim() === '') return INCOMPLETE;
  switch (kind) {
    case 'days':
    case 'number':
      return numberOrText(text);
    case 'boolean':
      return text === 'true';
    case 'list': {
      const items = text.split(/[,;\n]/).map((s) => s.trim()).filter(Boolean);
      return field?.type === 'number' ? items.map(numberOrText) : items;
    }
    default:
      return text;
  }
}

export function isIncomplete(rule: RuleNode, fields: Map<string, FieldDescription>): boolean {
  if (!rule.field || !rule.operator) return true;
  return ruleValue(fields.get(rule.field), rule) === INCOMPLETE;
}

export interface Serialised {
  /** Null when no rule is complete yet (nothing to count). */
  criteria: Criteria | null;
  /** JSON path ('' for the top group, `rules.1.rules.0` …) → node id. */
  paths: Map<string, string>;
  /** Ids of rules not filled in (left out of the live count). */
  incomplete: Set<string>;
  /** Ids of rules with no field chosen yet. */
  unstarted: Set<string>;
}

/**
 * The tree as criteria JSON. With `skipIncomplete` (the live count), rules not filled in yet and groups left empty
 * are dropped; without it (saving), everything is sent and the server names what is missing.
 */
export function toCriteria(root: GroupNode, fields: Map<string, FieldDescription>, options: { skipIncomplete: boolean }): Serialised {
  const paths = new Map<string, string>();
  const incomplete = new Set<string>();
  const unstarted = new Set<string>();

  function group(node: GroupNode, path: string): Criteria | null {
    paths.set(path, node.id);
    const rules: (Rule | Criteria)[] = [];
    for (const child of node.children) {
      const childPath = `${path ? `${path}.` : ''}rules.${rules.length}`;
      if (child.kind === 'group') {
        const sub = group(child, childPath);
        if (sub) rules.push(sub);
        continue;
      }
      const value = child.field && child.operator ? ruleValue(fields.get(child.field), child) : INCOMPLETE;
      if (!child.field) unstarted.add(child.id);
      if (value === INCOMPLETE) {
        incomplete.add(child.id);
        if (options.skipIncomplete) continue;
      }
      paths.set(childPath, child.id);
      const rule = { field: child.field, operator: child.operator } as Rule;
      if (value !== undefined && value !== INCOMPLETE) rule.value = value;
      rules.push(rule);
    }
    if (options.skipIncomplete && rules.length === 0) return null;
    return { combinator: node.combinator, rules };
  }

  const criteria = group(root, '');
  return { criteria, paths, incomplete, unstarted };
}

/** "Rule 1.2 (handicap lt "abc"): handicap needs a number" → "handicap needs a number". */
export function shortMessage(message: string): string {
  return message.replace(/^(?:Rule|Group|Criteria)[ \d.]*(?: \(.*\))?: /, '');
}

const UNSTARTED = 'Choose a field, or remove this rule.';

/**
 * Server errors by node id: each error goes to the deepest node its path names. A rule with no field yet gets one
 * plain note instead of the server's two (no field, no operator).
 */
export function errorsByNode(
  errors: CriteriaError[],
  { paths, unstarted }: Pick<Serialised, 'paths' | 'unstarted'>,
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const error of errors) {
    const parts = error.path ? error.path.split('.') : [];
    let id = paths.get(parts.join('.'));
    while (id === undefined && parts.length > 0) {
      parts.pop();
      id = paths.get(parts.join('.'));
    }
    const key = id ?? paths.get('') ?? '';
    if (unstarted.has(key)) out.set(key, [UNSTARTED]);
    else out.set(key, [...(out.get(key) ?? []), shortMessage(error.message)]);
  }
  return out;
}

/** Builds tree ids n1, n2, … in order, so the server render and the browser agree on them. */
export function idMaker(start = 1): () => string {
  let next = start;
  return () => `n${next++}`;
}

function draftOf(field: FieldDescription | undefined, rule: Rule): DraftValue {
  const kind = valueKind(field, rule.operator);
  const v = rule.value;
  if (v === undefined) return emptyValue(kind);
  if (kind === 'enumMulti') return Array.isArray(v) ? v.map(String) : [String(v)];
  if (Array.isArray(v)) return v.join(', ');
  return String(v);
}

/** A saved segment's criteria as an editable tree. */
export function fromCriteria(criteria: Criteria, fields: Map<string, FieldDescription>, newId: () => string): GroupNode {
  return {
    kind: 'group',
    id: newId(),
    combinator: criteria.combinator,
    children: criteria.rules.map((node): DraftNode =>
      'combinator' in node
        ? fromCriteria(node, fields, newId)
        : { kind: 'rule', id: newId(), field: node.field, operator: node.operator, value: draftOf(fields.get(node.field), node) },
    ),
  };
}

export function emptyRule(id: string): RuleNode {
  return { kind: 'rule', id, field: '', operator: '', value: '' };
}

export function emptyGroup(id: string, ruleId: string): GroupNode {
  return { kind: 'group', id, combinator: 'AND', children: [emptyRule(ruleId)] };
}

/** Applies `change` to the node with this id (anywhere in the tree); returns a new tree. */
export function updateNode(root: GroupNode, id: string, change: (node: DraftNode) => DraftNode | null): GroupNode {
  function visit(group: GroupNode): GroupNode {
    const children: DraftNode[] = [];
    for (const child of group.children) {
      if (child.id === id) {
        const next = change(child);
        if (next) children.push(next);
      } else {
        children.push(child.kind === 'group' ? visit(child) : child);
      }
    }
    return { ...group, children };
  }
  if (root.id === id) {
    const next = change(root);
    return next && next.kind === 'group' ? next : root;
  }
  return visit(root);
}

/** Rules in a subtree (the server allows MAX_RULES in all). */
export function countRules(node: DraftNode): number {
  return node.kind === 'rule' ? 1 : node.children.reduce((n, c) => n + countRules(c), 0);
}
