'use client';

import { ErrorPanel } from '@/components/ui/error-panel';

export default function SegmentError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorPanel what="This segment" error={error} reset={reset} back={{ href: '/segments', label: 'All segments' }} />;
}
