import type { Metadata } from 'next';
import Link from 'next/link';
import { humanize } from '@/components/format';
import { DeadLetterTable, type DeadLetterView } from '@/components/queue/dead-letter-table';
import { LiveHealth } from '@/components/queue/live-health';
import { DateRangeFilter } from '@/components/ui/date-range-filter';
import { FilterSelect } from '@/components/ui/filter-select';
import { PageHeader } from '@/components/ui/page-header';
import { Pagination } from '@/components/ui/pagination';
import { flatParams, type RawSearchParams } from '@/components/url';
import { DEAD_LETTER_REASONS, type DeadLetterReason } from '@/server/db/schema';
import { listDeadLetters } from '@/server/dead-letters/store';
import { deadLetterFacets, getQueueHealth } from '@/server/queries/queue-health';
import { pageContext } from '../page-context';
import { matchingDeadLetterIds, retryDeadLettersAction } from './actions';

export const metadata: Metadata = { title: 'Queue health' };

const TAKE = 50;

/** Day bounds of a YYYY-MM-DD in the URL; a malformed date is ignored rather than failing the page. */
function dateParam(value: string | undefined, endOfDay = false): Date | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const d = new Date(`${value}T00:00:00Z`);
  return endOfDay ? new Date(d.getTime() + 86_400_000 - 1) : d;
}

export default async function QueuePage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const { viewer, inTenant, timeZone } = await pageContext('queue.read');
  const params = flatParams(await searchParams);
  const reason = (DEAD_LETTER_REASONS as readonly string[]).includes(params.reason ?? '') ? (params.reason as DeadLetterReason) : undefined;
  const filter = {
    reason,
    type: params.type,
    source: params.source,
    from: dateParam(params.from),
    to: dateParam(params.to, true),
  };
  const skip = Math.max(0, Number.parseInt(params.skip ?? '0', 10) || 0);
  const [health, deadLetters, facets] = await Promise.all([
    inTenant((db) => getQueueHealth(db, { tenantId: viewer.tenantId })),
    inTenant((db) => listDeadLetters(db, { tenantId: viewer.tenantId, ...filter, skip, take: TAKE })),
    inTenant((db) => deadLetterFacets(db, { tenantId: viewer.tenantId })),
  ]);
  const canRetry = viewer.permissions.includes('deadletters.retry');
  const filtered = Boolean(filter.reason || filter.type || filter.source || filter.from || filter.to);
  const rows: DeadLetterView[] = deadLetters.rows.map((r) => ({
    id: r.id,
    eventId: r.eventId,
    eventType: r.eventType,
    source: r.source,
    reason: r.reason,
    failedStep: r.failedStep,
    error: r.error,
    attempts: r.attempts,
    retryCount: r.retryCount,
    firstFailedAt: r.firstFailedAt.toISOString(),
    deadLetteredAt: r.deadLetteredAt.toISOString(),
    lastRetriedAt: r.lastRetriedAt?.toISOString() ?? null,
    lastRetriedBy: r.lastRetriedBy,
    jobData: r.jobData,
  }));

  async function matchingIds() {
    'use server';
    return matchingDeadLetterIds({ ...filter, from: filter.from?.toISOString(), to: filter.to?.toISOString() });
  }

  return (
    <div className="space-y-6">
      <PageHeader title="Queue health" subtitle="Events from SCL, TeeTime and Messaging on their way into the CRM, and those that failed." />
      <LiveHealth initial={health} timeZone={timeZone} />

      <section aria-labelledby="dl-title" className="space-y-3">
        <div className="flex flex-wrap items-center gap-2">
          <h2 id="dl-title" className="mr-2 text-base font-semibold text-zinc-900">Dead letters</h2>
          <FilterSelect name="reason" label="Reason" options={DEAD_LETTER_REASONS.map((r) => ({ value: r, label: humanize(r) }))} />
          <FilterSelect name="type" label="Type" options={facets.types.map((t) => ({ value: t, label: t }))} />
          <FilterSelect name="source" label="Source" options={facets.sources.map((s) => ({ value: s, label: s }))} />
          <DateRangeFilter />
          {filtered && <Link href="/queue" className="text-xs text-zinc-500 hover:text-zinc-800 hover:underline">Clear all</Link>}
        </div>
        <DeadLetterTable
          rows={rows}
          total={deadLetters.total}
          filtered={filtered}
          canRetry={canRetry}
          timeZone={timeZone}
          retryBatch={canRetry ? retryDeadLettersAction : undefined}
          matchingIds={canRetry ? matchingIds : undefined}
        />
        <Pagination pathname="/queue" params={params} skip={skip} take={TAKE} total={deadLetters.total} />
      </section>
    </div>
  );
}
