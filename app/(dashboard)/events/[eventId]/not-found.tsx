import Link from 'next/link';
import { buttonClass } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';

export default function EventNotFound() {
  return (
    <EmptyState title="No event with this id for this club" action={<Link href="/queue" className={buttonClass.secondary}>Queue health</Link>}>
      The event may not have arrived yet (it is traced once a worker picks it up), may belong to another club, or the id
      is mistyped. Event ids are exact: copy them from the timeline or the dead-letter table.
    </EmptyState>
  );
}
