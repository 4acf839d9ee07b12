'use client';

import { CheckCircle2, LoaderCircle } from 'lucide-react';
import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { formatCount, plural } from '../format';
import { buttonClass } from '../ui/button';
import type { MatchingIds, RetryBatch } from './dead-letter-table';

/** What the person asked to retry: given ids, or "all matching" (ids fetched when they confirm). */
export interface RetryPlan {
  label: string;
  ids?: string[];
  count?: number;
  resolveIds?: MatchingIds;
}

const BATCH = 25;
const WATCH_MS = 60_000;

type Phase =
  | { name: 'confirm' }
  | { name: 'running'; done: number; total: number }
  | { name: 'done'; total: number; requeued: number; alreadyProcessed: number; notFound: number; ids: string[] }
  | { name: 'failed'; message: string; done: number };

interface Settled {
  processed: number;
  failedAgain: number;
  waiting: number;
}

/**
 * Confirm with the count ("Retry 37 events?"), requeue in batches with a progress bar, report the result, then
 * watch the requeued events until the worker has processed them (or failed them again).
 */
export function RetryDialog({ plan, retryBatch, onClose }: { plan: RetryPlan; retryBatch: RetryBatch; onClose: (changed: boolean) => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [phase, setPhase] = useState<Phase>({ name: 'confirm' });
  const [settled, setSettled] = useState<Settled | null>(null);
  const count = plan.ids?.length ?? plan.count ?? 0;

  useEffect(() => {
    ref.current?.showModal();
  }, []);

  async function run() {
    let ids = plan.ids ?? [];
    try {
      if (!plan.ids && plan.resolveIds) ids = await plan.resolveIds();
      const totals = { requeued: 0, alreadyProcessed: 0, notFound: 0 };
      setPhase({ name: 'running', done: 0, total: ids.length });
      for (let i = 0; i < ids.length; i += BATCH) {
        const r = await retryBatch(ids.slice(i, i + BATCH));
        totals.requeued += r.requeued;
        totals.alreadyProcessed += r.alreadyProcessed;
        totals.notFound += r.notFound;
        setPhase({ name: 'running', done: Math.min(ids.length, i + BATCH), total: ids.length });
      }
      setPhase({ name: 'done', total: ids.length, ...totals, ids });
    } catch (error) {
      setPhase({ name: 'failed', message: error instanceof Error ? error.message : String(error), done: 0 });
    }
  }

  // Watch the requeued events settle: the worker usually takes a second or two.
  const watchIds = phase.name === 'done' ? phase.ids.slice(0, 200) : null;
  useEffect(() => {
    if (!watchIds || watchIds.length === 0) return;
    let stop = false;
    const started = Date.now();
    async function poll() {
      while (!stop && Date.now() - started < WATCH_MS) {
        const res = await fetch(`/internal/events/status?ids=${encodeURIComponent(watchIds!.join(','))}`, { cache: 'no-store' });
        if (res.ok) {
          const { statuses } = (await res.json()) as { statuses: { eventId: string; status: string }[] };
          const s: Settled = { processed: 0, failedAgain: 0, waiting: 0 };
          for (const id of watchIds!) {
            const status = statuses.find((x) => x.eventId === id)?.status;
            if (status === 'SUCCESS' || status === 'SKIPPED') s.processed++;
            else if (status === 'DEAD_LETTERED') s.failedAgain++;
            else s.waiting++;
          }
          if (!stop) setSettled(s);
          if (s.waiting === 0) return;
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    void poll();
    return () => {
      stop = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- watch once per finished run
  }, [phase.name]);

  const changed = phase.name === 'done';
  return (
    <dialog ref={ref} onClose={() => onClose(changed)} aria-labelledby="retry-title"
      className="m-auto w-full max-w-md rounded-lg bg-white p-0 shadow-xl backdrop:bg-zinc-900/30">
      <div className="space-y-3 p-5">
        {phase.name === 'confirm' && (
          <>
            <h2 id="retry-title" className="text-base font-semibold text-zinc-900">
              Retry {plural(count, 'event')}?
            </h2>
            <p className="text-sm text-zinc-600">
              {count === 1 ? 'It goes' : 'They go'} back on the queue with a fresh retry budget. Events already processed
              are only marked resolved. Your name is recorded in the audit log.
            </p>
            <p className="truncate text-xs text-zinc-500">Retrying: {plan.label}</p>
            <div className="flex justify-end gap-2 pt-2">
              <button type="button" className={buttonClass.secondary} onClick={() => ref.current?.close()}>Cancel</button>
              <button type="button" className={buttonClass.primary} onClick={() => void run()} autoFocus>
                Retry {plural(count, 'event')}
              </button>
            </div>
          </>
        )}
        {phase.name === 'running' && (
          <>
            <h2 id="retry-title" className="flex items-center gap-2 text-base font-semibold text-zinc-900">
              <LoaderCircle aria-hidden className="size-4 animate-spin" /> Requeueing…
            </h2>
            <div role="progressbar" aria-valuemin={0} aria-valuemax={phase.total} aria-valuenow={phase.done}
              className="h-2 overflow-hidden rounded bg-zinc-100">
              <div className="h-full bg-indigo-600 transition-all" style={{ width: `${phase.total ? (phase.done / phase.total) * 100 : 0}%` }} />
            </div>
            <p className="text-sm text-zinc-600 tabular">{formatCount(phase.done)} of {formatCount(phase.total)}</p>
          </>
        )}
        {phase.name === 'done' && (
          <>
            <h2 id="retry-title" className="flex items-center gap-2 text-base font-semibold text-zinc-900">
              <CheckCircle2 aria-hidden className="size-5 text-emerald-600" /> Retry requested
            </h2>
            <ul className="space-y-0.5 text-sm text-zinc-700" data-testid="retry-result">
              <li>{plural(phase.requeued, 'event')} requeued</li>
              {phase.alreadyProcessed > 0 && <li>{plural(phase.alreadyProcessed, 'event')} had already been processed (marked resolved)</li>}
              {phase.notFound > 0 && <li>{plural(phase.notFound, 'event')} no longer dead-lettered</li>}
            </ul>
            {phase.requeued > 0 && (
              <div role="status" aria-live="polite" className="rounded-md bg-zinc-50 px-3 py-2 text-sm" data-testid="retry-watch">
                {!settled ? (
                  'Waiting for the worker…'
                ) : settled.waiting === 0 && settled.failedAgain === 0 ? (
                  <span className="text-emerald-700">All {formatCount(settled.processed)} processed successfully.</span>
                ) : (
                  <span>
                    {formatCount(settled.processed)} processed · {formatCount(settled.failedAgain)} failed again · {formatCount(settled.waiting)} still waiting
                  </span>
                )}
                {phase.ids.length === 1 && (
                  <Link href={`/events/${encodeURIComponent(phase.ids[0]!)}`} className="ml-2 text-indigo-700 underline">Open trace</Link>
                )}
              </div>
            )}
            <div className="flex justify-end pt-2">
              <button type="button" className={buttonClass.primary} onClick={() => ref.current?.close()} autoFocus>Done</button>
            </div>
          </>
        )}
        {phase.name === 'failed' && (
          <>
            <h2 id="retry-title" className="text-base font-semibold text-red-800">The retry did not finish</h2>
            <p className="text-sm text-zinc-600">{phase.message}. Nothing was lost: events not yet requeued are still in the dead-letter store. Try again in a moment.</p>
            <div className="flex justify-end pt-2">
              <button type="button" className={buttonClass.secondary} onClick={() => ref.current?.close()}>Close</button>
            </div>
          </>
        )}
      </div>
    </dialog>
  );
}
