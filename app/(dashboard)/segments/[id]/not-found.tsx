import Link from 'next/link';
import { buttonClass } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';

export default function SegmentNotFound() {
  return (
    <EmptyState
      title="No such segment in this club"
      action={<Link href="/segments" className={buttonClass.secondary}>All segments</Link>}
    >
      It may have been deleted, or the link is for another club. If you work for several clubs, switch club at the top
      right and try again.
    </EmptyState>
  );
}
