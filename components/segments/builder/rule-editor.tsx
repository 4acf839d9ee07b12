'use client';

import { FolderPlus, Plus, X } from 'lucide-react';
import { useEffect, useId, useRef } from 'react';
import type { FieldDescription, Operator } from '@/server/segments/fields';
import { buttonClass } from '../../ui/button';
import {
  ruleForField,
  ruleWithOperator,
  valueKind,
  type DraftNode,
  type DraftValue,
  type GroupNode,
  type RuleNode,
} from './criteria-tree';
import type { FieldGroup } from './field-groups';
import { ValueInput } from './value-input';

/** What every row of the tree needs from the builder. */
export interface TreeContext {
  fields: Map<string, FieldDescription>;
  fieldGroups: FieldGroup[];
  /** Values a club uses for free-text enums (its tiers), by field name. */
  suggestions: Record<string, string[]>;
  errorsFor: (id: string) => string[];
  incomplete: Set<string>;
  /** The rule or group just added: it takes the focus. */
  focusId: string | null;
  maxDepth: number;
  replace: (id: string, node: DraftNode) => void;
  remove: (id: string) => void;
  addRule: (groupId: string) => void;
  addGroup: (groupId: string) => void;
}

const select =
  'rounded-md border-0 bg-white px-2 py-1.5 text-sm text-zinc-900 ring-1 ring-inset focus:ring-2 focus:ring-indigo-600 focus:outline-none';

function Errors({ id, messages }: { id: string; messages: string[] }) {
  if (messages.length === 0) return null;
  return (
    <ul id={id} className="mt-1 space-y-0.5 text-xs text-red-700" data-testid="rule-error">
      {messages.map((m) => (
        <li key={m}>{m}</li>
      ))}
    </ul>
  );
}

function RuleRow({ rule, ctx, position }: { rule: RuleNode; ctx: TreeContext; position: string }) {
  const uid = useId();
  const fieldRef = useRef<HTMLSelectElement>(null);
  const field = ctx.fields.get(rule.field);
  const kind = valueKind(field, rule.operator);
  // The server names fields by their key ("handicap needs a number"); people know them by their label.
  const errors = ctx
    .errorsFor(rule.id)
    .map((m) => (field ? m.replace(new RegExp(`\\b${field.name}\\b`, 'g'), field.label) : m));
  const errorId = `${uid}-errors`;
  const invalid = errors.length > 0;
  const focus = ctx.focusId === rule.id;

  useEffect(() => {
    if (focus) fieldRef.current?.focus();
  }, [focus]);

  return (
    <div data-testid="rule-row">
      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor={`${uid}-field`} className="sr-only">{`Rule ${position}: field`}</label>
        <select
          ref={fieldRef}
          id={`${uid}-field`}
          value={rule.field}
          aria-invalid={(invalid && !rule.field) || undefined}
          aria-describedby={invalid ? errorId : undefined}
          onChange={(e) => ctx.replace(rule.id, ruleForField(rule, ctx.fields.get(e.target.value)))}
          className={`${select} w-48 ${invalid && !rule.field ? 'ring-red-400' : 'ring-zinc-300'}`}
        >
          <option value="">Choose a field…</option>
          {ctx.fieldGroups.map((g) => (
            <optgroup key={g.label} label={g.label}>
              {g.fields.map((f) => (
                <option key={f.name} value={f.name}>{f.label}</option>
              ))}
            </optgroup>
          ))}
        </select>
        {field && (
          <>
            <label htmlFor={`${uid}-operator`} className="sr-only">{`Rule ${position}: condition`}</label>
            <select
              id={`${uid}-operator`}
              value={rule.operator}
              onChange={(e) => ctx.replace(rule.id, ruleWithOperator(rule, field, e.target.value as Operator))}
              className={`${select} ring-zinc-300`}
            >
              {field.operators.map((op) => (
                <option key={op} value={op}>{field.operatorLabels[op] ?? op}</option>
              ))}
            </select>
            <ValueInput
              id={`${uid}-value`}
              kind={kind}
              field={field}
              value={rule.value}
              suggestions={ctx.suggestions[field.name] ?? []}
              invalid={invalid}
              describedBy={invalid ? errorId : undefined}
              onChange={(value: DraftValue) => ctx.replace(rule.id, { ...rule, value })}
            />
          </>
        )}
        <button
          type="button"
          onClick={() => ctx.remove(rule.id)}
          aria-label={`Remove rule ${position}`}
          title="Remove rule"
          className="ml-auto rounded p-1 text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700 focus-visible:outline-2 focus-visible:outline-indigo-600"
        >
          <X aria-hidden className="size-4" />
        </button>
      </div>
      <Errors id={errorId} messages={errors} />
      {!invalid && ctx.incomplete.has(rule.id) && (
        <p className="mt-1 text-xs text-zinc-500">
          {rule.field ? 'Choose a value to count this rule.' : 'Choose a field to start this rule.'}
        </p>
      )}
    </div>
  );
}

