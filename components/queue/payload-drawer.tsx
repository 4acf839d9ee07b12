'use client';

import Link from 'next/link';
import { useEffect, useRef } from 'react';
import { formatDateTime, humanize } from '../format';
import { buttonClass } from '../ui/button';
import type { DeadLetterView } from './dead-letter-table';

/** A failed event's error and original data one click away (bull-board), as a side panel; Escape closes it. */
export function PayloadDrawer({ row, timeZone, onClose }: { row: DeadLetterView | null; timeZone: string; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (row && !dialog.open) dialog.showModal();
    if (!row && dialog.open) dialog.close();
  }, [row]);
  return (
    <dialog
      ref={ref}
      onClose={onClose}
      aria-labelledby="drawer-title"
      className="m-0 ml-auto h-full max-h-none w-full max-w-2xl bg-white p-0 shadow-xl backdrop:bg-zinc-900/30"
    >
      {row && (
        <div className="flex h-full flex-col">
          <header className="flex items-start justify-between gap-3 border-b border-zinc-200 px-5 py-3">
            <div className="min-w-0">
              <h2 id="drawer-title" className="truncate font-mono text-sm font-semibold text-zinc-900">{row.eventId}</h2>
              <p className="text-xs text-zinc-500">{row.eventType} · from {row.source}</p>
            </div>
            <button type="button" onClick={onClose} className={buttonClass.ghost} aria-label="Close">Close</button>
          </header>
          <div className="flex-1 space-y-4 overflow-y-auto px-5 py-4">
            <dl className="grid grid-cols-[8rem_1fr] gap-y-1.5 text-sm">
              <dt className="text-zinc-500">Reason</dt><dd className="font-medium text-red-800">{humanize(row.reason)}</dd>
              <dt className="text-zinc-500">Failing step</dt><dd>{humanize(row.failedStep)}</dd>
              <dt className="text-zinc-500">Attempts</dt><dd className="tabular">{row.attempts}{row.retryCount > 0 && ` · retried ${row.retryCount}× by staff`}</dd>
              <dt className="text-zinc-500">First failed</dt><dd>{formatDateTime(row.firstFailedAt, timeZone)}</dd>
              <dt className="text-zinc-500">Dead-lettered</dt><dd>{formatDateTime(row.deadLetteredAt, timeZone)}</dd>
              {row.lastRetriedAt && (<><dt className="text-zinc-500">Last retry</dt><dd>{formatDateTime(row.lastRetriedAt, timeZone)} by {row.lastRetriedBy}</dd></>)}
            </dl>
            <section>
              <h3 className="mb-1 text-xs font-semibold tracking-wide text-zinc-500 uppercase">Error</h3>
              <pre className="rounded-md bg-red-50 p-3 font-mono text-xs break-words whitespace-pre-wrap text-red-900">{row.error}</pre>
            </section>
            <section>
              <h3 className="mb-1 text-xs font-semibold tracking-wide text-zinc-500 uppercase">Original event</h3>
              <pre data-testid="payload-json" className="max-h-[50vh] overflow-auto rounded-md bg-zinc-950 p-3 font-mono text-xs text-zinc-100">
                {JSON.stringify(row.jobData, null, 2)}
              </pre>
            </section>
          </div>
          <footer className="border-t border-zinc-200 px-5 py-3">
            <Link href={`/events/${encodeURIComponent(row.eventId)}`} className={buttonClass.secondary}>Open event trace</Link>
          </footer>
        </div>
      )}
    </dialog>
  );
}
