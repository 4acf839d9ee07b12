'use client';

import { useQuery } from '@tanstack/react-query';
import { SearchX } from 'lucide-react';
import { usePathname, useSearchParams } from 'next/navigation';
import type { MemberRow } from '@/server/queries/members';
import { formatCount } from '../format';
import { SegmentMembersTable } from '../segments/members-table';
import { EmptyState } from '../ui/empty-state';
import { Pagination } from '../ui/pagination';
import { flatParams } from '../url';
import { MembersTable } from './members-table';
import { usePrivateSearch } from './private-search';

/** URL parameters that go along with a private search (filters, sort, paging); `q` never comes from the URL here. */
const LIST_PARAMS = ['status', 'lifecycleStage', 'tier', 'churnLevel', 'consent', 'sort', 'dir', 'skip', 'take'];

interface SearchPage {
  rows: MemberRow[];
  total: number;
  skip: number;
  take: number;
}

/** POST /api/v1/customers/search with the session cookie: the query travels in the body, never in a URL. */
async function searchByBody(body: Record<string, unknown>): Promise<SearchPage> {
  const res = await fetch('/api/v1/customers/search', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    cache: 'no-store',
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(json?.error?.message ?? `The search failed (${res.status})`);
  // JSON carries the row's dates as ISO strings; the tables format either.
  return { rows: json.data as MemberRow[], total: json.meta.total, skip: json.meta.skip, take: json.meta.take };
}

/**
 * The results of a private search (an email or phone number, see PrivateSearchProvider), rendered like the
 * page's own list: the members list, or a segment's members (`segment`). Nothing while no private search runs.
 */
export function PrivateMemberResults({
  now,
  segment,
}: {
  now: string;
  segment?: { id: string; memberCount: number; remove?: (form: FormData) => Promise<void> };
}) {
  const privateSearch = usePrivateSearch();
  const pathname = usePathname();
  const params = flatParams(Object.fromEntries(useSearchParams()));
  const listParams = Object.fromEntries(Object.entries(params).filter(([key]) => LIST_PARAMS.includes(key)));
  const q = privateSearch?.query ?? null;
  const body = { ...listParams, q, ...(segment ? { segmentId: segment.id } : {}) };
  const search = useQuery({ queryKey: ['private-member-search', body], queryFn: () => searchByBody(body), enabled: q !== null, staleTime: 0 });
  if (q === null) return null;

  const sort = params.sort ?? 'relevance';
  const dir = params.dir === 'asc' || params.dir === 'desc' ? params.dir : sort === 'name' ? 'asc' : 'desc';
  const page = search.data;
  const count = page
    ? segment
      ? `${formatCount(page.total)} of ${formatCount(segment.memberCount)}`
      : `${formatCount(page.total)} ${page.total === 1 ? 'person' : 'people'}`
    : 'Searching…';

  return (
    <div className="space-y-3" aria-busy={search.isFetching}>
      <p className="text-right text-sm text-zinc-500 tabular" data-testid="result-count">
        {count}
      </p>
      {search.isError ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {search.error.message}
        </p>
      ) : page && page.rows.length > 0 ? (
        <>
          {segment ? (
            <SegmentMembersTable
              rows={page.rows}
              now={new Date(now)}
              remove={
                segment.remove &&
                (async (form) => {
                  await segment.remove!(form);
                  await search.refetch();
                })
              }
            />
          ) : (
            <MembersTable rows={page.rows} params={listParams} sort={sort} dir={dir} now={new Date(now)} />
          )}
          <Pagination pathname={pathname} params={listParams} skip={page.skip} take={page.take} total={page.total} />
        </>
      ) : page ? (
        <EmptyState icon={<SearchX className="size-8" />} title={`No one ${segment ? 'in this segment ' : ''}matches “${q}”`}>
          Emails match in full, phone numbers in any format (082 123 4567 or +27821234567). Check for a typo, or loosen
          a filter.
        </EmptyState>
      ) : null}
    </div>
  );
}
