import { StatusPage } from '@/components/ui/status-page';

/** Rendered (with status 403) when requireViewer / requireActionPermission call Next's forbidden(). */
export default function Forbidden() {
  return (
    <StatusPage status={403} title="You do not have access to this page">
      Your role in this club does not include it. Ask a club administrator if you need it, or switch to another club.
    </StatusPage>
  );
}
