'use client';

import { AlertTriangle, ListChecks, Save } from 'lucide-react';
import Link from 'next/link';
import { useEffect, useMemo, useState, useTransition, type FormEvent } from 'react';
import type { Criteria } from '@/server/segments/criteria';
import type { FieldDescription } from '@/server/segments/fields';
import { buttonClass, inputClass } from '../../ui/button';
import type { PreviewPerson, PreviewResult, SaveRefusal, SegmentDraft } from '../types';
import {
  emptyGroup,
  emptyRule,
  errorsByNode,
  fromCriteria,
  idMaker,
  toCriteria,
  updateNode,
  type DraftNode,
  type GroupNode,
} from './criteria-tree';
import { groupFields } from './field-groups';
import { PreviewPanel, type PreviewState } from './preview-panel';
import { RuleGroup, type TreeContext } from './rule-editor';

export interface BuilderInitial {
  segmentId?: string;
  name: string;
  description: string;
  type: 'DYNAMIC' | 'STATIC';
  criteria: Criteria | null;
  isSystem: boolean;
}

const PREVIEW_DEBOUNCE_MS = 350;
const NO_ERRORS = new Map<string, string[]>();
const invalidInput = inputClass.replace('ring-zinc-300', 'ring-red-400');

/**
 * The segment builder: name and description, nested rule rows and groups (AND/OR), a live count with a sample of
 * matching people as the rules change, and Save. The server validates on save; its errors are shown next to the
 * field or rule they are about.
 */
