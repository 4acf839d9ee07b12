import type { Metadata } from 'next';
import Link from 'next/link';
import { SegmentBuilder } from '@/components/segments/builder/segment-builder';
import { PageHeader } from '@/components/ui/page-header';
import { listTiers } from '@/server/queries/members';
import { MAX_DEPTH } from '@/server/segments/criteria';
import { describeFields } from '@/server/segments/fields';
import { pageContext } from '../../page-context';
import { previewCriteriaAction, saveSegmentAction } from '../actions';

export const metadata: Metadata = { title: 'New segment' };

export default async function NewSegmentPage() {
  const { viewer, inTenant } = await pageContext('segments.write');
  const tiers = await inTenant((db) => listTiers(db, { tenantId: viewer.tenantId }));
  return (
    <div>
      <nav aria-label="Breadcrumb" className="mb-1 text-xs text-zinc-500">
        <Link href="/segments" className="hover:text-zinc-800 hover:underline">Segments</Link> <span aria-hidden>/</span>
      </nav>
      <PageHeader
        title="New segment"
        subtitle="Describe who belongs in it; the live count shows how many people match as you go."
      />
      <SegmentBuilder
        fields={describeFields()}
        suggestions={{ membershipTier: tiers }}
        initial={{ name: '', description: '', type: 'DYNAMIC', criteria: null, isSystem: false }}
        maxDepth={MAX_DEPTH}
        cancelHref="/segments"
        preview={previewCriteriaAction}
        save={saveSegmentAction}
      />
    </div>
  );
}
