import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { SegmentBuilder } from '@/components/segments/builder/segment-builder';
import { PageHeader } from '@/components/ui/page-header';
import { listTiers } from '@/server/queries/members';
import { MAX_DEPTH, validateCriteria } from '@/server/segments/criteria';
import { SegmentError } from '@/server/segments/errors';
import { describeFields } from '@/server/segments/fields';
import { getSegment } from '@/server/segments/service';
import { pageContext } from '../../../page-context';
import { previewCriteriaAction, saveSegmentAction } from '../../actions';

export const metadata: Metadata = { title: 'Edit segment' };

export default async function EditSegmentPage({ params }: { params: Promise<{ id: string }> }) {
  const { viewer, inTenant } = await pageContext('segments.write');
  const { id } = await params;
  const [segment, tiers] = await Promise.all([
    inTenant((db) => getSegment(db, { tenantId: viewer.tenantId, segmentId: id })).catch((error: unknown) => {
      if (error instanceof SegmentError && error.code === 'not_found') notFound();
      throw error;
    }),
    inTenant((db) => listTiers(db, { tenantId: viewer.tenantId })),
  ]);
  // Rules that no longer validate (a field since removed from the registry) start again from an empty rule.
  const checked = segment.type === 'DYNAMIC' ? validateCriteria(segment.criteria) : null;
  const criteria = checked?.ok ? checked.criteria : null;

  return (
    <div>
      <nav aria-label="Breadcrumb" className="mb-1 text-xs text-zinc-500">
        <Link href="/segments" className="hover:text-zinc-800 hover:underline">Segments</Link> <span aria-hidden>/</span>{' '}
        <Link href={`/segments/${segment.id}`} className="hover:text-zinc-800 hover:underline">{segment.name}</Link>{' '}
        <span aria-hidden>/</span>
      </nav>
      <PageHeader
        title={`Edit “${segment.name}”`}
        subtitle={
          segment.type === 'DYNAMIC'
            ? 'Changing the rules recounts the whole segment in the background; people who no longer match leave it.'
            : 'A hand-picked list: change its name and description here, its people on the segment page.'
        }
      />
      <SegmentBuilder
        fields={describeFields()}
        suggestions={{ membershipTier: tiers }}
        initial={{
          segmentId: segment.id,
          name: segment.name,
          description: segment.description ?? '',
          type: segment.type,
          criteria,
          isSystem: segment.isSystem,
        }}
        maxDepth={MAX_DEPTH}
        cancelHref={`/segments/${segment.id}`}
        preview={previewCriteriaAction}
        save={saveSegmentAction}
      />
    </div>
  );
}
