import Link from 'next/link';
import type { Segment } from '@/server/db/schema';
import type { SegmentTrend } from '@/server/segments/trends';
import { formatCount, formatDateTime, relativeTime } from '../format';
import { table } from '../ui/table';
import { Sparkline } from './sparkline';
import { SegmentTypeBadge } from './type-badge';

export interface SegmentRow {
  segment: Segment;
  trend: SegmentTrend | undefined;
}

/** Segments with their size, 30-day trend and last change; every name a row link (j/k, Enter). */
export function SegmentTable({
  rows,
  caption,
  now,
  timeZone,
}: {
  rows: SegmentRow[];
  caption: string;
  now: Date;
  timeZone: string;
}) {
  return (
    <div className={table.wrap}>
      <table className={table.table}>
        <caption className="sr-only">{caption}</caption>
        <colgroup>
          <col className="w-[38%]" />
          <col className="w-[11%]" />
          <col className="w-[13%]" />
          <col className="w-[20%]" />
          <col className="w-[18%]" />
        </colgroup>
        <thead className={table.thead}>
          <tr>
            <th scope="col" className={table.th}>Name</th>
            <th scope="col" className={table.th}>Type</th>
            <th scope="col" className={`${table.th} text-right`}>Members</th>
            <th scope="col" className={table.th}>Last 30 days</th>
            <th scope="col" className={table.th}>Last change</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ segment: s, trend }) => (
            <tr key={s.id} className={table.tr}>
              <td className={table.td}>
                <Link href={`/segments/${s.id}`} data-row-link className={`${table.rowLink} block truncate`} title={s.name}>
                  {s.name}
                </Link>
                {s.description && (
                  <p className="truncate text-xs text-zinc-500" title={s.description}>{s.description}</p>
                )}
              </td>
              <td className={table.td}><SegmentTypeBadge segment={s} /></td>
              <td className={`${table.td} text-right tabular`}>
                <span className="font-medium text-zinc-900">{formatCount(trend?.members ?? s.memberCount)}</span>
                {s.recomputeStatus === 'RUNNING' && (
                  <span className="block text-xs text-indigo-700">recounting {s.recomputeProgress} %</span>
                )}
                {s.recomputeStatus === 'FAILED' && <span className="block text-xs text-red-700">recount failed</span>}
              </td>
              <td className={table.td}>
                <Sparkline values={trend?.days.map((d) => d.members) ?? []} days={30} />
              </td>
              <td
                className={`${table.td} truncate text-zinc-600`}
                title={trend?.lastChangeAt ? formatDateTime(trend.lastChangeAt, timeZone) : undefined}
              >
                {trend?.lastChangeAt ? relativeTime(trend.lastChangeAt, now) : <span className="text-zinc-400">no changes yet</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
