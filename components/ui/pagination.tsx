import Link from 'next/link';
import { formatCount } from '../format';
import { hrefWith } from '../url';

/** "51–75 of 2,341" with previous/next links that keep every other URL param. */
export function Pagination({
  pathname,
  params,
  skip,
  take,
  total,
}: {
  pathname: string;
  params: Record<string, string>;
  skip: number;
  take: number;
  total: number;
}) {
  if (total === 0) return null;
  const first = skip + 1;
  const last = Math.min(skip + take, total);
  const prev = skip > 0 ? hrefWith(pathname, params, { skip: Math.max(0, skip - take) || null }) : null;
  const next = last < total ? hrefWith(pathname, params, { skip: skip + take }) : null;
  const link = 'rounded-md px-2.5 py-1 ring-1 ring-zinc-300 ring-inset hover:bg-zinc-50';
  const disabled = 'rounded-md px-2.5 py-1 text-zinc-300 ring-1 ring-zinc-200 ring-inset';
  return (
    <nav aria-label="Pagination" className="flex items-center justify-between gap-3 px-1 py-3 text-sm text-zinc-600">
      <span>
        {formatCount(first)}–{formatCount(last)} of {formatCount(total)}
      </span>
      <span className="flex gap-2">
        {prev ? <Link prefetch={false} className={link} href={prev} rel="prev">Previous</Link> : <span className={disabled}>Previous</span>}
        {next ? <Link prefetch={false} className={link} href={next} rel="next">Next</Link> : <span className={disabled}>Next</span>}
      </span>
    </nav>
  );
}
