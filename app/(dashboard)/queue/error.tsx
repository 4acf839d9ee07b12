'use client';

import { ErrorPanel } from '@/components/ui/error-panel';

export default function QueueError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorPanel what="Queue health" error={error} reset={reset} />;
}
