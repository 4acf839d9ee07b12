'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { createContext, useCallback, useContext, useEffect, useMemo, useSyncExternalStore, type ReactNode } from 'react';
import { isContactQuery } from './contact-query';

interface PrivateSearch {
  /** The email or phone number being searched for, or null when the page's URL drives the list. */
  query: string | null;
  setQuery(query: string | null): void;
}

const PrivateSearchContext = createContext<PrivateSearch | null>(null);

/** The private search of the page, or null outside a PrivateSearchProvider (the search box then uses the URL only). */
export function usePrivateSearch(): PrivateSearch | null {
  return useContext(PrivateSearchContext);
}

/** This tab's sessionStorage as a store React can subscribe to (it survives a reload or going back, never leaves the tab). */
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function store(key: string, value: string | null): void {
  if (value) sessionStorage.setItem(key, value);
  else sessionStorage.removeItem(key);
  for (const listener of listeners) listener();
}

/**
 * Holds a member search that looks like an email or phone number (isContactQuery) in this tab's sessionStorage
 * instead of the URL; the results are fetched with a POST (PrivateMemberResults). A query in the URL wins, and a
 * link that still carries an email or phone in `?q=` (an old bookmark) has it moved out of the URL on arrival.
 */
export function PrivateSearchProvider({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  const router = useRouter();
  const params = useSearchParams();
  const storageKey = `crm:private-search:${pathname}`;
  const stored = useSyncExternalStore(
    subscribe,
    () => sessionStorage.getItem(storageKey),
    () => null,
  );
  const urlQuery = params.get('q');
  const query = urlQuery ? null : stored;
  const setQuery = useCallback((next: string | null) => store(storageKey, next), [storageKey]);

  useEffect(() => {
    if (!urlQuery || !isContactQuery(urlQuery)) return;
    store(storageKey, urlQuery.trim());
    const next = new URLSearchParams(params.toString());
    next.delete('q');
    router.replace(next.size ? `${pathname}?${next}` : pathname, { scroll: false });
  }, [urlQuery, params, pathname, router, storageKey]);

  const value = useMemo(() => ({ query, setQuery }), [query, setQuery]);
  return <PrivateSearchContext.Provider value={value}>{children}</PrivateSearchContext.Provider>;
}

/** The page's server-rendered list (and its count), replaced by PrivateMemberResults while a private search runs. */
export function UnlessPrivateSearch({ children }: { children: ReactNode }) {
  return usePrivateSearch()?.query ? null : children;
}
