import { NextResponse } from 'next/server';
import { requireViewer } from '@/server/auth/viewer';
import { db } from '@/server/db/client';
import { withTenant } from '@/server/db/scope';
import { getQueueHealth } from '@/server/queries/queue-health';

export const dynamic = 'force-dynamic';

/** Queue health for the page's auto-refresh. */
export async function GET() {
  const viewer = await requireViewer('queue.read');
  const health = await withTenant(db(), viewer.tenantId, (tx) => getQueueHealth(tx, { tenantId: viewer.tenantId }));
  return NextResponse.json(health, {
    headers: { 'cache-control': 'no-store' },
  });
}
