'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import type {
  ImportOutcome,
  Outcome,
  PersonHit,
  PreviewResult,
  SaveRefusal,
  SegmentDraft,
} from '@/components/segments/types';
import { writeAudit } from '@/server/admin/audit';
import type { Viewer } from '@/server/auth/viewer';
import { requireActionPermission } from '@/server/auth/viewer';
import { db } from '@/server/db/client';
import { withTenant } from '@/server/db/scope';
import { searchMembers } from '@/server/queries/members';
import { SegmentError } from '@/server/segments/errors';
import { createSegment, deleteSegment, getSegment, previewSegment, updateSegment } from '@/server/segments/service';
import { addStaticMembers, importStaticSegment, removeStaticMembers } from '@/server/segments/static';
import { queueRecompute } from './recompute-queue';

/**
 * The segment pages' server actions. Each checks the permission and the request's origin first
 * (requireActionPermission), works inside the viewer's club only, and answers in words a person can act on.
 */

const PREVIEW_SAMPLE = 8;
/** Server actions accept bodies up to 1 MB; the form says so too. */
const MAX_IMPORT_BYTES = 1_000_000;

const actor = (viewer: Viewer) => ({ id: viewer.userId, label: viewer.email });

/** The live count of the builder: how many people the (possibly unfinished) rules select right now. */
export async function previewCriteriaAction(criteria: unknown): Promise<PreviewResult> {
  const viewer = await requireActionPermission('segments.write');
  try {
    const { count, sample } = await withTenant(db(), viewer.tenantId, (tx) =>
      previewSegment(tx, { tenantId: viewer.tenantId, criteria, now: new Date(), sampleSize: PREVIEW_SAMPLE }),
    );
    return {
      ok: true,
      count,
      sample: sample.map((p) => ({
        id: p.id,
        name: p.displayName || p.email || 'Unnamed person',
        email: p.email,
        membershipTier: p.membershipTier,
        handicap: p.handicap,
      })),
    };
  } catch (error) {
    if (error instanceof SegmentError && error.code === 'invalid_criteria') return { ok: false, errors: error.errors };
    throw error;
  }
}

const draftSchema = z.object({
  segmentId: z.uuid().optional(),
  name: z.string().trim().min(1, 'Give the segment a name.').max(120, 'Keep the name to 120 characters.'),
  description: z
    .string()
    .trim()
    .max(1000, 'Keep the description to 1,000 characters.')
    .transform((d) => d || null),
  type: z.enum(['DYNAMIC', 'STATIC'], { error: 'Choose rules or a hand-picked list.' }),
  criteria: z.unknown().optional(),
});

function refusal(partial: Partial<Omit<SaveRefusal, 'ok'>>): SaveRefusal {
  return { ok: false, message: null, fieldErrors: {}, ruleErrors: [], ...partial };
}

function refusalFor(error: SegmentError): SaveRefusal {
  switch (error.code) {
    case 'invalid_criteria':
      return refusal({ message: 'Some rules need attention: see the notes in red.', ruleErrors: error.errors });
    case 'name_taken':
      return refusal({ fieldErrors: { name: `${error.message}. Choose another name.` } });
    case 'not_found':
      return refusal({ message: 'This segment no longer exists: someone may have deleted it. Go back to Segments.' });
    default:
      return refusal({ message: error.message });
  }
}

/**
 * Creates or changes a segment. Refusals come back with the field or rule they concern; on success a changed
 * definition is queued for a full recompute and the browser goes to the segment's page.
 */
export async function saveSegmentAction(draft: SegmentDraft): Promise<SaveRefusal> {
  const viewer = await requireActionPermission('segments.write');
  const parsed = draftSchema.safeParse(draft);
  if (!parsed.success) {
    const fieldErrors: SaveRefusal['fieldErrors'] = {};
    for (const issue of parsed.error.issues) {
      const key = issue.path[0];
      if (key === 'name' || key === 'description' || key === 'type') fieldErrors[key] ??= issue.message;
    }
    return refusal({ fieldErrors, message: Object.keys(fieldErrors).length ? null : 'The form could not be read. Reload the page.' });
  }
  const form = parsed.data;
  let saved;
  try {
    saved = await withTenant(db(), viewer.tenantId, async (tx) => {
      const write = form.segmentId
        ? await updateSegment(tx, {
            tenantId: viewer.tenantId,
            segmentId: form.segmentId,
            name: form.name,
            description: form.description,
            ...(form.type === 'DYNAMIC' ? { criteria: form.criteria ?? null } : {}),
          })
        : await createSegment(tx, {
            tenantId: viewer.tenantId,
            name: form.name,
            description: form.description,
            type: form.type,
            criteria: form.type === 'DYNAMIC' ? (form.criteria ?? null) : undefined,
            createdBy: viewer.email,
          });
      await writeAudit(tx, {
        tenantId: viewer.tenantId,
        actor: actor(viewer),
        action: form.segmentId ? 'segment.updated' : 'segment.created',
        target: `segment:${write.segment.id}`,
        details: { name: write.segment.name, type: write.segment.type, rulesChanged: write.needsRecompute },
      });
      return write;
    });
  } catch (error) {
    if (error instanceof SegmentError) return refusalFor(error);
    throw error;
  }
  const { segment, needsRecompute } = saved;
  let queued = true;
  if (needsRecompute) queued = await queueRecompute({ tenantId: viewer.tenantId, segmentId: segment.id });
  revalidatePath('/segments');
  revalidatePath(`/segments/${segment.id}`);
  redirect(queued ? `/segments/${segment.id}` : `/segments/${segment.id}?recompute=failed`);
}

