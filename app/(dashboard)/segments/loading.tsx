import { Skeleton, TableSkeleton } from '@/components/ui/skeleton';

export default function Loading() {
  return (
    <div className="space-y-4" role="status" aria-label="Loading segments">
      <Skeleton className="h-6 w-40" />
      <TableSkeleton rows={3} columns={5} />
      <TableSkeleton rows={5} columns={5} />
    </div>
  );
}
