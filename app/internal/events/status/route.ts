import { NextResponse, type NextRequest } from 'next/server';
import { requireViewer } from '@/server/auth/viewer';
import { db } from '@/server/db/client';
import { withTenant } from '@/server/db/scope';
import { getEventStatuses } from '@/server/queries/event-trace';

export const dynamic = 'force-dynamic';

/** Current status of a few events (?ids=a,b,c): the retry dialog watches requeued dead letters settle. */
export async function GET(request: NextRequest) {
  const viewer = await requireViewer('queue.read');
  const ids = (request.nextUrl.searchParams.get('ids') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const statuses = await withTenant(db(), viewer.tenantId, (tx) =>
    getEventStatuses(tx, { tenantId: viewer.tenantId, eventIds: ids.slice(0, 200) }),
  );
  return NextResponse.json({ statuses }, { headers: { 'cache-control': 'no-store' } });
}
