'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useTransition } from 'react';

/** From/to dates in the URL (`from`, `to` as YYYY-MM-DD), so a filtered view can be shared. */
export function DateRangeFilter() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [pending, startTransition] = useTransition();
  function set(name: 'from' | 'to', value: string) {
    const next = new URLSearchParams(params.toString());
    next.delete('skip');
    if (value) next.set(name, value);
    else next.delete(name);
    startTransition(() => router.replace(`${pathname}?${next.toString()}`, { scroll: false }));
  }
  const input = 'rounded-full border-0 px-2 py-0.5 text-xs ring-1 ring-zinc-300 ring-inset focus:ring-2 focus:ring-indigo-600';
  return (
    <span className={`inline-flex items-center gap-1.5 text-xs text-zinc-600 ${pending ? 'opacity-60' : ''}`}>
      <label className="flex items-center gap-1">From <input type="date" className={input} value={params.get('from') ?? ''} onChange={(e) => set('from', e.target.value)} /></label>
      <label className="flex items-center gap-1">to <input type="date" className={input} value={params.get('to') ?? ''} onChange={(e) => set('to', e.target.value)} /></label>
    </span>
  );
}
