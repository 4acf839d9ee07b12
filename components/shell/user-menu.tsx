'use client';

import { ChevronDown, LogOut } from 'lucide-react';
import { useEffect, useRef } from 'react';

/** Who is signed in, in which role, and the way out. A <details> menu: keyboard-usable without extra code. */
export function UserMenu({
  name,
  email,
  role,
  signOut,
}: {
  name: string;
  email: string;
  role: string;
  signOut: () => Promise<void>;
}) {
  const ref = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    function close(e: MouseEvent | KeyboardEvent) {
      const el = ref.current;
      if (!el?.open) return;
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !el.contains(e.target as Node)) el.open = false;
    }
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, []);
  const initials = name
    .split(/\s+/)
    .map((p) => p[0])
    .join('')
    .slice(0, 2)
    .toUpperCase();
  return (
    <details ref={ref} className="relative">
      <summary
        aria-label="User menu"
        className="flex cursor-pointer list-none items-center gap-2 rounded-md px-1.5 py-1 hover:bg-zinc-100 [&::-webkit-details-marker]:hidden"
      >
        <span className="grid size-7 place-items-center rounded-full bg-indigo-100 text-xs font-semibold text-indigo-800">
          {initials || '?'}
        </span>
        <span className="hidden max-w-40 truncate text-sm text-zinc-700 md:inline">{name}</span>
        <ChevronDown aria-hidden className="size-3.5 text-zinc-400" />
      </summary>
      <div className="absolute right-0 z-30 mt-1 w-64 rounded-lg border border-zinc-200 bg-white p-1 shadow-lg">
        <div className="border-b border-zinc-100 px-3 py-2">
          <p className="truncate text-sm font-medium text-zinc-900">{name}</p>
          <p className="truncate text-xs text-zinc-500">{email}</p>
          <p className="mt-1 text-xs text-zinc-500">
            Role: <span className="font-medium text-zinc-700 capitalize">{role}</span>
          </p>
        </div>
        <form action={signOut}>
          <button
            type="submit"
            className="mt-1 flex w-full items-center gap-2 rounded-md px-3 py-1.5 text-left text-sm text-zinc-700 hover:bg-zinc-100 focus-visible:bg-zinc-100 focus-visible:outline-none"
          >
            <LogOut aria-hidden className="size-4" /> Sign out
          </button>
        </form>
      </div>
    </details>
  );
}
