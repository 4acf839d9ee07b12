import { GitMerge } from 'lucide-react';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { formatDate, humanize, relativeTime } from '@/components/format';
import { churnSwatch, engagementSwatch } from '@/components/palette';
import { DuplicatesPanel } from '@/components/profile/duplicates-panel';
import { IdentityPanel } from '@/components/profile/identity-panel';
import { ScoreHistory } from '@/components/profile/score-history';
import { ScorePanel } from '@/components/profile/score-panel';
import { Timeline } from '@/components/timeline/timeline';
import { Badge, Tag } from '@/components/ui/badge';
import { Card } from '@/components/ui/page-header';
import { getProfile } from '@/server/queries/profile';
import { listActivities, timelineFacets } from '@/server/queries/timeline';
import { pageContext } from '../../page-context';
import { dismissDuplicateAction, mergeDuplicateAction } from './actions';

export const metadata: Metadata = { title: 'Member' };

/** The contact record (HubSpot's three columns): who they are · what they did · what they belong to and why. */
export default async function MemberPage({ params }: { params: Promise<{ id: string }> }) {
  const { viewer, inTenant, timeZone, now } = await pageContext('profiles.read');
  const { id } = await params;
  const p = await inTenant((db) => getProfile(db, { tenantId: viewer.tenantId, id }));
  if (!p) notFound();
  const [firstPage, facets] = await Promise.all([
    inTenant((db) => listActivities(db, { tenantId: viewer.tenantId, profileId: id, take: 50 })),
    inTenant((db) => timelineFacets(db, { tenantId: viewer.tenantId, profileId: id })),
  ]);
  const can = (perm: Parameters<typeof viewer.permissions.includes>[0]) => viewer.permissions.includes(perm);

  return (
    <div className="space-y-4">
      {p.status === 'MERGED' && p.mergedIntoId && (
        <div className="flex items-center gap-2 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          <GitMerge aria-hidden className="size-4" />
          This record was merged into another person.
          <Link href={`/members/${p.mergedIntoId}`} className="font-medium underline">Open the current record</Link>
        </div>
      )}
      <header className="flex items-start justify-between gap-4 rounded-lg border border-zinc-200 bg-white px-4 py-3">
        <div className="min-w-0 flex-1">
          <h1 className="line-clamp-2 text-xl font-semibold break-words text-zinc-900" title={p.name}>{p.name}</h1>
          <div className="mt-1 flex flex-wrap items-center gap-1.5 text-xs text-zinc-600">
            <Tag>{humanize(p.lifecycleStage)}</Tag>
            {p.membershipTier && <Tag>{p.membershipTier}</Tag>}
            <Tag>{humanize(p.status)}</Tag>
            {p.membershipStatus && <span>Membership {humanize(p.membershipStatus).toLowerCase()}</span>}
            {p.handicap != null && <span>· Handicap {p.handicap.toFixed(1)}</span>}
            {p.homeClubName && <span className="truncate">· {p.homeClubName}</span>}
            {p.memberSince && <span>· Member since {formatDate(p.memberSince, timeZone)}</span>}
            <span>· Last seen {relativeTime(p.lastActivityAt, now)}</span>
          </div>
        </div>
        <div className="flex shrink-0 gap-6" data-testid="scores">
          <div className="text-right">
            <p className="text-xs text-zinc-500">Engagement</p>
            <p className="text-2xl font-semibold text-zinc-900 tabular">{p.engagementScore ?? '—'}</p>
            <Badge swatch={engagementSwatch(p.engagementLevel)} />
          </div>
          <div className="text-right">
            <p className="text-xs text-zinc-500">Churn risk</p>
            <p className="text-2xl font-semibold text-zinc-900 tabular">{p.churnRiskScore ?? '—'}</p>
            <Badge swatch={churnSwatch(p.churnRiskLevel)} />
          </div>
        </div>
      </header>

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-[16rem_minmax(0,1fr)_18rem] xl:grid-cols-[18rem_minmax(0,1fr)_20rem]">
        <IdentityPanel p={p} timeZone={timeZone} />
        <div className="min-w-0">
          <Timeline
            profileId={p.id}
            timeZone={timeZone}
            types={facets.types}
            total={facets.total}
            canTrace={can('queue.read')}
            firstPage={{
              rows: (firstPage?.rows ?? []).map((r) => ({ ...r, occurredAt: r.occurredAt.toISOString() })),
              nextCursor: firstPage?.nextCursor ?? null,
            }}
          />
        </div>
        <div className="space-y-3">
          <Card title={`Segments · ${p.segments.length}`}>
            {p.segments.length === 0 ? (
              <p className="text-sm text-zinc-500">In no segment yet. Segments pick people up as soon as they match.</p>
            ) : (
              <ul className="space-y-1.5">
                {p.segments.map((s) => (
                  <li key={s.segmentId} className="flex items-baseline justify-between gap-2 text-sm">
                    <Link href={`/segments/${s.segmentId}`} className="truncate text-zinc-800 hover:underline" title={s.name}>{s.name}</Link>
                    <span className="shrink-0 text-xs text-zinc-500" title={formatDate(s.joinedAt, timeZone)}>
                      joined {relativeTime(s.joinedAt, now)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </Card>
          <ScorePanel engagement={p.scores.engagement} churn={p.scores.churn} now={now} />
          <Card title="Scores, last 90 days">
            <ScoreHistory timeZone={timeZone} points={p.scoreHistory.map((h) => ({ ...h, scoredAt: h.scoredAt.toISOString() }))} />
          </Card>
          <Card title="Possible duplicates">
            <DuplicatesPanel
              candidates={p.duplicateCandidates}
              canResolve={can('duplicates.resolve')}
              merge={mergeDuplicateAction}
              dismiss={dismissDuplicateAction}
            />
          </Card>
          <Card title="Merge history">
            {p.merges.length === 0 ? (
              <p className="text-sm text-zinc-500">Never merged.</p>
            ) : (
              <ul className="space-y-2 text-sm">
                {p.merges.map((m) => (
                  <li key={m.id}>
                    {m.winnerId === p.id ? 'Absorbed ' : 'Merged into '}
                    <Link className="font-medium hover:underline" href={`/members/${m.winnerId === p.id ? m.loserId : m.winnerId}`}>{m.otherName}</Link>
                    <span className="block text-xs text-zinc-500">
                      {formatDate(m.mergedAt, timeZone)} · {m.mergedBy === 'system' ? 'automatic' : 'by staff'} · {m.reason}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
      </div>
    </div>
  );
}
