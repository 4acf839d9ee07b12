import { Skeleton } from '@/components/ui/skeleton';

export default function Loading() {
  return (
    <div className="space-y-4" role="status" aria-label="Loading member">
      <Skeleton className="h-20 w-full" />
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-[16rem_minmax(0,1fr)_18rem] xl:grid-cols-[18rem_minmax(0,1fr)_20rem]">
        <div className="space-y-3"><Skeleton className="h-40" /><Skeleton className="h-32" /></div>
        <div className="space-y-2">{Array.from({ length: 8 }, (_, i) => <Skeleton key={i} className="h-10" />)}</div>
        <div className="space-y-3"><Skeleton className="h-24" /><Skeleton className="h-48" /></div>
      </div>
    </div>
  );
}
