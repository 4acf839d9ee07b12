import { pipeline, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { Database } from '../db/client';
import { streamSegmentMembers, type MemberExportRow } from './service';

/** The CSV export of a segment's members, streamed row by row from a database cursor (never a buffered list). */

export const MEMBER_CSV_COLUMNS: { key: keyof MemberExportRow; header: string }[] = [
  { key: 'id', header: 'profile_id' },
  { key: 'displayName', header: 'display_name' },
  { key: 'firstName', header: 'first_name' },
  { key: 'lastName', header: 'last_name' },
  { key: 'email', header: 'email' },
  { key: 'phoneNumber', header: 'phone_number' },
  { key: 'membershipStatus', header: 'membership_status' },
  { key: 'membershipTier', header: 'membership_tier' },
  { key: 'handicap', header: 'handicap' },
  { key: 'engagementScore', header: 'engagement_score' },
  { key: 'churnRiskScore', header: 'churn_risk_score' },
  { key: 'joinedAt', header: 'joined_at' },
];

/**
 * Spreadsheets run cells that start with = or @ (or + / - before a non-digit) as formulas; such values from
 * outside sources are prefixed with an apostrophe. Phone numbers (+27…) are left alone.
 */
export function neutraliseFormula(value: string): string {
  return /^[=@\t\r]|^[+-][^0-9]/.test(value) ? `'${value}` : value;
}

/** A readable CSV stream (header row first) of the segment's members; errors end the stream with that error. */
export function segmentMembersCsv(
  db: Database,
  input: { tenantId: string; segmentId: string; batchSize?: number },
): Readable {
  const rows = Readable.from(streamSegmentMembers(db, input));
  const csv = stringify({
    header: true,
    columns: MEMBER_CSV_COLUMNS,
    cast: { string: neutraliseFormula },
  });
  return pipeline(rows, csv, () => {
    // Errors are surfaced on the returned stream itself; nothing else to clean up here.
  });
}
