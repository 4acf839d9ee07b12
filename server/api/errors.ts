import type { z } from 'zod';

export const API_ERROR_CODES = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
  'internal',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

const STATUS: Record<ApiErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  internal: 500,
};

/** An answer other than success, with a message written for the caller. Thrown by handlers, mapped by apiRoute. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = STATUS[code];
  }
}

/**
 * Unknown and foreign ids answer the same 404, so a caller cannot tell "exists in another club" from "does not
 * exist".
 */
export function notFound(what: string): never {
  throw new ApiError('not_found', `${what} not found`);
}

export function badRequest(message: string): never {
  throw new ApiError('bad_request', message);
}

/** A zod issue in words a caller can act on: "take: must be ≤ 100", "status: must be one of ACTIVE, …". */
export function describeIssue(issue: z.core.$ZodIssue, prefix = ''): string {
  const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  if (issue.code === 'unrecognized_keys') {
    const name = (key: string) => [prefix, ...issue.path.map(String), key].filter(Boolean).join('.');
    return issue.keys.map((key) => `${name(key)}: unknown parameter`).join('; ');
  }
  const message = humanMessage(issue);
  return path ? `${path}: ${message}` : message;
}

function humanMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_big':
      return issue.origin === 'string' || issue.origin === 'array'
        ? `must have at most ${issue.maximum} ${issue.origin === 'string' ? 'characters' : 'items'}`
        : `must be ${issue.inclusive === false ? '<' : '≤'} ${issue.maximum}`;
    case 'too_small':
      return issue.origin === 'string' || issue.origin === 'array'
        ? issue.minimum === 1
          ? 'must not be empty'
          : `must have at least ${issue.minimum} ${issue.origin === 'string' ? 'characters' : 'items'}`
        : `must be ${issue.inclusive === false ? '>' : '≥'} ${issue.minimum}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'uuid' || issue.format === 'guid' ? 'must be a UUID' : `must be a valid ${issue.format}`;
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${article(issue.expected)}`;
    case 'invalid_union': {
      // A union of alternatives (true/false flags: boolean | "true" | "false"): the enumerated branch says most.
      const listed = issue.errors.flat().find((inner) => inner.code === 'invalid_value');
      return listed ? humanMessage(listed) : 'is not valid';
    }
    default:
      return issue.message;
  }
}

function article(expected: string): string {
  if (expected === 'int') return 'an integer';
  if (expected === 'date') return 'a date (ISO 8601)';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

export function describeIssues(error: z.ZodError, prefix = ''): string {
  return error.issues.map((issue) => describeIssue(issue, prefix)).join('; ');
}

/** Validates input, or throws a 400 ApiError whose message names every bad parameter (under `prefix`). */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.output<S> {
  // reportInput lets a missing value ("is required") be told apart from a wrong one; inputs never reach messages.
  const result = schema.safeParse(input, { reportInput: true });
  if (!result.success) throw new ApiError('bad_request', describeIssues(result.error, prefix));
  return result.data;
}
