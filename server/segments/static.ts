import { and, eq, sql } from 'drizzle-orm';
import { foldEmail } from '@/server/identity/normalize';
import { z } from 'zod';
import type { Db } from '../db/client';
import { segments } from '../db/schema';
import { applyChanges, type MembershipChange } from './changes';
import { eligibleProfiles } from './compile';
import { parseCsv } from './csv';
import { SegmentError, segmentNotFound } from './errors';

/** STATIC segments: members added and removed by hand or imported from a CSV of emails or SCL member ids. */

const profileIdsSchema = z.array(z.uuid({ error: 'profile ids must be UUIDs' })).max(10_000);

async function requireStaticSegment(tx: Db, tenantId: string, segmentId: string) {
  if (!z.uuid().safeParse(segmentId).success) throw segmentNotFound(segmentId);
  const [segment] = await tx
    .select({ id: segments.id, name: segments.name, type: segments.type })
    .from(segments)
    .where(and(eq(segments.tenantId, tenantId), eq(segments.id, segmentId)));
  if (!segment) throw segmentNotFound(segmentId);
  if (segment.type !== 'STATIC') {
    throw new SegmentError('wrong_type', `Segment "${segment.name}" is defined by rules; members cannot be picked by hand`);
  }
  return segment;
}

function parseProfileIds(ids: string[]): string[] {
  const parsed = profileIdsSchema.safeParse(ids);
  if (!parsed.success) throw new SegmentError('invalid_input', parsed.error.issues[0].message);
  return [...new Set(parsed.data)];
}

export interface StaticMembersInput {
  tenantId: string;
  segmentId: string;
  profileIds: string[];
  at?: Date;
  correlationId?: string | null;
}

/** Adds profiles to a static segment; ids that are not eligible profiles of the tenant come back in `notFound`. */
export async function addStaticMembers(db: Db, input: StaticMembersInput): Promise<{ added: number; notFound: string[] }> {
  const ids = parseProfileIds(input.profileIds);
  return db.transaction(async (tx) => {
    await requireStaticSegment(tx, input.tenantId, input.segmentId);
    const found = await tx.execute<{ id: string }>(sql`
      select id from profiles where ${eligibleProfiles(input.tenantId)} and id = any(${sql.param(ids)}::uuid[])`);
    const foundIds = new Set(found.map((r) => r.id));
    const wanted = [...foundIds].map((profileId) => ({
      segmentId: input.segmentId,
      profileId,
      change: 'ENTERED' as const,
    }));
    const applied = await applyChanges(tx, changeContext(input), wanted);
    return { added: applied.length, notFound: ids.filter((id) => !foundIds.has(id)) };
  });
}

/** Removes profiles from a static segment (ids that are not members are ignored). */
export async function removeStaticMembers(db: Db, input: StaticMembersInput): Promise<{ removed: number }> {
  const ids = parseProfileIds(input.profileIds);
  return db.transaction(async (tx) => {
    await requireStaticSegment(tx, input.tenantId, input.segmentId);
    const wanted = ids.map((profileId) => ({ segmentId: input.segmentId, profileId, change: 'EXITED' as const }));
    const applied = await applyChanges(tx, changeContext(input), wanted);
    return { removed: applied.length };
  });
}

function changeContext(input: { tenantId: string; at?: Date; correlationId?: string | null }) {
  return { tenantId: input.tenantId, at: input.at ?? new Date(), correlationId: input.correlationId ?? null };
}

// ---------------------------------------------------------------------------------------------------------------
// CSV import

const EMAIL_HEADERS = new Set(['email', 'emailaddress', 'mail']);
const MEMBER_ID_HEADERS = new Set([
  'memberid',
  'sclmemberid',
  'membernumber',
  'memberno',
  'membershipnumber',
  'membershipid',
  'sclid',
]);

const headerKey = (cell: string) => cell.toLowerCase().replace(/[^a-z0-9]/g, '');
const looksLikeEmail = (v: string) => /^[^\s@]+@[^\s@]+$/.test(v);
const looksLikeMemberId = (v: string) => /^\d{1,18}$/.test(v);


/** Member ids are numbers in SCL: "000123" and "123" are the same member. */
export function normaliseMemberId(value: string): string {
  return BigInt(value.trim()).toString();
}

/** One data row of the import: what to look the person up by. */
export interface ImportCandidate {
  /** 1-based row number as a spreadsheet shows it (the header, if any, is row 1). */
  row: number;
  /** The text reported when nothing matches. */
  value: string;
  email: string | null;
  memberId: string | null;
}

/**
 * Reads the CSV into lookup candidates. With a header, the columns named like "email" and/or "member id" are used;
 * without one, the first column holds emails or member ids (told apart per value). Blank rows are skipped.
 */
