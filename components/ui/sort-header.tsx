import Link from 'next/link';
import { hrefWith } from '../url';

/** A column header that sorts by its column; clicking the active column flips the direction. */
export function SortHeader({
  label,
  column,
  pathname,
  params,
  sort,
  dir,
  defaultDir = 'desc',
  className = '',
}: {
  label: string;
  column: string;
  pathname: string;
  params: Record<string, string>;
  sort: string;
  dir: 'asc' | 'desc';
  defaultDir?: 'asc' | 'desc';
  className?: string;
}) {
  const active = sort === column;
  const nextDir = active ? (dir === 'asc' ? 'desc' : 'asc') : defaultDir;
  return (
    <th scope="col" aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'} className={className}>
      <Link
        prefetch={false}
        href={hrefWith(pathname, params, { sort: column, dir: nextDir })}
        className={`inline-flex items-center gap-1 hover:text-zinc-900 ${active ? 'text-zinc-900' : ''}`}
      >
        {label}
        <span aria-hidden className="text-[10px]">
          {active ? (dir === 'asc' ? '▲' : '▼') : ''}
        </span>
      </Link>
    </th>
  );
}
