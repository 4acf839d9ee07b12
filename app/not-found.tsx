import type { Metadata } from 'next';
import { StatusPage } from '@/components/ui/status-page';

export const metadata: Metadata = { title: 'Page not found' };

/**
 * An address no page answers (a mistyped or outdated link), with status 404. A member, segment or event that does not
 * exist in the club has its own not-found inside the app's layout.
 */
export default function NotFound() {
  return (
    <StatusPage status={404} title="Page not found">
      Nothing lives at this address. The link may be mistyped or out of date; members, segments, churn risk and queue
      health are all a click away in the CRM.
    </StatusPage>
  );
}
