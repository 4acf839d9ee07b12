import { NextResponse, type NextRequest } from 'next/server';
import { requireViewer } from '@/server/auth/viewer';
import { db } from '@/server/db/client';
import { withTenant } from '@/server/db/scope';
import { listActivities } from '@/server/queries/timeline';

export const dynamic = 'force-dynamic';

/** Timeline pages for the profile page's infinite scroll (keyset cursor). Same tenant wall as everything else. */
export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  const viewer = await requireViewer('timeline.read');
  const { id } = await params;
  const q = Object.fromEntries(request.nextUrl.searchParams);
  try {
    const page = await withTenant(db(), viewer.tenantId, (tx) => listActivities(tx, { tenantId: viewer.tenantId, profileId: id, ...q }));
    if (!page) return NextResponse.json({ error: { code: 'not_found', message: 'No such person' } }, { status: 404 });
    return NextResponse.json(page);
  } catch (err) {
    if (err instanceof Error && err.name === 'ZodError') {
      return NextResponse.json({ error: { code: 'invalid_input', message: err.message } }, { status: 400 });
    }
    throw err;
  }
}
