'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useTransition } from 'react';

export interface FilterOption {
  value: string;
  label: string;
}

/**
 * A filter chip as a native select (keyboard and screen readers for free) that writes its value into the URL, so
 * a filtered view can be shared. Paging resets on change.
 */
export function FilterSelect({ name, label, options }: { name: string; label: string; options: FilterOption[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [pending, startTransition] = useTransition();
  const value = params.get(name) ?? '';
  const active = value !== '';

  return (
    <label
      className={`relative inline-flex items-center gap-1 rounded-full px-2.5 py-1 text-xs ring-1 ring-inset focus-within:ring-2 focus-within:ring-indigo-600 ${
        active ? 'bg-indigo-50 text-indigo-800 ring-indigo-200' : 'bg-white text-zinc-600 ring-zinc-300 hover:bg-zinc-50'
      } ${pending ? 'opacity-60' : ''}`}
    >
      <span>{label}</span>
      {active && <span className="font-medium">: {options.find((o) => o.value === value)?.label ?? value}</span>}
      <span aria-hidden>▾</span>
      <select
        aria-label={label}
        name={name}
        value={value}
        onChange={(e) => {
          const next = new URLSearchParams(params.toString());
          next.delete('skip');
          if (e.target.value) next.set(name, e.target.value);
          else next.delete(name);
          startTransition(() => router.replace(`${pathname}?${next.toString()}`, { scroll: false }));
        }}
        className="absolute inset-0 cursor-pointer opacity-0"
      >
        <option value="">Any {label.toLowerCase()}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
