import { Download, ShieldCheck, TrendingDown } from 'lucide-react';
import type { Metadata } from 'next';
import Link from 'next/link';
import { ChurnTable } from '@/components/churn/churn-table';
import { DistributionChart } from '@/components/churn/distribution-chart';
import { formatCount, humanize } from '@/components/format';
import { buttonClass } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { FilterSelect } from '@/components/ui/filter-select';
import { Card, PageHeader } from '@/components/ui/page-header';
import { Pagination } from '@/components/ui/pagination';
import { flatParams, hrefWith, type RawSearchParams } from '@/components/url';
import { CHURN_LEVELS } from '@/server/db/schema';
import { churnDistribution, churnListSchema, listChurnRisk } from '@/server/queries/churn';
import { listTiers } from '@/server/queries/members';
import { pageContext } from '../page-context';

export const metadata: Metadata = { title: 'Churn risk' };

const CONSENT_OPTIONS = [
  { value: 'email', label: 'Email opted in' },
  { value: 'sms', label: 'SMS opted in' },
  { value: 'whatsapp', label: 'WhatsApp opted in' },
  { value: 'none', label: 'No consent' },
];

export default async function ChurnRiskPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const { viewer, inTenant, timeZone, now } = await pageContext('churn.read');
  const params = flatParams(await searchParams);
  const parsed = churnListSchema.safeParse(params);
  const query = parsed.success ? parsed.data : churnListSchema.parse({});
  const [result, days, tiers] = await Promise.all([
    inTenant((db) => listChurnRisk(db, { tenantId: viewer.tenantId, now, ...query })),
    inTenant((db) => churnDistribution(db, { tenantId: viewer.tenantId, days: 90, timeZone, now })),
    inTenant((db) => listTiers(db, { tenantId: viewer.tenantId })),
  ]);
  const canExport = viewer.permissions.includes('segments.export');
  const filtered = Boolean(query.level || query.tier || query.consent || query.risen);
  const today = days.at(-1);
  const atRisk = today ? today.HIGH + today.CRITICAL : 0;

  return (
    <div className="space-y-4">
      <PageHeader
        title="Churn risk"
        subtitle="Who may be drifting away, and why — ranked by risk score, with the change over the last 7 days."
        actions={
          canExport && (
            <a href={hrefWith('/churn-risk/export', params, {})} className={buttonClass.secondary} download>
              <Download aria-hidden className="size-4" /> Export CSV
            </a>
          )
        }
      />
      <Card title="Risk levels, last 90 days" actions={<span className="text-xs text-zinc-500">{formatCount(atRisk)} high or critical today</span>}>
        <DistributionChart days={days} />
      </Card>
      <div className="flex flex-wrap items-center gap-2">
        <FilterSelect name="level" label="Level" options={CHURN_LEVELS.map((l) => ({ value: l, label: humanize(l) }))} />
        <FilterSelect name="tier" label="Tier" options={tiers.map((t) => ({ value: t, label: t }))} />
        <FilterSelect name="consent" label="Consent" options={CONSENT_OPTIONS} />
        <Link
          href={hrefWith('/churn-risk', params, { risen: query.risen ? null : 'true' })}
          aria-pressed={Boolean(query.risen)}
          className={`inline-flex items-center gap-1 rounded-full px-2.5 py-1 text-xs ring-1 ring-inset ${
            query.risen ? 'bg-indigo-50 text-indigo-800 ring-indigo-200' : 'bg-white text-zinc-600 ring-zinc-300 hover:bg-zinc-50'
          }`}
        >
          <TrendingDown aria-hidden className="size-3.5 rotate-180" /> Risen this week
        </Link>
        {filtered && (
          <Link href="/churn-risk" className="text-xs text-zinc-500 hover:text-zinc-800 hover:underline">Clear all</Link>
        )}
        <span className="ml-auto text-sm text-zinc-500 tabular">{result.totalExact ? '' : '≈ '}{formatCount(result.total)} {result.total === 1 ? 'person' : 'people'}</span>
      </div>
      {result.rows.length > 0 ? (
        <>
          <ChurnTable rows={result.rows} params={params} sort={query.sort} dir={query.dir} now={now} />
          <Pagination pathname="/churn-risk" params={params} skip={result.skip} take={result.take} total={result.total} />
        </>
      ) : filtered ? (
        <EmptyState icon={<ShieldCheck className="size-8" />} title="No one matches these filters"
          action={<Link href="/churn-risk" className={buttonClass.secondary}>Clear filters</Link>}>
          Good news if you were looking for risen scores: nobody&apos;s risk went up this week with these filters.
        </EmptyState>
      ) : (
        <EmptyState icon={<ShieldCheck className="size-8" />} title="No churn scores yet">
          Scores are computed as events arrive and in the nightly sweep. Once members have bookings, payments or
          messages on record, they are ranked here.
        </EmptyState>
      )}
    </div>
  );
}