/** Deletes a segment (never a built-in one) and goes back to the list. */
export async function deleteSegmentAction(segmentId: string): Promise<Outcome> {
  const viewer = await requireActionPermission('segments.write');
  try {
    await withTenant(db(), viewer.tenantId, async (tx) => {
      const segment = await getSegment(tx, { tenantId: viewer.tenantId, segmentId });
      await deleteSegment(tx, { tenantId: viewer.tenantId, segmentId });
      await writeAudit(tx, {
        tenantId: viewer.tenantId,
        actor: actor(viewer),
        action: 'segment.deleted',
        target: `segment:${segment.id}`,
        details: { name: segment.name, type: segment.type, memberCount: segment.memberCount },
      });
    });
  } catch (error) {
    if (error instanceof SegmentError) return { ok: false, message: error.message };
    throw error;
  }
  revalidatePath('/segments');
  redirect('/segments');
}

/** Recounts a rule-based segment now (after a failed run, or when queueing after a save did not work). */
export async function recomputeNowAction(segmentId: string): Promise<Outcome> {
  const viewer = await requireActionPermission('segments.write');
  try {
    const segment = await withTenant(db(), viewer.tenantId, (tx) => getSegment(tx, { tenantId: viewer.tenantId, segmentId }));
    if (segment.type !== 'DYNAMIC') return { ok: false, message: 'A hand-picked list has no rules to recount.' };
  } catch (error) {
    if (error instanceof SegmentError) return { ok: false, message: error.message };
    throw error;
  }
  const queued = await queueRecompute({ tenantId: viewer.tenantId, segmentId }, { immediately: true });
  revalidatePath(`/segments/${segmentId}`);
  return queued
    ? { ok: true, message: 'Recount queued.' }
    : { ok: false, message: 'The background queue cannot be reached. Try again in a minute, or ask an admin to check Queue health.' };
}

/** People to add to a hand-picked list: the members search, a handful of results. */
export async function findPeopleAction(query: string): Promise<PersonHit[]> {
  const viewer = await requireActionPermission('segments.write');
  const q = query.trim().slice(0, 200);
  if (!q) return [];
  const { rows } = await withTenant(db(), viewer.tenantId, (tx) => searchMembers(tx, { tenantId: viewer.tenantId, q, take: 8 }));
  return rows.map((r) => ({ id: r.id, name: r.name, email: r.email, membershipTier: r.membershipTier }));
}

export async function addStaticMembersAction(segmentId: string, profileIds: string[]): Promise<Outcome> {
  const viewer = await requireActionPermission('segments.write');
  try {
    const { added, notFound } = await withTenant(db(), viewer.tenantId, (tx) =>
      addStaticMembers(tx, { tenantId: viewer.tenantId, segmentId, profileIds }),
    );
    revalidatePath(`/segments/${segmentId}`);
    if (notFound.length > 0) return { ok: false, message: 'That person is no longer in this club’s records.' };
    return { ok: true, message: added > 0 ? 'Added to the list.' : 'Already on the list.' };
  } catch (error) {
    if (error instanceof SegmentError) return { ok: false, message: error.message };
    throw error;
  }
}

/** The "Remove" button of a member row (a plain form, so it works before the page's scripts load). */
export async function removeStaticMemberAction(segmentId: string, form: FormData): Promise<void> {
  const viewer = await requireActionPermission('segments.write');
  const profileId = String(form.get('profileId') ?? '');
  await withTenant(db(), viewer.tenantId, (tx) => removeStaticMembers(tx, { tenantId: viewer.tenantId, segmentId, profileIds: [profileId] }));
  revalidatePath(`/segments/${segmentId}`);
}

/** Imports a CSV of emails or SCL member numbers into a hand-picked list and reports the rows that matched nobody. */
export async function importStaticCsvAction(segmentId: string, form: FormData): Promise<ImportOutcome> {
  const viewer = await requireActionPermission('segments.write');
  const file = form.get('file');
  if (!(file instanceof File) || file.size === 0) return { ok: false, message: 'Choose a CSV file to import.' };
  if (file.size > MAX_IMPORT_BYTES) {
    return { ok: false, message: 'The file is larger than 1 MB. Split it into smaller files and import them one after another.' };
  }
  const replace = form.get('replace') === 'on';
  try {
    const report = await withTenant(db(), viewer.tenantId, async (tx) => {
      const result = await importStaticSegment(tx, { tenantId: viewer.tenantId, segmentId, csvText: await file.text(), replace });
      await writeAudit(tx, {
        tenantId: viewer.tenantId,
        actor: actor(viewer),
        action: 'segment.imported',
        target: `segment:${segmentId}`,
        details: { file: file.name.slice(0, 200), replace, matched: result.matched, unmatched: result.unmatched.length, added: result.added, removed: result.removed },
      });
      return result;
    });
    revalidatePath(`/segments/${segmentId}`);
    return { ok: true, rows: report.matched + report.unmatched.length, ...report };
  } catch (error) {
    if (error instanceof SegmentError) return { ok: false, message: error.message };
    throw error;
  }
}
