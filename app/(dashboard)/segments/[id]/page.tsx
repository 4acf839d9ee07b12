import { Download, Pencil, SearchX, UsersRound } from 'lucide-react';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { PrivateMemberResults } from '@/components/members/private-results';
import { PrivateSearchProvider, UnlessPrivateSearch } from '@/components/members/private-search';
import { SearchBox } from '@/components/members/search-box';
import { formatChange, formatCount, formatDate, formatDateTime, relativeTime } from '@/components/format';
import { DefinitionInWords } from '@/components/segments/definition';
import { DeleteSegmentButton } from '@/components/segments/delete-segment';
import { MembershipChart } from '@/components/segments/membership-chart';
import { SegmentMembersTable } from '@/components/segments/members-table';
import { RecomputeStatus } from '@/components/segments/recompute-status';
import { StaticMembersPanel } from '@/components/segments/static-members';
import { SegmentTypeBadge } from '@/components/segments/type-badge';
import { buttonClass } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { Card, PageHeader } from '@/components/ui/page-header';
import { Pagination } from '@/components/ui/pagination';
import { flatParams, type RawSearchParams } from '@/components/url';
import type { Db } from '@/server/db/client';
import { searchMembers } from '@/server/queries/members';
import { pagingSchema } from '@/server/queries/paging';
import { validateCriteria } from '@/server/segments/criteria';
import { SegmentError } from '@/server/segments/errors';
import { getSegment } from '@/server/segments/service';
import { segmentTrends } from '@/server/segments/trends';
import { pageContext } from '../../page-context';
import {
  addStaticMembersAction,
  deleteSegmentAction,
  findPeopleAction,
  importStaticCsvAction,
  recomputeNowAction,
  removeStaticMemberAction,
} from '../actions';
import { isRecomputeQueued } from '../recompute-queue';

export const metadata: Metadata = { title: 'Segment' };

const CHART_DAYS = 90;
const memberQuerySchema = pagingSchema.extend({ q: z.string().trim().max(200).optional() });

async function loadSegment(tenantId: string, segmentId: string, db: Db) {
  try {
    return await getSegment(db, { tenantId, segmentId });
  } catch (error) {
    // Another club's segment answers "not found" exactly like one that does not exist.
    if (error instanceof SegmentError && error.code === 'not_found') notFound();
    throw error;
  }
}

