/**
 * What the segment pages' server actions answer, as the client components read it (the actions in
 * app/(dashboard)/segments/actions.ts return these shapes).
 */

/** A server-side criteria error: `path` is where in the criteria JSON (`rules.1.value`). */
export interface RuleError {
  path: string;
  message: string;
}

export interface PreviewPerson {
  id: string;
  name: string;
  email: string | null;
  membershipTier: string | null;
  handicap: number | null;
}

export type PreviewResult =
  | { ok: true; count: number; sample: PreviewPerson[] }
  | { ok: false; errors: RuleError[] };

export interface SegmentDraft {
  /** Absent when creating. */
  segmentId?: string;
  name: string;
  description: string;
  type: 'DYNAMIC' | 'STATIC';
  /** DYNAMIC only. */
  criteria?: unknown;
}

/** Saving redirects to the segment on success, so only refusals come back. */
export interface SaveRefusal {
  ok: false;
  /** About the whole form ("This segment no longer exists"). */
  message: string | null;
  fieldErrors: Partial<Record<'name' | 'description' | 'type', string>>;
  ruleErrors: RuleError[];
}

export interface Outcome {
  ok: boolean;
  message: string;
}

export interface PersonHit {
  id: string;
  name: string;
  email: string | null;
  membershipTier: string | null;
}

export type ImportOutcome =
  | {
      ok: true;
      rows: number;
      matched: number;
      added: number;
      removed: number;
      unmatched: { row: number; value: string }[];
    }
  | { ok: false; message: string };
