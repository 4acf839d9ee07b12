import type { DeadLetterInput } from '@/server/dead-letters/store';
import type { NormalizedEvent } from '@/server/events/normalize';
import type { StepTiming } from '@/server/db/schema';

/** An event ready for the database steps (parsed and validated by the consumer). */
export interface EventItem {
  kind: 'event';
  jobId: string;
  jobName: string;
  jobData: unknown;
  normalized: NormalizedEvent;
  bodyHash: string;
  /** Timings of the steps done before the batch (parse). */
  steps: StepTiming[];
}

/** An event that can never succeed: recorded as a dead letter in the next batch's transaction. */
export interface DeadItem {
  kind: 'dead';
  deadLetter: DeadLetterInput;
}

export type PipelineItem = EventItem | DeadItem;

export type ItemOutcome =
  | { status: 'SUCCESS'; profileId: string | null; activityId: string | null }
  | { status: 'DUPLICATE' }
  | { status: 'DEAD_LETTERED'; reason: string };

/** What a batch answers for an item: an outcome, or DEFERRED (left for the next batch; see processBatch). */
export type BatchOutcome = ItemOutcome | { status: 'DEFERRED' };
