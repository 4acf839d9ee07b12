'use client';

import { AlertTriangle } from 'lucide-react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { startTransition, useEffect } from 'react';
import { buttonClass } from './button';

/**
 * What a route's error.tsx shows: what failed in words, and what to do next (try again, go elsewhere, tell an
 * admin with the reference). Error details stay in the server log; `digest` ties the two together.
 */
export function ErrorPanel({
  what,
  error,
  reset,
  back = { href: '/members', label: 'Go to Members' },
}: {
  what: string;
  error: Error & { digest?: string };
  reset: () => void;
  back?: { href: string; label: string };
}) {
  const router = useRouter();
  useEffect(() => {
    console.error(error);
  }, [error]);
  // A server render failed: fetch it again, then clear the error boundary (reset alone re-renders the old failure).
  function retry() {
    startTransition(() => {
      router.refresh();
      reset();
    });
  }
  return (
    <div data-testid="error-state" className="mx-auto mt-10 max-w-lg rounded-lg border border-red-200 bg-white p-6">
      <div className="flex items-start gap-3">
        <AlertTriangle aria-hidden className="mt-0.5 size-5 shrink-0 text-red-600" />
        <div className="space-y-2">
          <h1 className="text-base font-semibold text-zinc-900">{what} could not be loaded</h1>
          <p className="text-sm text-zinc-600">
            Something went wrong on our side — often a database or queue connection that drops for a moment. Try again;
            if it keeps failing, ask your administrator to check that the CRM services are running
            {error.digest ? (
              <>
                {' '}
                and quote reference <code className="rounded bg-zinc-100 px-1 font-mono text-xs">{error.digest}</code>
              </>
            ) : null}
            .
          </p>
          <div className="flex gap-2 pt-2">
            <button type="button" onClick={retry} className={buttonClass.primary}>
              Try again
            </button>
            <Link href={back.href} className={buttonClass.secondary}>
              {back.label}
            </Link>
          </div>
        </div>
      </div>
    </div>
  );
}
