import { describe, expect, it } from 'vitest';
import { validateCriteria } from '@/server/segments/criteria';
import { describeFields } from '@/server/segments/fields';
import {
  convertValue,
  errorsByNode,
  fromCriteria,
  idMaker,
  ruleForField,
  ruleWithOperator,
  shortMessage,
  toCriteria,
  updateNode,
  valueKind,
  type GroupNode,
  type RuleNode,
} from './criteria-tree';

const fields = new Map(describeFields().map((f) => [f.name, f]));
const field = (name: string) => fields.get(name)!;

function rule(id: string, name: string, operator: RuleNode['operator'], value: RuleNode['value']): RuleNode {
  return { kind: 'rule', id, field: name, operator, value };
}

/** Gold, handicap under 15, not booked in 60 days, and (email OR sms opt-in). */
const tree: GroupNode = {
  kind: 'group',
  id: 'root',
  combinator: 'AND',
  children: [
    rule('tier', 'membershipTier', 'eq', 'Gold'),
    rule('hcp', 'handicap', 'lt', '15'),
    rule('booked', 'lastBookingAt', 'notWithinLastDays', '60'),
    {
      kind: 'group',
      id: 'consent',
      combinator: 'OR',
      children: [rule('email', 'emailOptIn', 'eq', 'true'), rule('sms', 'smsOptIn', 'eq', 'false')],
    },
  ],
};

describe('valueKind', () => {
  it('picks the input from the field type and operator', () => {
    expect(valueKind(field('membershipTier'), 'eq')).toBe('enum');
    expect(valueKind(field('membershipTier'), 'in')).toBe('enumMulti');
    expect(valueKind(field('membershipTier'), 'contains')).toBe('text');
    expect(valueKind(field('handicap'), 'lt')).toBe('number');
    expect(valueKind(field('handicap'), 'in')).toBe('list');
    expect(valueKind(field('handicap'), 'isNull')).toBe('none');
    expect(valueKind(field('lastBookingAt'), 'withinLastDays')).toBe('days');
    expect(valueKind(field('lastBookingAt'), 'lt')).toBe('date');
    expect(valueKind(field('emailOptIn'), 'eq')).toBe('boolean');
    expect(valueKind(field('tags'), 'contains')).toBe('text');
    expect(valueKind(undefined, '')).toBe('none');
  });
});

describe('toCriteria', () => {
  it('turns typed text into the values the server validates', () => {
    const { criteria, incomplete } = toCriteria(tree, fields, { skipIncomplete: true });
    expect(incomplete.size).toBe(0);
    expect(criteria).toEqual({
      combinator: 'AND',
      rules: [
        { field: 'membershipTier', operator: 'eq', value: 'Gold' },
        { field: 'handicap', operator: 'lt', value: 15 },
        { field: 'lastBookingAt', operator: 'notWithinLastDays', value: 60 },
        {
          combinator: 'OR',
          rules: [
            { field: 'emailOptIn', operator: 'eq', value: true },
            { field: 'smsOptIn', operator: 'eq', value: false },
          ],
        },
      ],
    });
    expect(validateCriteria(criteria).ok).toBe(true);
  });

  it('reads decimal commas and lists, and leaves no value on isNull', () => {
    const t: GroupNode = {
      kind: 'group',
      id: 'g',
      combinator: 'OR',
      children: [
        rule('a', 'handicap', 'lte', '12,5'),
        rule('b', 'handicap', 'in', '10, 12;14'),
        rule('c', 'membershipTier', 'in', ['Gold', 'Platinum']),
        rule('d', 'handicap', 'isNull', 'left over'),
      ],
    };
    const { criteria } = toCriteria(t, fields, { skipIncomplete: true });
    expect(criteria!.rules).toEqual([
      { field: 'handicap', operator: 'lte', value: 12.5 },
      { field: 'handicap', operator: 'in', value: [10, 12, 14] },
      { field: 'membershipTier', operator: 'in', value: ['Gold', 'Platinum'] },
      { field: 'handicap', operator: 'isNull' },
    ]);
    expect(validateCriteria(criteria).ok).toBe(true);
  });

  it('leaves unfinished rules (and groups they empty) out of the live count, but sends them when saving', () => {
    const t: GroupNode = {
      kind: 'group',
      id: 'root',
      combinator: 'AND',
      children: [
        rule('tier', 'membershipTier', 'eq', 'Gold'),
        rule('blank', '', '', ''),
        { kind: 'group', id: 'g', combinator: 'OR', children: [rule('novalue', 'handicap', 'lt', '  ')] },
        rule('hcp', 'handicap', 'lt', '15'),
      ],
    };
    const live = toCriteria(t, fields, { skipIncomplete: true });
    expect(live.criteria!.rules).toHaveLength(2);
    expect([...live.incomplete].sort()).toEqual(['blank', 'novalue']);
    // The path of the rule after the skipped ones is its position in the sent JSON.
    expect(live.paths.get('rules.1')).toBe('hcp');

    const full = toCriteria(t, fields, { skipIncomplete: false });
    expect(full.criteria!.rules).toHaveLength(4);
    expect(full.paths.get('rules.2.rules.0')).toBe('novalue');
    expect(validateCriteria(full.criteria).ok).toBe(false);
  });

  it('has nothing to count before a rule is finished', () => {
    const t: GroupNode = { kind: 'group', id: 'root', combinator: 'AND', children: [rule('r', 'handicap', 'lt', '')] };
    expect(toCriteria(t, fields, { skipIncomplete: true }).criteria).toBeNull();
  });
});

