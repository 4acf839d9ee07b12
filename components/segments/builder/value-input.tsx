'use client';

import type { FieldDescription } from '@/server/segments/fields';
import { humanize } from '../../format';
import type { DraftValue, ValueKind } from './criteria-tree';

const control =
  'rounded-md border-0 bg-white px-2 py-1.5 text-sm text-zinc-900 ring-1 ring-inset placeholder:text-zinc-400 focus:ring-2 focus:ring-indigo-600 focus:outline-none';

/** Status codes read as words ("ACTIVE" → "Active"); club-named values (tiers) stay as written. */
function optionLabel(field: FieldDescription, value: string): string {
  return field.allowFreeText ? value : humanize(value);
}

/** Allowed values, plus (for free-text enums such as tiers) the values this club uses and the current one. */
function choices(field: FieldDescription, suggestions: string[], current: DraftValue): string[] {
  const values = [...(field.enumValues ?? [])];
  if (field.allowFreeText) {
    const extra = [...suggestions, ...(Array.isArray(current) ? current : current ? [current] : [])];
    for (const v of extra) if (!values.some((x) => x.toLowerCase() === v.toLowerCase())) values.push(v);
  }
  return values;
}

/**
 * The value part of a rule, shaped by the field's type and the operator: a select for enums (checkboxes for
 * "is one of"), a number box, a date picker, a number of days, yes/no, or text. Every control has a label.
 */
export function ValueInput({
  id,
  kind,
  field,
  value,
  suggestions,
  invalid,
  describedBy,
  onChange,
}: {
  id: string;
  kind: ValueKind;
  field: FieldDescription;
  value: DraftValue;
  suggestions: string[];
  invalid: boolean;
  describedBy?: string;
  onChange: (value: DraftValue) => void;
}) {
  const ring = invalid ? 'ring-red-400' : 'ring-zinc-300';
  const common = { id, 'aria-invalid': invalid || undefined, 'aria-describedby': describedBy };
  const text = Array.isArray(value) ? value.join(', ') : value;
  const label = `Value for ${field.label}`;

  switch (kind) {
    case 'none':
      return null;
    case 'days':
      return (
        <span className="flex items-center gap-1.5">
          <label htmlFor={id} className="sr-only">{`${field.label}: number of days`}</label>
          <input
            {...common}
            type="number"
            inputMode="numeric"
            min={1}
            step={1}
            value={text}
            onChange={(e) => onChange(e.target.value)}
            placeholder="60"
            className={`${control} ${ring} w-20 tabular`}
          />
          <span className="text-sm text-zinc-600">days</span>
        </span>
      );
    case 'enum':
      return (
        <>
          <label htmlFor={id} className="sr-only">{label}</label>
          <select {...common} value={text} onChange={(e) => onChange(e.target.value)} className={`${control} ${ring} min-w-36`}>
            <option value="">Choose…</option>
            {choices(field, suggestions, value).map((v) => (
              <option key={v} value={v}>{optionLabel(field, v)}</option>
            ))}
          </select>
        </>
      );
    case 'enumMulti': {
      const selected = Array.isArray(value) ? value : value ? [value] : [];
      const toggle = (v: string, on: boolean) =>
        onChange(on ? [...selected, v] : selected.filter((s) => s !== v));
      return (
        <fieldset
          id={id}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          className="flex flex-wrap gap-1.5"
        >
          <legend className="sr-only">{`${label} (choose one or more)`}</legend>
          {choices(field, suggestions, value).map((v) => {
            const on = selected.includes(v);
            return (
              <label
                key={v}
                className={`inline-flex cursor-pointer items-center gap-1 rounded-full px-2 py-0.5 text-xs ring-1 ring-inset focus-within:ring-2 focus-within:ring-indigo-600 ${
                  on ? 'bg-indigo-50 text-indigo-800 ring-indigo-200' : `bg-white text-zinc-700 ${invalid ? 'ring-red-300' : 'ring-zinc-300'}`
                }`}
              >
                <input type="checkbox" className="size-3 accent-indigo-600" checked={on} onChange={(e) => toggle(v, e.target.checked)} />
                {optionLabel(field, v)}
              </label>
            );
          })}
        </fieldset>
      );
    }
    case 'boolean':
      return (
        <>
          <label htmlFor={id} className="sr-only">{label}</label>
          <select {...common} value={text} onChange={(e) => onChange(e.target.value)} className={`${control} ${ring} w-28`}>
            <option value="">Choose…</option>
            <option value="true">Yes</option>
            <option value="false">No</option>
          </select>
        </>
      );
    case 'date':
      return (
        <>
          <label htmlFor={id} className="sr-only">{label}</label>
          <input {...common} type="date" value={text} onChange={(e) => onChange(e.target.value)} className={`${control} ${ring} w-40`} />
        </>
      );
    case 'number':
      return (
        <>
          <label htmlFor={id} className="sr-only">{label}</label>
          <input
            {...common}
            type="text"
            inputMode="decimal"
            autoComplete="off"
            value={text}
            onChange={(e) => onChange(e.target.value)}
            placeholder="0"
            className={`${control} ${ring} w-24 tabular`}
          />
        </>
      );
    case 'list':
      return (
        <>
          <label htmlFor={id} className="sr-only">{`${label} (separate with commas)`}</label>
          <input
            {...common}
            type="text"
            autoComplete="off"
            value={text}
            onChange={(e) => onChange(e.target.value)}
            placeholder={field.type === 'number' ? 'e.g. 10, 12, 14' : 'separate with commas'}
            className={`${control} ${ring} w-56`}
          />
        </>
      );
    default:
      return (
        <>
          <label htmlFor={id} className="sr-only">{label}</label>
          <input
            {...common}
            type="text"
            autoComplete="off"
            value={text}
            onChange={(e) => onChange(e.target.value)}
            placeholder={field.type === 'tags' ? 'tag' : 'text'}
            className={`${control} ${ring} w-48`}
          />
        </>
      );
  }
}
