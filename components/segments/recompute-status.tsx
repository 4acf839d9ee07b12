'use client';

import { AlertTriangle, LoaderCircle, RefreshCw } from 'lucide-react';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, useState, useTransition } from 'react';
import { buttonClass } from '../ui/button';
import type { Outcome } from './types';

const POLL_MS = 1_500;

export interface RecomputeState {
  status: 'IDLE' | 'RUNNING' | 'FAILED';
  progress: number;
  /** A recompute is waiting in the queue (the worker has not started it yet). */
  queued: boolean;
  /** The last save could not queue its recompute. */
  queueFailed: boolean;
}

/**
 * The background recount of a segment after its rules changed: queued, then running with its progress. While it
 * is under way the page re-renders every 1.5 s (fresh count and members); when it ends, the polling stops.
 */
export function RecomputeStatus({
  state,
  canWrite,
  recomputeNow,
}: {
  state: RecomputeState;
  canWrite: boolean;
  recomputeNow: () => Promise<Outcome>;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const [pending, startTransition] = useTransition();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const active = state.queued || state.status === 'RUNNING';

  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => router.refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [active, router]);

  const retry = () =>
    startTransition(async () => {
      const result = await recomputeNow();
      setOutcome(result);
      // Drop a "?recompute=failed" left by the save: the new run's state is what matters now.
      if (result.ok) router.replace(pathname, { scroll: false });
      else router.refresh();
    });

  if (state.status === 'RUNNING') {
    return (
      <div className="rounded-lg border border-indigo-200 bg-indigo-50/60 px-4 py-3" data-testid="recompute-status" data-state="running">
        <p className="mb-2 flex items-center gap-2 text-sm text-indigo-900">
          <LoaderCircle aria-hidden className="size-4 animate-spin" />
          Recounting members after the rules changed… <span className="font-medium tabular">{state.progress} %</span>
        </p>
        <div
          role="progressbar"
          aria-label="Recount progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={state.progress}
          className="h-1.5 overflow-hidden rounded bg-indigo-100"
        >
          <div className="h-full bg-indigo-600 transition-all" style={{ width: `${state.progress}%` }} />
        </div>
      </div>
    );
  }
  if (state.queued) {
    return (
      <div className="flex items-center gap-2 rounded-lg border border-indigo-200 bg-indigo-50/60 px-4 py-3 text-sm text-indigo-900" data-testid="recompute-status" data-state="queued">
        <LoaderCircle aria-hidden className="size-4 animate-spin" />
        Recount queued: it starts within a few seconds. The member list below is from before the change until then.
      </div>
    );
  }
  if (state.status === 'FAILED' || state.queueFailed) {
    return (
      <div role="status" className="flex flex-wrap items-center gap-3 rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900" data-testid="recompute-status" data-state="failed">
        <AlertTriangle aria-hidden className="size-4 shrink-0" />
        <span className="flex-1">
          {state.status === 'FAILED'
            ? 'The last recount did not finish, so the member list may be out of date.'
            : 'The rules are saved, but the recount could not be queued, so the member list may be out of date.'}{' '}
          {canWrite ? 'Recount now, or check Queue health if it keeps failing.' : 'Ask someone in marketing to recount it.'}
        </span>
        {canWrite && (
          <button type="button" onClick={retry} disabled={pending} className={buttonClass.secondary}>
            <RefreshCw aria-hidden className={`size-4 ${pending ? 'animate-spin' : ''}`} /> Recount now
          </button>
        )}
        {outcome && !outcome.ok && <span className="w-full text-red-800">{outcome.message}</span>}
      </div>
    );
  }
  return null;
}
