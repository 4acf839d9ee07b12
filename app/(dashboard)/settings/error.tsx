'use client';

import { ErrorPanel } from '@/components/ui/error-panel';

export default function SettingsError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <ErrorPanel what="Settings" error={error} reset={reset} />;
}