/** One segment: what defines it, how its size moved, who is in it (searchable, exportable), and its recount. */
export default async function SegmentPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<RawSearchParams>;
}) {
  const { viewer, inTenant, timeZone, now } = await pageContext('segments.read');
  const { id } = await params;
  const segment = await inTenant((db) => loadSegment(viewer.tenantId, id, db));
  const raw = flatParams(await searchParams);
  const parsed = memberQuerySchema.safeParse(raw);
  const query = parsed.success ? parsed.data : memberQuerySchema.parse({});
  const dynamic = segment.type === 'DYNAMIC';

  const [members, trends, queued] = await Promise.all([
    inTenant((db) => searchMembers(db, { tenantId: viewer.tenantId, segmentId: segment.id, q: query.q, skip: query.skip, take: query.take })),
    inTenant((db) => segmentTrends(db, { tenantId: viewer.tenantId, segmentIds: [segment.id], days: CHART_DAYS, timeZone, now })),
    dynamic ? isRecomputeQueued(segment.id) : Promise.resolve(false),
  ]);
  const trend = trends.get(segment.id);
  const memberCount = trend?.members ?? segment.memberCount;
  const monthAgo = trend?.days.at(-31)?.members;
  const checked = dynamic ? validateCriteria(segment.criteria) : null;
  const can = (p: 'segments.write' | 'segments.export') => viewer.permissions.includes(p);
  const listParams = { ...(query.q ? { q: query.q } : {}) };
  const counting = queued || segment.recomputeStatus === 'RUNNING';
  const removeMember = !dynamic && can('segments.write') ? removeStaticMemberAction.bind(null, segment.id) : undefined;

  return (
    <div className="space-y-4">
      <nav aria-label="Breadcrumb" className="text-xs text-zinc-500">
        <Link href="/segments" className="hover:text-zinc-800 hover:underline">Segments</Link> <span aria-hidden>/</span>
      </nav>
      <PageHeader
        title={
          <span className="flex items-center gap-2">
            <span className="truncate" title={segment.name}>{segment.name}</span>
            <SegmentTypeBadge segment={segment} />
          </span>
        }
        subtitle={segment.description ?? undefined}
        actions={
          <>
            {can('segments.export') && (
              <a href={`/api/v1/segments/${segment.id}/members?format=csv`} download className={buttonClass.secondary}>
                <Download aria-hidden className="size-4" /> Export CSV
              </a>
            )}
            {can('segments.write') && (
              <Link href={`/segments/${segment.id}/edit`} className={buttonClass.secondary}>
                <Pencil aria-hidden className="size-4" /> Edit
              </Link>
            )}
            {can('segments.write') && !segment.isSystem && (
              <DeleteSegmentButton name={segment.name} memberCount={memberCount} remove={deleteSegmentAction.bind(null, segment.id)} />
            )}
          </>
        }
      />

      {dynamic && (
        <RecomputeStatus
          state={{
            status: segment.recomputeStatus,
            progress: segment.recomputeProgress,
            queued,
            queueFailed: raw.recompute === 'failed',
          }}
          canWrite={can('segments.write')}
          recomputeNow={recomputeNowAction.bind(null, segment.id)}
        />
      )}

      <div className="grid gap-4 lg:grid-cols-3">
        <Card title="Definition" className="lg:col-span-2">
          {checked?.ok ? (
            <DefinitionInWords criteria={checked.criteria} />
          ) : dynamic ? (
            <p className="text-sm text-red-700">
              These rules no longer pass validation, so the segment is not being kept current.
              {can('segments.write') ? ' Edit it to fix the rules.' : ' Ask someone in marketing to fix its rules.'}
            </p>
          ) : (
            <p className="text-sm text-zinc-600" data-testid="definition">
              A hand-picked list: people join when someone adds them or imports them from a CSV, and stay until they are
              taken off.
            </p>
          )}
          {segment.isSystem && (
            <p className="mt-3 text-xs text-zinc-500">Built in: every club has this segment, and it cannot be deleted.</p>
          )}
        </Card>
        <Card title="Size">
          <p className="text-zinc-900">
            <span className="text-3xl font-semibold tabular" data-testid="member-count">{formatCount(memberCount)}</span>{' '}
            <span className="text-sm text-zinc-600">{memberCount === 1 ? 'member' : 'members'}</span>
          </p>
          <dl className="mt-2 space-y-1 text-xs text-zinc-600">
            {monthAgo !== undefined && (
              <div className="flex justify-between gap-2">
                <dt>Last 30 days</dt>
                <dd className="tabular">{formatChange(memberCount - monthAgo)}</dd>
              </div>
            )}
            <div className="flex justify-between gap-2">
              <dt>Last change</dt>
              <dd title={trend?.lastChangeAt ? formatDateTime(trend.lastChangeAt, timeZone) : undefined}>
                {trend?.lastChangeAt ? relativeTime(trend.lastChangeAt, now) : 'no changes yet'}
              </dd>
            </div>
            <div className="flex justify-between gap-2">
              <dt>Created</dt>
              <dd className="truncate" title={segment.createdBy ?? undefined}>
                {formatDate(segment.createdAt, timeZone)}
                {segment.createdBy && segment.createdBy !== 'system' ? ` by ${segment.createdBy}` : ''}
              </dd>
            </div>
          </dl>
        </Card>
      </div>

      <Card title={`Members over the last ${CHART_DAYS} days`}>
        <MembershipChart days={trend?.days ?? []} />
      </Card>

      {!dynamic && can('segments.write') && (
        <StaticMembersPanel
          find={findPeopleAction}
          add={addStaticMembersAction.bind(null, segment.id)}
          importCsv={importStaticCsvAction.bind(null, segment.id)}
        />
      )}

      <section aria-labelledby="members-title" className="space-y-3">
        {/* An email or phone number is searched without entering the URL (see PrivateSearchProvider). */}
        <PrivateSearchProvider>
          <div className="flex flex-wrap items-center gap-3">
            <h2 id="members-title" className="text-sm font-semibold text-zinc-900">Members</h2>
            <div className="min-w-64 flex-1">
              <SearchBox />
            </div>
            <UnlessPrivateSearch>
              <span className="text-sm text-zinc-500 tabular" data-testid="result-count">
                {query.q
                  ? `${members.totalExact ? '' : '≈ '}${formatCount(members.total)} of ${formatCount(memberCount)}`
                  : `${formatCount(memberCount)} ${memberCount === 1 ? 'person' : 'people'}`}
              </span>
            </UnlessPrivateSearch>
          </div>
          <PrivateMemberResults now={now.toISOString()} segment={{ id: segment.id, memberCount, remove: removeMember }} />
          <UnlessPrivateSearch>
            {members.rows.length > 0 ? (
              <>
                <SegmentMembersTable rows={members.rows} now={now} remove={removeMember} />
                {/* Unsearched, the list is the whole segment: page through the exact live count, not the capped estimate. */}
                <Pagination
                  pathname={`/segments/${segment.id}`}
                  params={listParams}
                  skip={members.skip}
                  take={members.take}
                  total={query.q ? members.total : memberCount}
                />
              </>
            ) : query.q ? (
              <EmptyState
                icon={<SearchX className="size-8" />}
                title={`No member of this segment matches “${query.q}”`}
                action={<Link href={`/segments/${segment.id}`} className={buttonClass.secondary}>Clear search</Link>}
              >
                Search looks at names, emails, phone numbers and member numbers of the people in this segment only.
              </EmptyState>
            ) : (
              <EmptyState icon={<UsersRound className="size-8" />} title={counting ? 'Counting members…' : 'Nobody is in this segment yet'}>
                {counting
                  ? 'The recount is under way; members appear here as soon as it finishes.'
                  : dynamic
                    ? 'Nobody matches these rules right now. People join the moment their profile matches — when a booking, payment, handicap update or email open arrives.'
                    : can('segments.write')
                      ? 'Add people above by searching for them, or import a CSV of emails or member numbers.'
                      : 'People appear here once someone in marketing adds them to this list.'}
              </EmptyState>
            )}
          </UnlessPrivateSearch>
        </PrivateSearchProvider>
      </section>
    </div>
  );
}