export function readImportCsv(csvText: string): ImportCandidate[] {
  const rows = parseCsv(csvText);
  const first = rows[0] ?? [];
  const emailCol = first.findIndex((c) => EMAIL_HEADERS.has(headerKey(c)));
  const memberCol = first.findIndex((c) => MEMBER_ID_HEADERS.has(headerKey(c)));
  const hasHeader = emailCol >= 0 || memberCol >= 0;
  const firstValue = (first[0] ?? '').trim();
  if (!hasHeader && rows.length > 0 && !looksLikeEmail(firstValue) && !looksLikeMemberId(firstValue)) {
    throw new SegmentError(
      'invalid_input',
      'The CSV needs a column headed "email" or "member id", or a single column of emails or member ids',
    );
  }
  const candidates: ImportCandidate[] = [];
  rows.forEach((cells, index) => {
    if (hasHeader && index === 0) return;
    if (cells.every((c) => c.trim() === '')) return;
    const row = index + 1;
    if (!hasHeader) {
      const value = (cells[0] ?? '').trim();
      candidates.push({
        row,
        value,
        email: looksLikeMemberId(value) ? null : foldEmail(value),
        memberId: looksLikeMemberId(value) ? normaliseMemberId(value) : null,
      });
      return;
    }
    const email = emailCol >= 0 ? (cells[emailCol] ?? '').trim() : '';
    const memberId = memberCol >= 0 ? (cells[memberCol] ?? '').trim() : '';
    candidates.push({
      row,
      value: [memberId, email].filter(Boolean).join(' / '),
      email: email ? foldEmail(email) : null,
      memberId: looksLikeMemberId(memberId) ? normaliseMemberId(memberId) : null,
    });
  });
  return candidates;
}

export interface ImportInput {
  tenantId: string;
  segmentId: string;
  csvText: string;
  /** Replace the member list with the file's people (others exit) instead of adding to it. */
  replace?: boolean;
  at?: Date;
}

export interface ImportReport {
  /** Rows that matched at least one profile. */
  matched: number;
  /** Rows that matched nothing, with the value that was looked up. */
  unmatched: { row: number; value: string }[];
  /** Profiles that joined the segment. */
  added: number;
  /** Profiles that left it (replace only). */
  removed: number;
}

async function lookUp(tx: Db, tenantId: string, candidates: ImportCandidate[]) {
  const memberIds = [...new Set(candidates.flatMap((c) => (c.memberId ? [c.memberId] : [])))];
  const emails = [...new Set(candidates.flatMap((c) => (c.email ? [c.email] : [])))];
  const eligible = eligibleProfiles(tenantId);
  const byMemberId = await tx.execute<{ key: string; profile_id: string }>(sql`
    select i.value as key, i.profile_id from profile_identities i join profiles on profiles.id = i.profile_id
    where i.tenant_id = ${tenantId} and i.kind = 'sclMemberId' and i.value = any(${sql.param(memberIds)}::text[])
      and ${eligible}`);
  // Emails: every alias the identity index knows, and the profile's main email in case it has no identity row.
  const byEmail = await tx.execute<{ key: string; profile_id: string }>(sql`
    select i.value as key, i.profile_id from profile_identities i join profiles on profiles.id = i.profile_id
    where i.tenant_id = ${tenantId} and i.kind = 'email' and i.value = any(${sql.param(emails)}::text[]) and ${eligible}
    union
    select lower(profiles.email), profiles.id from profiles
    where ${eligible} and lower(profiles.email) = any(${sql.param(emails)}::text[])`);
  const index = (rows: { key: string; profile_id: string }[]) => {
    const map = new Map<string, string[]>();
    for (const r of rows) map.set(r.key, [...(map.get(r.key) ?? []), r.profile_id]);
    return map;
  };
  return { byMemberId: index(byMemberId), byEmail: index(byEmail) };
}

/**
 * Imports people into a static segment from CSV text, matching SCL member ids first, then emails (lower-cased).
 * A shared email matches every eligible profile that holds it. Returns a report of matched and unmatched rows.
 */
export async function importStaticSegment(db: Db, input: ImportInput): Promise<ImportReport> {
  const candidates = readImportCsv(input.csvText);
  const at = input.at ?? new Date();
  return db.transaction(async (tx) => {
    await requireStaticSegment(tx, input.tenantId, input.segmentId);
    const { byMemberId, byEmail } = await lookUp(tx, input.tenantId, candidates);
    const people = new Set<string>();
    const unmatched: ImportReport['unmatched'] = [];
    let matched = 0;
    for (const c of candidates) {
      const found = (c.memberId && byMemberId.get(c.memberId)) || (c.email && byEmail.get(c.email)) || [];
      if (found.length === 0) unmatched.push({ row: c.row, value: c.value });
      else matched += 1;
      found.forEach((id) => people.add(id));
    }
    const wanted: MembershipChange[] = [...people].map((profileId) => ({
      segmentId: input.segmentId,
      profileId,
      change: 'ENTERED',
    }));
    if (input.replace) {
      const current = await tx.execute<{ profile_id: string }>(sql`
        select profile_id from segment_memberships where segment_id = ${input.segmentId}`);
      for (const { profile_id } of current) {
        if (!people.has(profile_id)) wanted.push({ segmentId: input.segmentId, profileId: profile_id, change: 'EXITED' });
      }
    }
    const ctx = { tenantId: input.tenantId, at, correlationId: `segment-import:${input.segmentId}:${at.toISOString()}` };
    const applied = await applyChanges(tx, ctx, wanted);
    const added = applied.filter((c) => c.change === 'ENTERED').length;
    return { matched, unmatched, added, removed: applied.length - added };
  });
}
