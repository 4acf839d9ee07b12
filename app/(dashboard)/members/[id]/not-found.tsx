import Link from 'next/link';
import { buttonClass } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';

export default function MemberNotFound() {
  return (
    <EmptyState
      title="No such member in this club"
      action={<Link href="/members" className={buttonClass.secondary}>Search members</Link>}
    >
      The link may be for another club, or the record was erased. If you work for several clubs, switch club at the top
      right and try again.
    </EmptyState>
  );
}
