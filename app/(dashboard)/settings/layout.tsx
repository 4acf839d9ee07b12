import type { ReactNode } from 'react';
import { requireViewer } from '@/server/auth/viewer';

/**
 * Checked here, before loading.tsx starts streaming, so a viewer without the permission gets a real 403 status
 * (the page checks again for its data).
 */
export default async function SettingsLayout({ children }: { children: ReactNode }) {
  await requireViewer('users.manage');
  return children;
}
