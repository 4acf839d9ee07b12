import type { CriteriaError } from './criteria';

export type SegmentErrorCode =
  | 'not_found'
  | 'invalid_criteria'
  | 'invalid_input'
  | 'system_segment'
  | 'name_taken'
  | 'wrong_type';

/**
 * A segment operation that cannot be done as asked. `code` tells the API which answer to give (not_found → 404,
 * name_taken → 409, the rest → 400); `errors` carries the per-rule messages of invalid criteria.
 */
export class SegmentError extends Error {
  constructor(
    readonly code: SegmentErrorCode,
    message: string,
    readonly errors: CriteriaError[] = [],
  ) {
    super(message);
    this.name = 'SegmentError';
  }
}

export function segmentNotFound(segmentId: string): SegmentError {
  return new SegmentError('not_found', `Segment ${segmentId} not found`);
}
