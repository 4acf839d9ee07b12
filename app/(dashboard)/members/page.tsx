import { SearchX, Users } from 'lucide-react';
import type { Metadata } from 'next';
import Link from 'next/link';
import { MembersTable } from '@/components/members/members-table';
import { PrivateMemberResults } from '@/components/members/private-results';
import { PrivateSearchProvider, UnlessPrivateSearch } from '@/components/members/private-search';
import { SearchBox } from '@/components/members/search-box';
import { formatCount, humanize } from '@/components/format';
import { buttonClass } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { FilterSelect } from '@/components/ui/filter-select';
import { PageHeader } from '@/components/ui/page-header';
import { Pagination } from '@/components/ui/pagination';
import { flatParams, type RawSearchParams } from '@/components/url';
import { CHURN_LEVELS, LIFECYCLE_STAGES, PROFILE_STATUSES } from '@/server/db/schema';
import { listTiers, memberSearchSchema, searchMembers } from '@/server/queries/members';
import { pageContext } from '../page-context';

export const metadata: Metadata = { title: 'Members' };

const CONSENT_OPTIONS = [
  { value: 'email', label: 'Email opted in' },
  { value: 'sms', label: 'SMS opted in' },
  { value: 'whatsapp', label: 'WhatsApp opted in' },
  { value: 'push', label: 'Push opted in' },
  { value: 'none', label: 'No consent' },
];

export default async function MembersPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const { viewer, inTenant, now } = await pageContext('profiles.read');
  const params = flatParams(await searchParams);
  // A hand-edited URL with a bad value falls back to defaults for that value rather than an error page.
  const parsed = memberSearchSchema.safeParse(params);
  const query = parsed.success ? parsed.data : memberSearchSchema.parse({ q: params.q?.slice(0, 200) });
  const [result, tiers] = await Promise.all([
    inTenant((db) => searchMembers(db, { tenantId: viewer.tenantId, ...query })),
    inTenant((db) => listTiers(db, { tenantId: viewer.tenantId })),
  ]);
  const filtered = Boolean(query.q || query.status || query.lifecycleStage || query.tier || query.churnLevel || query.consent);

  return (
    <div>
      <PageHeader
        title="Members"
        subtitle={`Everyone ${viewer.tenantName} knows from SCL, TeeTime and Messaging, in one place.`}
      />
      {/* An email or phone number is searched without entering the URL (see PrivateSearchProvider). */}
      <PrivateSearchProvider>
        <div className="space-y-3">
          <SearchBox autoFocus={params.focus === '1'} />
          <div className="flex flex-wrap items-center gap-2">
            <FilterSelect name="status" label="Status" options={PROFILE_STATUSES.map((s) => ({ value: s, label: humanize(s) }))} />
            <FilterSelect name="lifecycleStage" label="Stage" options={LIFECYCLE_STAGES.map((s) => ({ value: s, label: humanize(s) }))} />
            <FilterSelect name="tier" label="Tier" options={tiers.map((t) => ({ value: t, label: t }))} />
            <FilterSelect name="churnLevel" label="Churn" options={CHURN_LEVELS.map((s) => ({ value: s, label: humanize(s) }))} />
            <FilterSelect name="consent" label="Consent" options={CONSENT_OPTIONS} />
            {filtered && (
              <Link href="/members" className="text-xs text-zinc-500 underline-offset-2 hover:text-zinc-800 hover:underline">
                Clear all
              </Link>
            )}
            <UnlessPrivateSearch>
              <span className="ml-auto text-sm text-zinc-500 tabular" data-testid="result-count">
                {result.totalExact ? '' : '≈ '}
                {formatCount(result.total)} {result.total === 1 ? 'person' : 'people'}
              </span>
            </UnlessPrivateSearch>
          </div>

          <PrivateMemberResults now={now.toISOString()} />
          <UnlessPrivateSearch>
            {result.rows.length > 0 ? (
              <>
                <MembersTable rows={result.rows} params={params} sort={result.sort} dir={result.dir} now={now} />
                <Pagination pathname="/members" params={params} skip={result.skip} take={result.take} total={result.total} />
              </>
            ) : filtered ? (
              <EmptyState
                icon={<SearchX className="size-8" />}
                title={query.q ? `No one matches “${query.q}”` : 'No one matches these filters'}
                action={
                  <Link href="/members" className={buttonClass.secondary}>
                    Clear search and filters
                  </Link>
                }
              >
                Search works on any part of a name, a full email address, a phone number in any format (082 123 4567 or
                +27821234567), an SCL member number or a TeeTime player id. Check the spelling, or loosen a filter.
              </EmptyState>
            ) : (
              <EmptyState icon={<Users className="size-8" />} title="No members yet">
                People appear here as soon as SCL, TeeTime or Messaging send their first events for this club — a new
                member, a booking or a contact. If you expected people here, check Queue health for events that failed.
              </EmptyState>
            )}
          </UnlessPrivateSearch>
        </div>
      </PrivateSearchProvider>
    </div>
  );
}
