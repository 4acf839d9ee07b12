'use client';

import { useQueryClient } from '@tanstack/react-query';
import { Inbox, RotateCcw } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { formatCount, humanize, relativeTime } from '../format';
import { sourceSwatch } from '../palette';
import { buttonClass } from '../ui/button';
import { table } from '../ui/table';
import { PayloadDrawer } from './payload-drawer';
import { RetryDialog, type RetryPlan } from './retry-dialog';

export interface DeadLetterView {
  id: string;
  eventId: string;
  eventType: string;
  source: string;
  reason: string;
  failedStep: string;
  error: string;
  attempts: number;
  retryCount: number;
  firstFailedAt: string;
  deadLetteredAt: string;
  lastRetriedAt: string | null;
  lastRetriedBy: string | null;
  jobData: unknown;
}

export type RetryBatch = (eventIds: string[]) => Promise<{ requeued: number; alreadyProcessed: number; notFound: number }>;
export type MatchingIds = () => Promise<string[]>;

/**
 * Open dead letters with their error at a glance and the original event one click away. People allowed to retry
 * get checkboxes and three ways to retry (one, the selected, all that match the filter), each confirmed with the
 * count; everyone else sees no retry control at all.
 */
export function DeadLetterTable({
  rows,
  total,
  filtered,
  canRetry,
  timeZone,
  retryBatch,
  matchingIds,
}: {
  rows: DeadLetterView[];
  total: number;
  filtered: boolean;
  canRetry: boolean;
  timeZone: string;
  retryBatch?: RetryBatch;
  matchingIds?: MatchingIds;
}) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [open, setOpen] = useState<DeadLetterView | null>(null);
  const [plan, setPlan] = useState<RetryPlan | null>(null);
  const allOnPage = rows.length > 0 && rows.every((r) => selected.has(r.eventId));

  function toggle(id: string) {
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }

  // The dialogs stay mounted when the list empties (a retry that clears the last row still reports its result).
  const dialogs = (
    <>
      <PayloadDrawer row={open} timeZone={timeZone} onClose={() => setOpen(null)} />
      {canRetry && retryBatch && plan && (
        <RetryDialog
          plan={plan}
          retryBatch={retryBatch}
          onClose={(changed) => {
            setPlan(null);
            if (changed) {
              setSelected(new Set());
              router.refresh();
              void queryClient.invalidateQueries({ queryKey: ['queue-health'] });
            }
          }}
        />
      )}
    </>
  );

  if (rows.length === 0) {
    return (
      <>
      <div data-testid="dead-letters-empty" className="flex flex-col items-center gap-1 rounded-lg border border-dashed border-zinc-300 bg-white px-6 py-10 text-center">
        <Inbox aria-hidden className="size-7 text-zinc-400" />
        <p className="text-sm font-medium text-zinc-900">{filtered ? 'No dead letters match these filters' : 'No dead letters'}</p>
        <p className="max-w-md text-sm text-zinc-500">
          {filtered
            ? 'Clear a filter to see the rest.'
            : 'Every event for this club was processed or is still being retried. Events that can never succeed — bad data, unknown types, no usable identity — would wait here for a fix and a retry.'}
        </p>
      </div>
        {dialogs}
      </>
    );
  }

  return (
    <div className="space-y-2">
      {canRetry && (
        <div className="flex flex-wrap items-center gap-2" data-testid="retry-controls">
          <button type="button" className={buttonClass.secondary} disabled={selected.size === 0}
            onClick={() => setPlan({ label: `${formatCount(selected.size)} selected`, ids: [...selected] })}>
            <RotateCcw aria-hidden className="size-4" /> Retry selected{selected.size ? ` (${formatCount(selected.size)})` : ''}
          </button>
          <button type="button" className={buttonClass.secondary}
            onClick={() => setPlan({ label: `all ${formatCount(total)} ${filtered ? 'matching the filter' : 'open'}`, count: total, resolveIds: matchingIds })}>
            <RotateCcw aria-hidden className="size-4" /> Retry all {filtered ? 'matching' : ''} ({formatCount(total)})
          </button>
          {selected.size > 0 && (
            <button type="button" className={buttonClass.ghost} onClick={() => setSelected(new Set())}>Clear selection</button>
          )}
        </div>
      )}
      <div className={table.wrap}>
        <table className={table.table}>
          <colgroup>
            {canRetry && <col className="w-10" />}
            <col className="w-[20%]" />
            <col className="w-[17%]" />
            <col className="w-[13%]" />
            <col />
            <col className="w-[7%]" />
            <col className="w-[10%]" />
            {canRetry && <col className="w-24" />}
          </colgroup>
          <thead className={table.thead}>
            <tr>
              {canRetry && (
                <th className={table.th}>
                  <input type="checkbox" aria-label="Select all on this page" checked={allOnPage}
                    onChange={() => setSelected(allOnPage ? new Set() : new Set(rows.map((r) => r.eventId)))} />
                </th>
              )}
              <th className={table.th}>Event</th>
              <th className={table.th}>Type</th>
              <th className={table.th}>Reason</th>
              <th className={table.th}>Error</th>
              <th className={table.th}>Tries</th>
              <th className={table.th}>When</th>
              {canRetry && <th className={table.th}><span className="sr-only">Retry</span></th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const sw = sourceSwatch(r.source);
              return (
                <tr key={r.id} className={table.tr} data-event-id={r.eventId}>
                  {canRetry && (
                    <td className={table.td}>
                      <input type="checkbox" aria-label={`Select ${r.eventId}`} checked={selected.has(r.eventId)} onChange={() => toggle(r.eventId)} />
                    </td>
                  )}
                  <td className={table.td}>
                    <button type="button" data-row-link onClick={() => setOpen(r)} title={`${r.eventId} — show the original event`}
                      className="block max-w-full truncate text-left font-mono text-xs font-medium text-indigo-700 hover:underline focus-visible:underline focus-visible:outline-none">
                      {r.eventId}
                    </button>
                    <span className={`mt-0.5 inline-block rounded px-1 py-px text-[10px] ring-1 ring-inset ${sw.chip}`}>{sw.label}</span>
                  </td>
                  <td className={`${table.td} truncate font-mono text-xs`} title={r.eventType}>{r.eventType}</td>
                  <td className={table.td}>
                    <span className="rounded bg-red-50 px-1.5 py-0.5 text-xs text-red-800 ring-1 ring-red-200 ring-inset">{humanize(r.reason)}</span>
                  </td>
                  <td className={`${table.td} truncate text-xs text-zinc-600`} title={r.error}>
                    <span className="text-zinc-400">{humanize(r.failedStep)}: </span>{r.error}
                  </td>
                  <td className={`${table.td} tabular text-xs`}>{r.attempts}</td>
                  <td className={`${table.td} truncate text-xs text-zinc-600`}>{relativeTime(r.deadLetteredAt)}</td>
                  {canRetry && (
                    <td className={table.td}>
                      <button type="button" className="text-xs font-medium text-indigo-700 hover:underline"
                        onClick={() => setPlan({ label: r.eventId, ids: [r.eventId] })}>
                        Retry
                      </button>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {dialogs}
    </div>
  );
}
