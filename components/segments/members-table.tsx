import { UserMinus } from 'lucide-react';
import Link from 'next/link';
import type { MemberRow } from '@/server/queries/members';
import { formatPhone, relativeTime } from '../format';
import { churnSwatch, engagementSwatch } from '../palette';
import { Badge, Tag } from '../ui/badge';
import { table } from '../ui/table';

/**
 * A segment's members: the members list's columns, and for hand-picked lists a Remove button per row (a plain
 * form posting to a server action, carrying the profile id).
 */
export function SegmentMembersTable({
  rows,
  now,
  remove,
}: {
  rows: MemberRow[];
  now: Date;
  remove?: (form: FormData) => Promise<void>;
}) {
  return (
    <div className={table.wrap}>
      <table className={table.table}>
        <colgroup>
          <col className="w-[24%]" />
          <col className="w-[28%]" />
          <col className="w-[10%]" />
          <col className="w-[12%]" />
          <col className="w-[12%]" />
          <col className="w-[10%]" />
          {remove && <col className="w-24" />}
        </colgroup>
        <thead className={table.thead}>
          <tr>
            <th scope="col" className={table.th}>Name</th>
            <th scope="col" className={table.th}>Email / phone</th>
            <th scope="col" className={table.th}>Tier</th>
            <th scope="col" className={table.th}>Engagement</th>
            <th scope="col" className={table.th}>Churn risk</th>
            <th scope="col" className={table.th}>Last seen</th>
            {remove && <th scope="col" className={table.th}><span className="sr-only">Remove</span></th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} className={table.tr}>
              <td className={`${table.td} truncate`}>
                <Link href={`/members/${r.id}`} data-row-link className={table.rowLink} title={r.name}>{r.name}</Link>
              </td>
              <td className={`${table.td} truncate text-zinc-600`} title={[r.email, r.phoneNumber].filter(Boolean).join(' · ')}>
                {r.email ?? <span className="text-zinc-400">no email</span>}
                {r.phoneNumber && <span className="text-zinc-400"> · {formatPhone(r.phoneNumber)}</span>}
              </td>
              <td className={table.td}>{r.membershipTier ? <Tag>{r.membershipTier}</Tag> : <span className="text-zinc-400">—</span>}</td>
              <td className={`${table.td} tabular`}>
                {r.engagementScore == null ? (
                  <span className="text-zinc-400">not scored</span>
                ) : (
                  <Badge swatch={engagementSwatch(r.engagementLevel)}>{r.engagementScore} {engagementSwatch(r.engagementLevel).label}</Badge>
                )}
              </td>
              <td className={`${table.td} tabular`}>
                {r.churnRiskScore == null ? (
                  <span className="text-zinc-400">not scored</span>
                ) : (
                  <Badge swatch={churnSwatch(r.churnRiskLevel)}>{r.churnRiskScore} {churnSwatch(r.churnRiskLevel).label}</Badge>
                )}
              </td>
              <td className={`${table.td} truncate text-zinc-600`}>{relativeTime(r.lastActivityAt, now)}</td>
              {remove && (
                <td className={`${table.td} text-right`}>
                  <form action={remove}>
                    <input type="hidden" name="profileId" value={r.id} />
                    <button
                      type="submit"
                      aria-label={`Remove ${r.name} from this list`}
                      className="inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-xs text-zinc-500 hover:bg-red-50 hover:text-red-700 focus-visible:outline-2 focus-visible:outline-indigo-600"
                    >
                      <UserMinus aria-hidden className="size-3.5" /> Remove
                    </button>
                  </form>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