describe('server errors next to their rule', () => {
  it('sends each validation error to the rule or group its path names', () => {
    const t: GroupNode = {
      ...tree,
      children: [
        rule('tier', 'membershipTier', 'eq', 'Gold'),
        rule('hcp', 'handicap', 'lt', 'abc'),
        rule('blank', '', '', ''),
        { kind: 'group', id: 'empty', combinator: 'OR', children: [] },
      ],
    };
    const full = toCriteria(t, fields, { skipIncomplete: false });
    const result = validateCriteria(full.criteria);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const byNode = errorsByNode(result.errors, full);
    expect(byNode.get('hcp')).toEqual(['handicap needs a number']);
    expect(byNode.get('blank')).toEqual(['Choose a field, or remove this rule.']);
    expect(byNode.get('empty')).toEqual(['needs at least one rule']);
    expect(byNode.has('tier')).toBe(false);
  });

  it('falls back to the top group for errors about the whole', () => {
    const byNode = errorsByNode([{ path: '', message: 'Criteria have 51 rules; at most 50 are allowed' }], {
      paths: new Map([['', 'root']]),
      unstarted: new Set(),
    });
    expect(byNode.get('root')).toEqual(['Criteria have 51 rules; at most 50 are allowed']);
  });

  it('strips the rule label the server puts in front', () => {
    expect(shortMessage('Rule 2 (handicap lt "abc"): handicap needs a number')).toBe('handicap needs a number');
    expect(shortMessage('Rule 1.2 (membershipTier eq ""): membershipTier needs a value (e.g. Platinum, Gold)')).toBe(
      'membershipTier needs a value (e.g. Platinum, Gold)',
    );
    expect(shortMessage('Group 3: needs at least one rule')).toBe('needs at least one rule');
  });
});

describe('editing', () => {
  it('a new field starts with its first operator and an empty value', () => {
    const r = ruleForField(rule('r', 'handicap', 'lt', '15'), field('membershipTier'));
    expect(r).toMatchObject({ field: 'membershipTier', operator: 'eq', value: '' });
    expect(ruleForField(r, undefined)).toMatchObject({ field: '', operator: '', value: '' });
  });

  it('keeps the value across operators when the same input applies, converting one ↔ many for enums', () => {
    const tier = field('membershipTier');
    const gold = rule('r', 'membershipTier', 'eq', 'Gold');
    const many = ruleWithOperator(gold, tier, 'in');
    expect(many.value).toEqual(['Gold']);
    expect(ruleWithOperator(many, tier, 'neq').value).toBe('Gold');
    expect(ruleWithOperator(rule('h', 'handicap', 'lt', '15'), field('handicap'), 'gte').value).toBe('15');
    expect(ruleWithOperator(rule('d', 'lastBookingAt', 'lt', '2026-01-01'), field('lastBookingAt'), 'withinLastDays').value).toBe('');
    expect(convertValue('enumMulti', 'none', ['Gold'])).toEqual(['Gold']);
    expect(convertValue('none', 'enumMulti', '')).toEqual([]);
  });

  it('opens saved criteria as a tree that serialises back to the same criteria', () => {
    const saved = toCriteria(tree, fields, { skipIncomplete: false }).criteria!;
    const reopened = fromCriteria(saved, fields, idMaker());
    expect(reopened.id).toBe('n1');
    expect(toCriteria(reopened, fields, { skipIncomplete: false }).criteria).toEqual(saved);
  });

  it('replaces and removes nodes anywhere in the tree without touching the rest', () => {
    const changed = updateNode(tree, 'sms', (n) => ({ ...(n as RuleNode), value: 'true' }));
    const consent = changed.children[3] as GroupNode;
    expect((consent.children[1] as RuleNode).value).toBe('true');
    expect(changed.children[0]).toBe(tree.children[0]);
    const removed = updateNode(tree, 'consent', () => null);
    expect(removed.children.map((c) => c.id)).toEqual(['tier', 'hcp', 'booked']);
    expect(updateNode(tree, 'root', () => null)).toBe(tree);
  });
});
