'use client';

import { ErrorPanel } from '@/components/ui/error-panel';

export default function EventError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorPanel what="This event trace" error={error} reset={reset} back={{ href: '/queue', label: 'Back to Queue health' }} />;
}
