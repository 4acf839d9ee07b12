import { Skeleton } from '@/components/ui/skeleton';

export default function Loading() {
  return (
    <div className="space-y-4" role="status" aria-label="Loading event trace">
      <Skeleton className="h-20" />
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-[3fr_2fr]"><Skeleton className="h-64" /><Skeleton className="h-64" /></div>
    </div>
  );
}
