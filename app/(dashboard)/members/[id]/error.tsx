'use client';

import { ErrorPanel } from '@/components/ui/error-panel';

export default function MemberError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorPanel what="This member" error={error} reset={reset} back={{ href: '/members', label: 'Back to Members' }} />;
}
