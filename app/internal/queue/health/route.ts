import { NextResponse } from 'next/server';
import { requireViewer } from '@/server/auth/viewer';
import { db } from '@/server/db/client';
import { getQueueHealth } from '@/server/queries/queue-health';

export const dynamic = 'force-dynamic';

/** Queue health for the page's auto-refresh. */
export async function GET() {
  const viewer = await requireViewer('queue.read');
  return NextResponse.json(await getQueueHealth(db(), { tenantId: viewer.tenantId }), {
    headers: { 'cache-control': 'no-store' },
  });
}
