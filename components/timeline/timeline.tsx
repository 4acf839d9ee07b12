'use client';

import { useInfiniteQuery } from '@tanstack/react-query';
import { ArrowUpRight, History } from 'lucide-react';
import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useRef } from 'react';
import { dayKey, dayLabel, formatTime, humanize, plural } from '../format';
import { sourceSwatch } from '../palette';
import { Skeleton } from '../ui/skeleton';
import { activityIcon, WARNING_TYPES } from './activity-icons';

export interface TimelineEntry {
  id: string;
  source: string;
  sourceEventId: string;
  type: string;
  title: string;
  occurredAt: string;
}

export interface TimelinePage {
  rows: TimelineEntry[];
  nextCursor: string | null;
}

const SOURCES = ['scl', 'teetime', 'messaging'] as const;

/**
 * The person's activity, newest first, grouped by day in the club's time zone. Filters live in the URL (shareable)
 * and pages are fetched by keyset cursor as the end of the list scrolls into view (or "Load older" is pressed).
 */
export function Timeline({
  profileId,
  timeZone,
  types,
  total,
  firstPage,
  canTrace,
}: {
  profileId: string;
  timeZone: string;
  types: string[];
  total: number;
  firstPage: TimelinePage;
  canTrace: boolean;
}) {
  const pathname = usePathname();
  const params = useSearchParams();
  const sources = (params.get('source') ?? '').split(',').filter(Boolean);
  const type = params.get('type') ?? '';
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const unfiltered = sources.length === 0 && !type && !from && !to;

  function setFilter(changes: Record<string, string>) {
    const next = new URLSearchParams(params.toString());
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    // Shallow: the page stays, only the timeline refetches.
    window.history.replaceState(null, '', `${pathname}?${next.toString()}`);
  }

  const query = useInfiniteQuery({
    queryKey: ['timeline', profileId, sources.join(','), type, from, to],
    queryFn: async ({ pageParam }) => {
      const qs = new URLSearchParams({ take: '50' });
      if (sources.length) qs.set('sources', sources.join(','));
      if (type) qs.set('types', type);
      if (from) qs.set('from', new Date(`${from}T00:00:00`).toISOString());
      if (to) qs.set('to', new Date(new Date(`${to}T00:00:00`).getTime() + 86_400_000).toISOString());
      if (pageParam) qs.set('cursor', pageParam);
      const res = await fetch(`/internal/members/${profileId}/activities?${qs}`);
      if (!res.ok) throw new Error(`Timeline request failed (${res.status})`);
      return (await res.json()) as TimelinePage;
    },
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    initialData: unfiltered ? { pages: [firstPage], pageParams: [''] } : undefined,
    staleTime: 30_000,
  });

  const sentinel = useRef<HTMLDivElement>(null);
  const { fetchNextPage, hasNextPage, isFetchingNextPage } = query;
  useEffect(() => {
    const el = sentinel.current;
    if (!el) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries[0]?.isIntersecting && hasNextPage && !isFetchingNextPage) void fetchNextPage();
    }, { rootMargin: '400px' });
    observer.observe(el);
    return () => observer.disconnect();
  }, [fetchNextPage, hasNextPage, isFetchingNextPage]);

  const rows = useMemo(() => query.data?.pages.flatMap((p) => p.rows) ?? [], [query.data]);
  const groups = useMemo(() => {
    const out: { key: string; items: TimelineEntry[] }[] = [];
    for (const row of rows) {
      const key = dayKey(row.occurredAt, timeZone);
      if (out.at(-1)?.key !== key) out.push({ key, items: [] });
      out.at(-1)!.items.push(row);
    }
    return out;
  }, [rows, timeZone]);

  return (
    <section aria-labelledby="timeline-title" className="rounded-lg border border-zinc-200 bg-white">
      <header className="sticky top-12 z-10 space-y-2 rounded-t-lg border-b border-zinc-100 bg-white/95 px-3 py-2 backdrop-blur">
        <div className="flex items-center justify-between">
          <h2 id="timeline-title" className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">
            Timeline <span className="font-normal normal-case">· {plural(total, 'activity', 'activities')}</span>
          </h2>
        </div>
        <div className="flex flex-wrap items-center gap-1.5" role="group" aria-label="Filter timeline">
          {SOURCES.map((s) => {
            const sw = sourceSwatch(s);
            const on = sources.includes(s);
            return (
              <button
                key={s}
                type="button"
                aria-pressed={on}
                onClick={() => setFilter({ source: on ? sources.filter((x) => x !== s).join(',') : [...sources, s].join(',') })}
                className={`inline-flex items-center gap-1 rounded-full px-2.5 py-0.5 text-xs ring-1 ring-inset ${
                  on ? sw.chip : 'bg-white text-zinc-600 ring-zinc-300 hover:bg-zinc-50'
                }`}
              >
                <span aria-hidden className={`size-1.5 rounded-full ${sw.dot}`} />
                {sw.label}
              </button>
            );
          })}
          <select
            aria-label="Activity type"
            value={type}
            onChange={(e) => setFilter({ type: e.target.value })}
            className="rounded-full border-0 py-0.5 pr-7 pl-2.5 text-xs text-zinc-700 ring-1 ring-zinc-300 ring-inset focus:ring-2 focus:ring-indigo-600"
          >
            <option value="">All types</option>
            {types.map((t) => (
              <option key={t} value={t}>
                {humanize(t)}
              </option>
            ))}
          </select>
          <label className="flex items-center gap-1 text-xs text-zinc-500">
            From
            <input type="date" value={from} max={to || undefined} onChange={(e) => setFilter({ from: e.target.value })}
              className="rounded border-0 px-1.5 py-0.5 text-xs ring-1 ring-zinc-300 ring-inset" />
          </label>
          <label className="flex items-center gap-1 text-xs text-zinc-500">
            to
            <input type="date" value={to} min={from || undefined} onChange={(e) => setFilter({ to: e.target.value })}
              className="rounded border-0 px-1.5 py-0.5 text-xs ring-1 ring-zinc-300 ring-inset" />
          </label>
          {!unfiltered && (
            <button type="button" onClick={() => setFilter({ source: '', type: '', from: '', to: '' })}
              className="text-xs text-zinc-500 underline-offset-2 hover:text-zinc-800 hover:underline">
              Clear
            </button>
          )}
        </div>
      </header>

      {query.isPending ? (
        <div className="space-y-3 p-3" role="status" aria-label="Loading timeline">
          {Array.from({ length: 6 }, (_, i) => <Skeleton key={i} className="h-8" />)}
        </div>
      ) : query.isError ? (
        <div className="m-3 rounded-md bg-red-50 p-3 text-sm text-red-800">
          The timeline could not be loaded. <button type="button" className="underline" onClick={() => void query.refetch()}>Try again</button>
        </div>
      ) : rows.length === 0 ? (
        <div className="flex flex-col items-center gap-1 px-6 py-10 text-center text-sm text-zinc-500">
          <History aria-hidden className="size-6 text-zinc-400" />
          {unfiltered
            ? 'No activity yet. Bookings, rounds, payments and messages appear here as the sources report them.'
            : 'No activity matches these filters. Widen the dates or clear a filter.'}
        </div>
      ) : (
        <ol className="px-3 pb-3" data-testid="timeline">
          {groups.map((g) => (
            <li key={g.key}>
              <h3 className="py-1.5 text-xs font-medium text-zinc-500">{dayLabel(g.key, timeZone)}</h3>
              <ol className="space-y-px">
                {g.items.map((a) => {
                  const sw = sourceSwatch(a.source);
                  const Icon = activityIcon(a.type);
                  const warn = WARNING_TYPES.has(a.type);
                  return (
                    <li key={a.id} data-source={a.source} className="group flex items-start gap-2.5 rounded-md px-1.5 py-1.5 hover:bg-zinc-50">
                      <span className={`mt-0.5 grid size-6 shrink-0 place-items-center rounded-full ring-1 ring-inset ${sw.chip}`} title={sw.label}>
                        <Icon aria-hidden className={`size-3.5 ${warn ? 'text-red-600' : ''}`} />
                      </span>
                      <div className="min-w-0 flex-1">
                        <p className="truncate text-sm text-zinc-800" title={a.title}>{a.title}</p>
                        <p className="text-xs text-zinc-500">
                          {sw.label} · {humanize(a.type)}
                          {canTrace && (
                            <Link prefetch={false} href={`/events/${encodeURIComponent(a.sourceEventId)}`} className="ml-2 inline-flex items-center text-zinc-400 opacity-0 group-hover:opacity-100 focus:opacity-100 hover:text-indigo-700">
                              trace <ArrowUpRight aria-hidden className="size-3" />
                            </Link>
                          )}
                        </p>
                      </div>
                      <time dateTime={a.occurredAt} className="shrink-0 text-xs text-zinc-500 tabular">{formatTime(a.occurredAt, timeZone)}</time>
                    </li>
                  );
                })}
              </ol>
            </li>
          ))}
        </ol>
      )}
      <div ref={sentinel} className="px-3 pb-3">
        {hasNextPage && (
          <button type="button" disabled={isFetchingNextPage} onClick={() => void fetchNextPage()}
            className="w-full rounded-md py-1.5 text-xs text-zinc-600 ring-1 ring-zinc-200 ring-inset hover:bg-zinc-50">
            {isFetchingNextPage ? 'Loading older activity…' : 'Load older'}
          </button>
        )}
        {!hasNextPage && rows.length > 0 && <p className="py-1 text-center text-xs text-zinc-400">Beginning of the timeline</p>}
      </div>
    </section>
  );
}
