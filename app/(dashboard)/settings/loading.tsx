import { Skeleton, TableSkeleton } from '@/components/ui/skeleton';

export default function Loading() {
  return (
    <div className="space-y-4" role="status" aria-label="Loading settings">
      <Skeleton className="h-6 w-32" />
      <TableSkeleton columns={5} rows={4} />
      <TableSkeleton columns={6} rows={3} />
    </div>
  );
}
