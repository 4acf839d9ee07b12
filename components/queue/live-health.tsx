'use client';

import { useQuery } from '@tanstack/react-query';
import { Server } from 'lucide-react';
import type { QueueHealth } from '@/server/queries/queue-health';
import { formatCount, formatDuration, humanize, relativeTime } from '../format';
import { Card } from '../ui/page-header';
import { ThroughputChart } from './throughput-chart';

const REFRESH_MS = 5_000;

function Counter({ label, value, hint, tone = 'neutral' }: { label: string; value: string; hint?: string; tone?: 'neutral' | 'bad' | 'warn' }) {
  const colour = tone === 'bad' ? 'text-red-700' : tone === 'warn' ? 'text-amber-700' : 'text-zinc-900';
  return (
    <div className="rounded-lg border border-zinc-200 bg-white px-4 py-3">
      <p className="text-xs text-zinc-500">{label}</p>
      <p className={`mt-1 text-2xl font-semibold tabular ${colour}`}>{value}</p>
      {hint && <p className="mt-0.5 truncate text-xs text-zinc-500">{hint}</p>}
    </div>
  );
}

/**
 * The live half of queue health: counters, per-queue states, throughput chart and worker heartbeats, refreshed
 * every 5 s. Queue counts cover every club (one shared queue); throughput and dead letters are this club's.
 */
export function LiveHealth({ initial, timeZone }: { initial: QueueHealth; timeZone: string }) {
  const { data, dataUpdatedAt, isError } = useQuery({
    queryKey: ['queue-health'],
    queryFn: async () => {
      const res = await fetch('/internal/queue/health', { cache: 'no-store' });
      if (!res.ok) throw new Error(`Queue health request failed (${res.status})`);
      return (await res.json()) as QueueHealth;
    },
    initialData: initial,
    refetchInterval: REFRESH_MS,
    refetchIntervalInBackground: false,
  });
  const h = data;
  const inbound = h.inbound;
  const waiting = inbound.counts.waiting + inbound.counts.prioritized;
  const oldest = inbound.oldestWaitingMs;
  const workers = inbound.workers;

  return (
    <div className="space-y-4">
      <p className="text-xs text-zinc-500" aria-live="polite">
        {isError ? (
          <span className="text-red-700">Could not refresh — showing the last figures. Retrying every 5 s.</span>
        ) : (
          <>Live · updated {relativeTime(new Date(dataUpdatedAt))} · refreshes every 5 s</>
        )}
      </p>
      {(inbound.error || h.outbound.error) && (
        <div className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          The queue (Redis) cannot be reached: {inbound.error ?? h.outbound.error}. Events wait at the sources until it is
          back; nothing is lost. Ask an administrator to check Redis.
        </div>
      )}
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4" data-testid="counters">
        <Counter label="Waiting" value={formatCount(waiting)} hint={`${formatCount(inbound.counts.delayed)} delayed for retry`} tone={waiting > 1000 ? 'warn' : 'neutral'} />
        <Counter label="Active" value={formatCount(inbound.counts.active)} hint={`${workers.length} worker${workers.length === 1 ? '' : 's'} connected`} />
        <Counter label="Dead-lettered" value={formatCount(h.deadLetters.open)} hint={h.deadLetters.open ? 'open, this club' : 'none open'} tone={h.deadLetters.open ? 'bad' : 'neutral'} />
        <Counter label="Oldest waiting" value={oldest == null ? '—' : formatDuration(oldest)} hint={oldest == null ? 'nothing waiting' : 'age of the next event in line'} tone={oldest != null && oldest > 60_000 ? 'warn' : 'neutral'} />
      </div>

      <div className="grid grid-cols-1 gap-4 xl:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <Card title="Processed and failed per minute · last hour">
          <ThroughputChart points={h.perMinute} timeZone={timeZone} />
        </Card>
        <Card title="Queues">
          <table className="w-full text-sm">
            <thead className="text-left text-xs text-zinc-500">
              <tr>
                <th className="py-1 font-medium">State</th>
                <th className="py-1 text-right font-medium">crm-events</th>
                <th className="py-1 text-right font-medium">crm-outbound</th>
              </tr>
            </thead>
            <tbody className="tabular">
              {(['waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed'] as const).map((s) => (
                <tr key={s} className="border-t border-zinc-100">
                  <td className="py-1 text-zinc-600">{humanize(s)}</td>
                  <td className="py-1 text-right">{formatCount(h.inbound.counts[s])}</td>
                  <td className="py-1 text-right">{formatCount(h.outbound.counts[s])}</td>
                </tr>
              ))}
              <tr className="border-t border-zinc-100">
                <td className="py-1 text-zinc-600">Outbox unpublished</td>
                <td className="py-1 text-right text-zinc-400">—</td>
                <td className="py-1 text-right">{formatCount(h.outboxPending)}</td>
              </tr>
            </tbody>
          </table>
          <h3 className="mt-3 mb-1 text-xs font-medium text-zinc-500">Dead-letter store (open, this club)</h3>
          {h.deadLetters.byReason.length === 0 ? (
            <p className="text-xs text-zinc-500">Empty.</p>
          ) : (
            <ul className="space-y-0.5 text-sm tabular">
              {h.deadLetters.byReason.map((r) => (
                <li key={r.reason} className="flex justify-between"><span className="text-zinc-600">{humanize(r.reason)}</span>{formatCount(r.count)}</li>
              ))}
            </ul>
          )}
        </Card>
      </div>

      <Card title={`Workers · ${workers.length}`}>
        {workers.length === 0 ? (
          <p className="text-sm text-amber-800">
            No worker is connected to crm-events: events are queued but not processed. Start one with <code className="rounded bg-zinc-100 px-1 font-mono text-xs">npm run worker</code>.
          </p>
        ) : (
          <ul className="grid grid-cols-1 gap-2 md:grid-cols-2 xl:grid-cols-3">
            {workers.map((w, i) => (
              <li key={`${w.addr}-${i}`} className="flex items-center gap-2 rounded-md border border-zinc-100 px-2 py-1.5 text-sm">
                <Server aria-hidden className="size-4 text-zinc-400" />
                <span className="min-w-0 flex-1 truncate font-mono text-xs" title={`${w.name} · connected for ${formatDuration(w.connectedMs)}`}>
                  {w.addr || w.name}
                </span>
                <span className={`size-2 rounded-full ${w.lastSeenMs < 30_000 ? 'bg-emerald-500' : 'bg-amber-500'}`} aria-hidden />
                <span className="text-xs text-zinc-500">heartbeat {w.lastSeenMs < 1000 ? 'just now' : `${formatDuration(w.lastSeenMs)} ago`}</span>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
