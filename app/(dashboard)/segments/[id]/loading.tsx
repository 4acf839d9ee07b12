import { Skeleton, TableSkeleton } from '@/components/ui/skeleton';

export default function Loading() {
  return (
    <div className="space-y-4" role="status" aria-label="Loading segment">
      <Skeleton className="h-6 w-64" />
      <div className="grid gap-4 lg:grid-cols-3">
        <Skeleton className="h-28 lg:col-span-2" />
        <Skeleton className="h-28" />
      </div>
      <Skeleton className="h-56 w-full" />
      <TableSkeleton columns={6} />
    </div>
  );
}
