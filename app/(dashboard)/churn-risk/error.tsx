'use client';

import { ErrorPanel } from '@/components/ui/error-panel';

export default function ChurnError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorPanel what="Churn risk" error={error} reset={reset} />;
}