export function SegmentBuilder({
  fields,
  suggestions,
  initial,
  maxDepth,
  cancelHref,
  preview,
  save,
}: {
  fields: FieldDescription[];
  suggestions: Record<string, string[]>;
  initial: BuilderInitial;
  maxDepth: number;
  cancelHref: string;
  preview: (criteria: unknown) => Promise<PreviewResult>;
  save: (draft: SegmentDraft) => Promise<SaveRefusal | undefined>;
}) {
  const fieldMap = useMemo(() => new Map(fields.map((f) => [f.name, f])), [fields]);
  const fieldGroups = useMemo(() => groupFields(fields), [fields]);
  // Ids are made in the same order on the server and in the browser, so the first render hydrates cleanly.
  const [start] = useState(() => {
    const newId = idMaker();
    const root: GroupNode = initial.criteria
      ? fromCriteria(initial.criteria, fieldMap, newId)
      : { kind: 'group', id: newId(), combinator: 'AND', children: [emptyRule(newId())] };
    return { root, newId };
  });
  const newId = start.newId;
  const [root, setRoot] = useState<GroupNode>(start.root);
  const [name, setName] = useState(initial.name);
  const [description, setDescription] = useState(initial.description);
  const [type, setType] = useState(initial.type);
  const [focusId, setFocusId] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<SaveRefusal | null>(null);
  const [saveErrors, setSaveErrors] = useState<Map<string, string[]>>(NO_ERRORS);
  const [saving, startSaving] = useTransition();

  // ---- live count -------------------------------------------------------------------------------------------
  const live = useMemo(() => toCriteria(root, fieldMap, { skipIncomplete: true }), [root, fieldMap]);
  const key = type === 'DYNAMIC' && live.criteria ? JSON.stringify(live.criteria) : '';
  const [result, setResult] = useState<{ key: string; value: PreviewResult | 'failed' } | null>(null);
  const [lastCount, setLastCount] = useState<{ count: number; sample: PreviewPerson[] } | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!key) return;
    let current = true;
    const timer = setTimeout(() => {
      preview(JSON.parse(key)).then(
        (value) => {
          if (!current) return;
          setResult({ key, value });
          if (value.ok) setLastCount({ count: value.count, sample: value.sample });
        },
        () => current && setResult({ key, value: 'failed' }),
      );
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [key, attempt, preview]);

  const previewState: PreviewState = !key
    ? { state: 'empty' }
    : result?.key !== key
      ? { state: 'loading', last: lastCount }
      : result.value === 'failed'
        ? { state: 'failed' }
        : result.value.ok
          ? { state: 'ready', count: result.value.count, sample: result.value.sample }
          : { state: 'invalid' };
  const previewErrors =
    result && result.key === key && result.value !== 'failed' && !result.value.ok
      ? errorsByNode(result.value.errors, live)
      : NO_ERRORS;

  // ---- editing the tree ---------------------------------------------------------------------------------------
  function forget(id: string) {
    if (!saveErrors.has(id)) return;
    const next = new Map(saveErrors);
    next.delete(id);
    setSaveErrors(next);
  }
  const ctx: TreeContext = {
    fields: fieldMap,
    fieldGroups,
    suggestions,
    errorsFor: (id) => saveErrors.get(id) ?? previewErrors.get(id) ?? [],
    incomplete: live.incomplete,
    focusId,
    maxDepth,
    replace(id, node) {
      forget(id);
      setRoot((r) => updateNode(r, id, () => node));
    },
    remove(id) {
      forget(id);
      setRoot((r) => updateNode(r, id, () => null));
    },
    addRule(groupId) {
      const id = newId();
      forget(groupId);
      setRoot((r) => updateNode(r, groupId, (g) => (g.kind === 'group' ? { ...g, children: [...g.children, emptyRule(id)] } : g)));
      setFocusId(id);
    },
    addGroup(groupId) {
      const group = emptyGroup(newId(), newId());
      forget(groupId);
      setRoot((r) =>
        updateNode(r, groupId, (g): DraftNode => (g.kind === 'group' ? { ...g, children: [...g.children, group] } : g)),
      );
      setFocusId(group.children[0]!.id);
    },
  };

  // ---- saving ---------------------------------------------------------------------------------------------------
  useEffect(() => {
    if (refusal) document.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [refusal]);

  function submit(e: FormEvent) {
    e.preventDefault();
    const full = toCriteria(root, fieldMap, { skipIncomplete: false });
    startSaving(async () => {
      const refused = await save({
        segmentId: initial.segmentId,
        name,
        description,
        type,
        criteria: type === 'DYNAMIC' ? full.criteria : undefined,
      });
      if (refused) {
        setRefusal(refused);
        setSaveErrors(errorsByNode(refused.ruleErrors, full));
      }
    });
  }

  const nameError = refusal?.fieldErrors.name;
  const descriptionError = refusal?.fieldErrors.description;
  const creating = !initial.segmentId;

  return (
    <form onSubmit={submit} noValidate className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_20rem]" aria-label={creating ? 'New segment' : 'Edit segment'}>
      <div className="min-w-0 space-y-4">
        {refusal?.message && (
          <div role="alert" className="flex items-start gap-2 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="save-error">
            <AlertTriangle aria-hidden className="mt-0.5 size-4 shrink-0" />
            {refusal.message}
          </div>
        )}
        <section className="space-y-3 rounded-lg border border-zinc-200 bg-white p-4">
          <div>
            <label htmlFor="segment-name" className="mb-1 block text-sm font-medium text-zinc-800">Name</label>
            <input
              id="segment-name"
              name="name"
              value={name}
              onChange={(e) => {
                setName(e.target.value);
                if (nameError && refusal) setRefusal({ ...refusal, fieldErrors: { ...refusal.fieldErrors, name: undefined } });
              }}
              readOnly={initial.isSystem}
              maxLength={120}
              autoComplete="off"
              aria-invalid={Boolean(nameError) || undefined}
              aria-describedby={nameError ? 'segment-name-error' : initial.isSystem ? 'segment-name-hint' : undefined}
              placeholder="e.g. Gold members who have not booked in 60 days"
              className={`${nameError ? invalidInput : inputClass} max-w-xl ${initial.isSystem ? 'bg-zinc-50 text-zinc-600' : ''}`}
            />
            {nameError && <p id="segment-name-error" className="mt-1 text-xs text-red-700">{nameError}</p>}
            {initial.isSystem && (
              <p id="segment-name-hint" className="mt-1 text-xs text-zinc-500">Built-in segments keep their name; their rules can be tuned.</p>
            )}
          </div>
          <div>
            <label htmlFor="segment-description" className="mb-1 block text-sm font-medium text-zinc-800">
              Description <span className="font-normal text-zinc-500">(optional)</span>
            </label>
            <textarea
              id="segment-description"
              name="description"
              value={description}
              onChange={(e) => setDescription(e.target.value)}
              rows={2}
              maxLength={1000}
              aria-invalid={Boolean(descriptionError) || undefined}
              aria-describedby={descriptionError ? 'segment-description-error' : undefined}
              placeholder="Who this is for and what it is used for"
              className={`${descriptionError ? invalidInput : inputClass} max-w-xl`}
            />
            {descriptionError && <p id="segment-description-error" className="mt-1 text-xs text-red-700">{descriptionError}</p>}
          </div>
          {creating && (
            <fieldset>
              <legend className="mb-1 text-sm font-medium text-zinc-800">Who is in it</legend>
              <div className="flex flex-wrap gap-2">
                {(
                  [
                    { value: 'DYNAMIC', title: 'Everyone who matches rules', hint: 'kept current automatically as members change' },
                    { value: 'STATIC', title: 'A hand-picked list', hint: 'add people one by one or import a CSV' },
                  ] as const
                ).map((o) => (
                  <label
                    key={o.value}
                    className={`flex min-w-64 flex-1 cursor-pointer items-start gap-2 rounded-md px-3 py-2 text-sm ring-1 ring-inset focus-within:ring-2 focus-within:ring-indigo-600 ${
                      type === o.value ? 'bg-indigo-50/60 ring-indigo-300' : 'bg-white ring-zinc-300 hover:bg-zinc-50'
                    }`}
                  >
                    <input
                      type="radio"
                      name="type"
                      value={o.value}
                      checked={type === o.value}
                      onChange={() => setType(o.value)}
                      className="mt-0.5 accent-indigo-600"
                    />
                    <span>
                      <span className="block font-medium text-zinc-900">{o.title}</span>
                      <span className="text-xs text-zinc-500">{o.hint}</span>
                    </span>
                  </label>
                ))}
              </div>
            </fieldset>
          )}
        </section>

        {type === 'DYNAMIC' ? (
          <section aria-labelledby="rules-title" className="rounded-lg border border-zinc-200 bg-white">
            <header className="border-b border-zinc-100 px-4 py-2">
              <h2 id="rules-title" className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">Rules</h2>
            </header>
            <div className="p-4">
              <RuleGroup group={root} ctx={ctx} />
            </div>
          </section>
        ) : (
          <section className="flex items-start gap-3 rounded-lg border border-zinc-200 bg-white p-4 text-sm text-zinc-600">
            <ListChecks aria-hidden className="mt-0.5 size-5 shrink-0 text-zinc-400" />
            <p>
              A hand-picked list has no rules: people stay in it until you take them out. After saving, add people by
              searching for them, or import a CSV with a column of emails or SCL member numbers — rows that match nobody
              are listed for you to check.
            </p>
          </section>
        )}

        <div className="flex flex-wrap items-center gap-3">
          <button type="submit" className={buttonClass.primary} disabled={saving}>
            <Save aria-hidden className="size-4" />
            {saving ? 'Saving…' : creating ? 'Save segment' : 'Save changes'}
          </button>
          <Link href={cancelHref} className={buttonClass.secondary}>Cancel</Link>
          {type === 'DYNAMIC' && (
            <p className="text-xs text-zinc-500">Saving recounts the whole segment in the background; its page shows the progress.</p>
          )}
        </div>
      </div>

      {type === 'DYNAMIC' && (
        <div>
          <PreviewPanel preview={previewState} incomplete={live.incomplete.size} onRetry={() => {
              setResult(null);
              setAttempt((n) => n + 1);
            }} />
        </div>
      )}
    </form>
  );
}
