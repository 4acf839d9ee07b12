import { Skeleton, TableSkeleton } from '@/components/ui/skeleton';

export default function Loading() {
  return (
    <div className="space-y-4" role="status" aria-label="Loading churn risk">
      <Skeleton className="h-6 w-40" />
      <Skeleton className="h-48 w-full" />
      <TableSkeleton columns={7} />
    </div>
  );
}