/** A group of rules joined by AND or OR; groups nest (up to the server's depth limit). */
export function RuleGroup({
  group,
  ctx,
  depth = 1,
  position = '',
}: {
  group: GroupNode;
  ctx: TreeContext;
  depth?: number;
  position?: string;
}) {
  const uid = useId();
  const errors = ctx.errorsFor(group.id);
  const joiner = group.combinator === 'AND' ? 'and' : 'or';
  const nested = depth > 1;
  const focusRef = useRef<HTMLSelectElement>(null);
  const focus = nested && ctx.focusId === group.id;
  useEffect(() => {
    if (focus) focusRef.current?.focus();
  }, [focus]);

  return (
    <div
      role="group"
      aria-label={nested ? `Group ${position}` : 'Rules'}
      className={nested ? 'rounded-md border border-zinc-200 bg-zinc-50/80 p-3' : ''}
      data-testid={nested ? 'rule-group' : undefined}
    >
      <div className="mb-2 flex items-center gap-2 text-sm text-zinc-700">
        <label htmlFor={`${uid}-combinator`}>Match</label>
        <select
          ref={focusRef}
          id={`${uid}-combinator`}
          value={group.combinator}
          onChange={(e) => ctx.replace(group.id, { ...group, combinator: e.target.value as 'AND' | 'OR' })}
          className={`${select} ring-zinc-300 py-1`}
        >
          <option value="AND">all</option>
          <option value="OR">any</option>
        </select>
        <span>of these {nested ? 'rules' : 'rules and groups'}</span>
        {nested && (
          <button
            type="button"
            onClick={() => ctx.remove(group.id)}
            aria-label={`Remove group ${position}`}
            className="ml-auto inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-xs text-zinc-500 hover:bg-zinc-200/60 hover:text-zinc-800"
          >
            <X aria-hidden className="size-3.5" /> Remove group
          </button>
        )}
      </div>
      <Errors id={`${uid}-errors`} messages={errors} />
      {group.children.length === 0 ? (
        <p className="rounded-md border border-dashed border-zinc-300 px-3 py-4 text-center text-sm text-zinc-500">
          No rules yet. Add a rule such as “Membership tier is Gold”.
        </p>
      ) : (
        <ol className="space-y-2">
          {group.children.map((child, i) => {
            const childPosition = position ? `${position}.${i + 1}` : `${i + 1}`;
            return (
              <li key={child.id}>
                {i > 0 && (
                  <span className="mb-1 inline-block rounded bg-zinc-100 px-1.5 py-0.5 text-[11px] font-medium tracking-wide text-zinc-500 uppercase">
                    {joiner}
                  </span>
                )}
                {child.kind === 'group' ? (
                  <RuleGroup group={child} ctx={ctx} depth={depth + 1} position={childPosition} />
                ) : (
                  <RuleRow rule={child} ctx={ctx} position={childPosition} />
                )}
              </li>
            );
          })}
        </ol>
      )}
      <div className="mt-3 flex gap-2">
        <button type="button" className={buttonClass.secondary} onClick={() => ctx.addRule(group.id)}>
          <Plus aria-hidden className="size-4" /> Add rule
        </button>
        {depth < ctx.maxDepth && (
          <button type="button" className={buttonClass.ghost} onClick={() => ctx.addGroup(group.id)}>
            <FolderPlus aria-hidden className="size-4" /> Add group
          </button>
        )}
      </div>
    </div>
  );
}
