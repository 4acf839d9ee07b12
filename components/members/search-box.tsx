'use client';

import { Search, X } from 'lucide-react';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useRef, useState, useTransition } from 'react';
import { isContactQuery } from './contact-query';
import { usePrivateSearch } from './private-search';

const DEBOUNCE_MS = 180;

/**
 * One box for name, email, phone (any format) or member/player id. Results follow as you type: a name goes into
 * the URL (shareable) and the server re-renders the list; an email or phone number stays out of the URL (inside a
 * PrivateSearchProvider) and is searched with a POST. The box itself never loses focus or text.
 */
export function SearchBox({ autoFocus }: { autoFocus?: boolean }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const privateSearch = usePrivateSearch();
  const [value, setValue] = useState(params.get('q') ?? '');
  const [pending, startTransition] = useTransition();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const input = useRef<HTMLInputElement>(null);
  // The query string of a replace still in flight: until it commits, `params` shows the URL before it, and a later
  // value that matches that older URL (an email after its first letter went out as a name) must still be written.
  const inFlight = useRef<string | null>(null);
  const current = params.toString();
  useEffect(() => {
    inFlight.current = null;
  }, [current]);

  useEffect(() => {
    if (autoFocus) input.current?.focus();
  }, [autoFocus]);
  useEffect(() => () => clearTimeout(timer.current), []);
  // A private search restored from this tab's storage after hydration shows in the box (state adjusted in render).
  const privateQuery = privateSearch?.query ?? null;
  const [shownPrivate, setShownPrivate] = useState(privateQuery);
  if (privateQuery !== shownPrivate) {
    setShownPrivate(privateQuery);
    if (privateQuery && !value) setValue(privateQuery);
  }

  function push(raw: string) {
    const q = raw.trim();
    const keepPrivate = privateSearch !== null && isContactQuery(q);
    privateSearch?.setQuery(keepPrivate ? q : null);
    const next = new URLSearchParams(current);
    next.delete('skip');
    next.delete('focus');
    if (q && !keepPrivate) next.set('q', q);
    else next.delete('q');
    if (!q && next.get('sort') === 'relevance') next.delete('sort');
    const target = next.toString();
    if (target === (inFlight.current ?? current)) return;
    inFlight.current = target;
    startTransition(() => router.replace(`${pathname}?${target}`, { scroll: false }));
  }

  return (
    <form
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        clearTimeout(timer.current);
        push(value);
      }}
      className="relative w-full max-w-2xl"
    >
      <Search aria-hidden className="pointer-events-none absolute top-2.5 left-3 size-4 text-zinc-400" />
      <input
        ref={input}
        data-search-input
        type="search"
        name="q"
        value={value}
        onChange={(e) => {
          setValue(e.target.value);
          clearTimeout(timer.current);
          const q = e.target.value;
          timer.current = setTimeout(() => push(q), DEBOUNCE_MS);
        }}
        onKeyDown={(e) => {
          // Escape leaves the box (to move with j/k) without the browser's native clear of a search field.
          if (e.key === 'Escape') {
            e.preventDefault();
            e.currentTarget.blur();
          }
        }}
        placeholder="Search name, email, phone, member id…"
        aria-label="Search members by name, email, phone or member id"
        autoComplete="off"
        spellCheck={false}
        className="block w-full rounded-lg border-0 bg-white py-2 pr-20 pl-9 text-sm text-zinc-900 shadow-sm ring-1 ring-zinc-300 ring-inset placeholder:text-zinc-400 focus:ring-2 focus:ring-indigo-600 focus:outline-none [&::-webkit-search-cancel-button]:hidden"
      />
      <span className="absolute top-2 right-2 flex items-center gap-1.5">
        {pending && <span className="text-xs text-zinc-400">Searching…</span>}
        {value && (
          <button
            type="button"
            aria-label="Clear search"
            onClick={() => {
              setValue('');
              push('');
              input.current?.focus();
            }}
            className="rounded p-0.5 text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700"
          >
            <X aria-hidden className="size-4" />
          </button>
        )}
        {!value && !pending && (
          <kbd className="rounded border border-zinc-300 bg-zinc-50 px-1.5 py-0.5 font-mono text-[11px] text-zinc-500">/</kbd>
        )}
      </span>
    </form>
  );
}
