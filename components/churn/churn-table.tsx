import Link from 'next/link';
import type { ChurnRow } from '@/server/queries/churn';
import { ConsentInline } from '../members/consent';
import { formatChange, humanize, relativeTime } from '../format';
import { churnSwatch } from '../palette';
import { Badge, Tag } from '../ui/badge';
import { SortHeader } from '../ui/sort-header';
import { table } from '../ui/table';

/** Churn risk, ranked; the first thing after the name is *why*, one factor per line. */
export function ChurnTable({
  rows,
  params,
  sort,
  dir,
  now,
}: {
  rows: ChurnRow[];
  params: Record<string, string>;
  sort: string;
  dir: 'asc' | 'desc';
  now: Date;
}) {
  const sortProps = { pathname: '/churn-risk', params, sort, dir };
  // Seven columns with badges and the "why" lines: below ~1000 px the table scrolls sideways instead of clipping.
  return (
    <div className={table.wrap}>
      <table className={`${table.table} min-w-[1000px]`}>
        <colgroup>
          <col className="w-[17%]" />
          <col className="w-[31%]" />
          <col className="w-[10%]" />
          <col className="w-[8%]" />
          <col className="w-[9%]" />
          <col className="w-[7%]" />
          <col className="w-[18%]" />
        </colgroup>
        <thead className={table.thead}>
          <tr>
            <SortHeader label="Name" column="name" defaultDir="asc" className={table.th} {...sortProps} />
            <th scope="col" className={table.th}>Why</th>
            <SortHeader label="Risk" column="churnRiskScore" className={table.th} {...sortProps} />
            <SortHeader label="This week" column="change" className={table.th} {...sortProps} />
            <SortHeader label="Last seen" column="lastActivityAt" className={table.th} {...sortProps} />
            <th scope="col" className={table.th}>Tier</th>
            <th scope="col" className={table.th}>Consent</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} className={table.tr}>
              <td className={`${table.td} truncate`}>
                <Link prefetch={false} href={`/members/${r.id}`} data-row-link className={table.rowLink} title={r.name}>{r.name}</Link>
              </td>
              <td className={table.td}>
                {r.factors.length === 0 ? (
                  <span className="text-xs text-zinc-400">No risk factors</span>
                ) : (
                  <ul className="space-y-0.5">
                    {r.factors.slice(0, 3).map((f) => (
                      <li key={f.name} className="truncate text-xs text-zinc-700" title={`${humanize(f.name)}: ${f.explanation}`}>
                        <span className="text-zinc-400">{humanize(f.name)} · </span>{f.explanation}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
              <td className={`${table.td} tabular`}>
                <Badge swatch={churnSwatch(r.churnRiskLevel)}>{r.churnRiskScore} {churnSwatch(r.churnRiskLevel).label}</Badge>
              </td>
              {r.previousScore == null ? (
                <td className={`${table.td} text-xs text-zinc-500`} title="Not scored a week ago">new</td>
              ) : (
                <td className={`${table.td} tabular text-xs ${r.change > 0 ? 'text-red-700' : r.change < 0 ? 'text-emerald-700' : 'text-zinc-400'}`}>
                  {formatChange(r.change)}
                </td>
              )}
              <td className={`${table.td} truncate text-xs text-zinc-600`}>{relativeTime(r.lastActivityAt, now)}</td>
              <td className={table.td}>{r.membershipTier ? <Tag>{r.membershipTier}</Tag> : <span className="text-zinc-400">—</span>}</td>
              <td className={table.td}><ConsentInline flags={r} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
