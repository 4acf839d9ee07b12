'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/**
 * Keyboard first (Linear): `/` focuses the page's search (or opens Members to search), `j`/`k` move between the
 * rows of the table on screen, Enter opens the focused row (it is a link), Escape leaves a search box.
 */
export function KeyboardShortcuts() {
  const router = useRouter();
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.metaKey || e.ctrlKey || e.altKey) return;
      if (e.key === 'Escape' && typingIn(e.target)) {
        (e.target as HTMLElement).blur();
        return;
      }
      if (typingIn(e.target)) return;
      if (e.key === '/') {
        e.preventDefault();
        const search = document.querySelector<HTMLInputElement>('[data-search-input]');
        if (search) {
          search.focus();
          search.select();
        } else {
          router.push('/members?focus=1');
        }
        return;
      }
      if (e.key === 'j' || e.key === 'k') {
        const rows = [...document.querySelectorAll<HTMLElement>('[data-row-link]')];
        if (rows.length === 0) return;
        e.preventDefault();
        const current = rows.indexOf(document.activeElement as HTMLElement);
        const next = current === -1 ? 0 : Math.min(rows.length - 1, Math.max(0, current + (e.key === 'j' ? 1 : -1)));
        rows[next]!.focus();
        rows[next]!.scrollIntoView({ block: 'nearest' });
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [router]);
  return null;
}
