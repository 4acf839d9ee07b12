'use client';

import { ErrorPanel } from '@/components/ui/error-panel';

export default function SegmentsError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorPanel what="Segments" error={error} reset={reset} />;
}
