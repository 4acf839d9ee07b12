'use client';

import { ErrorPanel } from '@/components/ui/error-panel';

export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorPanel what="This page" error={error} reset={reset} />;
}
