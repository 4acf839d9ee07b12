import { Plus, UsersRound } from 'lucide-react';
import type { Metadata } from 'next';
import Link from 'next/link';
import { SegmentTable, type SegmentRow } from '@/components/segments/segment-table';
import { buttonClass } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { listSegments } from '@/server/segments/service';
import { segmentTrends } from '@/server/segments/trends';
import { pageContext } from '../page-context';

export const metadata: Metadata = { title: 'Segments' };

const TREND_DAYS = 30;

/** The club's segments: built-in ones first, then the club's own, with size, 30-day trend and last change. */
export default async function SegmentsPage() {
  const { viewer, inTenant, timeZone, now } = await pageContext('segments.read');
  const [segments, trends] = await Promise.all([
    inTenant((db) => listSegments(db, { tenantId: viewer.tenantId })),
    inTenant((db) => segmentTrends(db, { tenantId: viewer.tenantId, days: TREND_DAYS, timeZone, now })),
  ]);
  const canWrite = viewer.permissions.includes('segments.write');
  const rows: SegmentRow[] = segments.map((segment) => ({ segment, trend: trends.get(segment.id) }));
  const builtIn = rows.filter((r) => r.segment.isSystem);
  const own = rows.filter((r) => !r.segment.isSystem);
  const newButton = canWrite && (
    <Link href="/segments/new" className={buttonClass.primary}>
      <Plus aria-hidden className="size-4" /> New segment
    </Link>
  );

  return (
    <div className="space-y-6">
      <PageHeader
        title="Segments"
        subtitle="Groups of people to export or reach in a campaign, kept current as members book, pay and open emails."
        actions={newButton}
      />
      {builtIn.length > 0 && (
        <section aria-labelledby="built-in-title" className="space-y-2">
          <h2 id="built-in-title" className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">Built in</h2>
          <SegmentTable rows={builtIn} caption="Built-in segments" now={now} timeZone={timeZone} />
        </section>
      )}
      <section aria-labelledby="own-title" className="space-y-2">
        <h2 id="own-title" className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">
          {viewer.tenantName}’s segments
        </h2>
        {own.length > 0 ? (
          <SegmentTable rows={own} caption={`${viewer.tenantName}’s segments`} now={now} timeZone={timeZone} />
        ) : (
          <EmptyState
            icon={<UsersRound className="size-8" />}
            title="No segments of your own yet"
            action={newButton}
          >
            {canWrite
              ? 'Build one from rules — say, Gold members with a handicap under 15 who have not booked in 60 days — and it keeps itself current. Or make a hand-picked list and import a CSV of emails or member numbers.'
              : 'Segments built by your marketing team appear here — rule-based ones such as “Gold members who have not booked in 60 days”, or hand-picked lists. Ask them if you need one.'}
          </EmptyState>
        )}
      </section>
    </div>
  );
}
