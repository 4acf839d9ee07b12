'use client';

import { ErrorPanel } from '@/components/ui/error-panel';

export default function MembersError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorPanel what="Members" error={error} reset={reset} back={{ href: '/churn-risk', label: 'Go to Churn risk' }} />;
}
