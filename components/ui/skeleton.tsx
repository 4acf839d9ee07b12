/** Grey placeholders in the shape of what is coming: a page never flashes blank or spins. */
export function Skeleton({ className = '' }: { className?: string }) {
  return <div aria-hidden className={`animate-pulse rounded bg-zinc-200/70 ${className}`} />;
}

export function TableSkeleton({ rows = 10, columns = 6 }: { rows?: number; columns?: number }) {
  return (
    <div role="status" aria-label="Loading" className="overflow-hidden rounded-lg border border-zinc-200 bg-white">
      <div className="flex gap-4 border-b border-zinc-200 bg-zinc-50 px-3 py-2">
        {Array.from({ length: columns }, (_, i) => (
          <Skeleton key={i} className="h-3 flex-1" />
        ))}
      </div>
      {Array.from({ length: rows }, (_, r) => (
        <div key={r} className="flex gap-4 border-b border-zinc-100 px-3 py-2.5 last:border-0">
          {Array.from({ length: columns }, (_, i) => (
            <Skeleton key={i} className={`h-3 flex-1 ${i === 0 ? 'max-w-48' : ''}`} />
          ))}
        </div>
      ))}
    </div>
  );
}

export function PageSkeleton({ title = true }: { title?: boolean }) {
  return (
    <div className="space-y-4">
      {title && <Skeleton className="h-6 w-48" />}
      <Skeleton className="h-9 w-full max-w-2xl" />
      <TableSkeleton />
    </div>
  );
}
