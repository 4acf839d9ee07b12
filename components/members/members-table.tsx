import Link from 'next/link';
import type { MemberRow } from '@/server/queries/members';
import { Badge, Tag } from '../ui/badge';
import { SortHeader } from '../ui/sort-header';
import { table } from '../ui/table';
import { formatPhone, humanize, relativeTime } from '../format';
import { churnSwatch, engagementSwatch } from '../palette';

/** The members list: dense, sortable, every row a link reachable with j/k and opened with Enter. */
export function MembersTable({
  rows,
  params,
  sort,
  dir,
  now,
}: {
  rows: MemberRow[];
  params: Record<string, string>;
  sort: string;
  dir: 'asc' | 'desc';
  now: Date;
}) {
  const sortProps = { pathname: '/members', params, sort, dir };
  return (
    <div className={table.wrap}>
      <table className={table.table}>
        <colgroup>
          <col className="w-[22%]" />
          <col className="w-[26%]" />
          <col className="w-[9%]" />
          <col className="w-[10%]" />
          <col className="w-[11%]" />
          <col className="w-[11%]" />
          <col className="w-[11%]" />
        </colgroup>
        <thead className={table.thead}>
          <tr>
            <SortHeader label="Name" column="name" defaultDir="asc" className={table.th} {...sortProps} />
            <th scope="col" className={table.th}>Email / phone</th>
            <th scope="col" className={table.th}>Tier</th>
            <th scope="col" className={table.th}>Stage</th>
            <SortHeader label="Engagement" column="engagementScore" className={table.th} {...sortProps} />
            <SortHeader label="Churn risk" column="churnRiskScore" className={table.th} {...sortProps} />
            <SortHeader label="Last seen" column="lastActivityAt" className={table.th} {...sortProps} />
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} className={table.tr}>
              <td className={`${table.td} truncate`}>
                <Link prefetch={false} href={`/members/${r.id}`} data-row-link className={table.rowLink} title={r.name}>
                  {r.name}
                </Link>
                {r.status !== 'ACTIVE' && <span className="ml-2 text-xs text-zinc-400">{humanize(r.status)}</span>}
              </td>
              <td className={`${table.td} truncate text-zinc-600`} title={[r.email, r.phoneNumber].filter(Boolean).join(' · ')}>
                {r.email ?? <span className="text-zinc-400">no email</span>}
                {r.phoneNumber && <span className="text-zinc-400"> · {formatPhone(r.phoneNumber)}</span>}
              </td>
              <td className={table.td}>{r.membershipTier ? <Tag>{r.membershipTier}</Tag> : <span className="text-zinc-400">—</span>}</td>
              <td className={`${table.td} truncate`}>{humanize(r.lifecycleStage)}</td>
              <td className={`${table.td} tabular`}>
                {r.engagementScore == null ? (
                  <span className="text-zinc-400">not scored</span>
                ) : (
                  <Badge swatch={engagementSwatch(r.engagementLevel)}>
                    {r.engagementScore} {engagementSwatch(r.engagementLevel).label}
                  </Badge>
                )}
              </td>
              <td className={`${table.td} tabular`}>
                {r.churnRiskScore == null ? (
                  <span className="text-zinc-400">not scored</span>
                ) : (
                  <Badge swatch={churnSwatch(r.churnRiskLevel)}>
                    {r.churnRiskScore} {churnSwatch(r.churnRiskLevel).label}
                  </Badge>
                )}
              </td>
              <td className={`${table.td} truncate text-zinc-600`} title={r.lastActivityType ? humanize(r.lastActivityType) : undefined}>
                {relativeTime(r.lastActivityAt, now)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
