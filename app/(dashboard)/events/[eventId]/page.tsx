import { ArrowLeft, CircleAlert } from 'lucide-react';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { formatDateTime, formatDuration, humanize } from '@/components/format';
import { sourceSwatch, statusSwatch } from '@/components/palette';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/page-header';
import { getEventTrace } from '@/server/queries/event-trace';
import { pageContext } from '../../page-context';

export const metadata: Metadata = { title: 'Event trace' };

/** The pipeline's steps in order, so a trace shows where an event stopped even when later steps never ran. */
const PIPELINE = ['parse', 'resolve_identity', 'update_profile', 'create_activity', 'score', 'update_segments', 'outbox'];

export default async function EventTracePage({ params }: { params: Promise<{ eventId: string }> }) {
  const { viewer, inTenant, timeZone } = await pageContext('queue.read');
  const { eventId } = await params;
  const trace = await inTenant((db) => getEventTrace(db, { tenantId: viewer.tenantId, eventId: decodeURIComponent(eventId) }));
  if (!trace) notFound();
  const status = statusSwatch(trace.status);
  const source = sourceSwatch(trace.source);
  const timed = new Map(trace.steps.map((s) => [s.step, s.ms]));
  // A finished event lists the steps it recorded; an unfinished one also lists the steps it never reached.
  const recorded = trace.steps.map((s) => s.step);
  const finished = trace.status === 'SUCCESS' || trace.status === 'SKIPPED';
  const names = finished ? recorded : [...new Set([...recorded, ...PIPELINE.filter((s) => !recorded.includes(s))])];
  const slowest = Math.max(1, ...trace.steps.map((s) => s.ms));
  const totalMs = trace.steps.reduce((n, s) => n + s.ms, 0);

  return (
    <div className="space-y-4">
      <Link href="/queue" className="inline-flex items-center gap-1 text-xs text-zinc-500 hover:text-zinc-800">
        <ArrowLeft aria-hidden className="size-3.5" /> Queue health
      </Link>
      <header className="flex flex-wrap items-start justify-between gap-3 rounded-lg border border-zinc-200 bg-white px-4 py-3">
        <div className="min-w-0">
          <p className="text-xs text-zinc-500">Event trace</p>
          <h1 className="truncate font-mono text-base font-semibold text-zinc-900" title={trace.eventId}>{trace.eventId}</h1>
          <p className="mt-1 flex flex-wrap items-center gap-2 text-xs text-zinc-600">
            <span className={`rounded px-1.5 py-0.5 ring-1 ring-inset ${source.chip}`}>{source.label}</span>
            <span className="font-mono">{trace.eventType}</span>
          </p>
        </div>
        <div className="text-right" data-testid="trace-status">
          <Badge swatch={status} />
          <p className="mt-1 text-xs text-zinc-500">
            {trace.attempts} attempt{trace.attempts === 1 ? '' : 's'}
            {trace.processedAt && <> · finished {formatDateTime(trace.processedAt, timeZone)}</>}
          </p>
        </div>
      </header>

      <div className="grid grid-cols-1 items-start gap-4 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <Card title={`Pipeline steps${totalMs ? ` · ${formatDuration(totalMs)} in total` : ''}`}>
          <ol className="space-y-1.5">
            {names.map((name, i) => {
              const ms = timed.get(name);
              const failedHere = trace.failedStep === name;
              return (
                <li key={name} className="grid grid-cols-[1.5rem_9rem_1fr_4.5rem] items-center gap-2 text-sm">
                  <span className="text-xs text-zinc-400 tabular">{i + 1}</span>
                  <span className={failedHere ? 'font-medium text-red-800' : ms != null ? 'text-zinc-800' : 'text-zinc-400'}>{humanize(name)}</span>
                  <span className="h-1.5 overflow-hidden rounded bg-zinc-100" aria-hidden>
                    {ms != null && <span className="block h-full bg-indigo-500" style={{ width: `${Math.max(2, (ms / slowest) * 100)}%` }} />}
                    {failedHere && <span className="block h-full w-full bg-red-500" />}
                  </span>
                  <span className="text-right text-xs text-zinc-500 tabular">
                    {failedHere ? 'failed' : ms != null ? formatDuration(ms) : 'not run'}
                  </span>
                </li>
              );
            })}
          </ol>
          {trace.warnings.length > 0 && (
            <div className="mt-3 rounded-md bg-amber-50 px-3 py-2 text-xs text-amber-900">
              <p className="font-medium">Warnings</p>
              <ul className="list-inside list-disc">{trace.warnings.map((w) => <li key={w}>{humanize(w.split(':')[0])}{w.includes(':') ? ` (${w.split(':').slice(1).join(':')})` : ''}</li>)}</ul>
            </div>
          )}
        </Card>
        <div className="space-y-3">
          <Card title="Result">
            <dl className="grid grid-cols-[7rem_1fr] gap-y-1.5 text-sm">
              <dt className="text-zinc-500">Person</dt>
              <dd className="truncate">
                {trace.profile ? <Link href={`/members/${trace.profile.id}`} className="font-medium text-indigo-700 hover:underline">{trace.profile.name}</Link> : <span className="text-zinc-400">none</span>}
              </dd>
              <dt className="text-zinc-500">Activity</dt>
              <dd className="truncate">{trace.activity ? <>{trace.activity.title} <span className="text-xs text-zinc-500">· {humanize(trace.activity.type)}</span></> : <span className="text-zinc-400">none</span>}</dd>
              {trace.eventAt && (<><dt className="text-zinc-500">Event time</dt><dd>{formatDateTime(trace.eventAt, timeZone)}</dd></>)}
              <dt className="text-zinc-500">Received</dt><dd>{formatDateTime(trace.receivedAt, timeZone)}</dd>
              <dt className="text-zinc-500">Updated</dt><dd>{formatDateTime(trace.updatedAt, timeZone)}</dd>
            </dl>
          </Card>
          {finished && trace.deadLetter && (
            <Card title="Recovered">
              <p className="text-sm text-zinc-700">
                Dead-lettered on {formatDateTime(trace.deadLetter.deadLetteredAt, timeZone)} ({humanize(trace.deadLetter.reason).toLowerCase()}
                {trace.deadLetter.failedStep ? ` in ${humanize(trace.deadLetter.failedStep).toLowerCase()}` : ''}: {trace.deadLetter.error}).
                {trace.deadLetter.lastRetriedAt && (
                  <> Retried by {trace.deadLetter.lastRetriedBy} on {formatDateTime(trace.deadLetter.lastRetriedAt, timeZone)}, then processed.</>
                )}
              </p>
            </Card>
          )}
          {!finished && trace.error && (
            <Card title="Error">
              <p className="flex items-start gap-2 text-sm text-red-800">
                <CircleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
                <span><span className="font-medium">{humanize(trace.errorCode)}</span> in {humanize(trace.failedStep)}: {trace.error}</span>
              </p>
              {trace.deadLetter && !trace.deadLetter.resolvedAt && (
                <p className="mt-2 text-xs text-zinc-600">Waiting in the dead-letter store. An administrator can retry it from <Link href="/queue" className="underline">Queue health</Link>.</p>
              )}
            </Card>
          )}
          {trace.deadLetter && (
            <Card title="Original event">
              <pre className="max-h-96 overflow-auto rounded-md bg-zinc-950 p-3 font-mono text-xs text-zinc-100">{JSON.stringify(trace.deadLetter.jobData, null, 2)}</pre>
            </Card>
          )}
        </div>
      </div>
    </div>
  );
}
