import { Readable } from 'node:stream';
import { writeAudit } from '@/server/admin/audit';
import { apiRoute, otherMethods, paginate, requirePermission } from '@/server/api/handler';
import { endpoints } from '@/server/api/v1/endpoints';
import { segmentMembersCsv } from '@/server/segments/export';
import { getSegment, listSegmentMembers } from '@/server/segments/service';

export const GET = apiRoute(endpoints.listSegmentMembers, async ({ db, rt, principal, params, query }) => {
  const tenantId = principal.tenantId;
  if (query.format === 'json') {
    return paginate(await listSegmentMembers(db, { tenantId, segmentId: params.id, ...query }), query);
  }

  requirePermission(principal, endpoints.listSegmentMembers.csv.permission);
  // Checked before streaming starts: once the first byte is sent the status can no longer become 404.
  const segment = await getSegment(db, { tenantId, segmentId: params.id });
  // A file of personal data leaves the system: record who took it.
  await writeAudit(db, {
    tenantId,
    actor: { id: `${principal.kind}:${principal.id}`, label: principal.label },
    action: 'segment.exported',
    target: `segment:${segment.id}`,
    details: { name: segment.name, memberCount: segment.memberCount },
  });
  // Streamed after this handler's transaction has committed: the stream reads page by page in its own.
  const csv = segmentMembersCsv(rt.db, { tenantId, segmentId: segment.id });
  const slug = segment.name.replace(/[^\w-]+/g, '-').replace(/^-+|-+$/g, '').toLowerCase() || 'segment';
  const filename = `${slug}-members.csv`;
  return new Response(Readable.toWeb(csv) as ReadableStream<Uint8Array>, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${filename}"`,
    },
  });
});

export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods('GET');
