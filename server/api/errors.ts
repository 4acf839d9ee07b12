import type { z } from 'zod';
import { storableText } from '@/server/storable-text';

export const API_ERROR_CODES = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'method_not_allowed',
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
  method_not_allowed: 405,
  conflict: 409,
  rate_limited: 429,
  internal: 500,
};

/**
 * Messages may quote what a caller sent (a segment rule's unknown operator, say). They go out as JSON, but an
 * answer must never carry markup or control characters verbatim: angle brackets become ‹ › and control
 * characters are dropped.
 */
export function inertMessage(message: string): string {
  const printable = message.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
  return storableText(printable).replace(/</g, '‹').replace(/>/g, '›');
}

/** An answer other than success, with a message written for the caller. Thrown by handlers, mapped by apiRoute. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(inertMessage(message));
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

/**
 * A parameter name as messages show it. Names come from the caller (unknown query parameters, body keys), so one
 * that is not a plain identifier is not repeated: an answer must never reflect markup or control characters.
 */
export function shownName(name: string): string {
  return /^[A-Za-z0-9_-]{1,64}$/.test(name) ? name : '(a name with unexpected characters)';
}

function pathOf(prefix: string, path: PropertyKey[]): string {
  return [prefix, ...path.map((p) => shownName(String(p)))].filter(Boolean).join('.');
}

/** A zod issue in words a caller can act on: "take: must be ≤ 100", "status: must be one of ACTIVE, …". */
export function describeIssue(issue: z.core.$ZodIssue, prefix = ''): string {
  const path = pathOf(prefix, issue.path);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${pathOf(prefix, [...issue.path, key])}: unknown parameter`).join('; ');
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

/** Deeper input is refused before validation: recursive schemas (segment rules) would exhaust the stack on it. */
export const MAX_INPUT_DEPTH = 32;

/**
 * Checks input before any schema sees it: the path of the first string or key PostgreSQL cannot store (NUL,
 * unpaired surrogate), or of the first value nested deeper than MAX_INPUT_DEPTH. Iterative, so no input can
 * overflow the stack here either.
 */
function inspectInput(input: unknown): { problem: 'unstorable' | 'too_deep'; path: PropertyKey[] } | null {
  const stack: { value: unknown; path: PropertyKey[] }[] = [{ value: input, path: [] }];
  while (stack.length) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      if (storableText(value) !== value) return { problem: 'unstorable', path };
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (path.length >= MAX_INPUT_DEPTH) return { problem: 'too_deep', path: path.slice(0, 1) };
    for (const [key, child] of Object.entries(value)) {
      if (storableText(key) !== key) return { problem: 'unstorable', path: [...path, key] };
      stack.push({ value: child, path: [...path, key] });
    }
  }
  return null;
}

/**
 * Validates input, or throws a 400 ApiError whose message names every bad parameter (under `prefix`). Text the
 * database cannot hold (a NUL byte, half of a surrogate pair) is refused here, before any query sees it.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.output<S> {
  const found = inspectInput(input);
  if (found) {
    const where = pathOf(prefix, found.path) || 'body';
    throw new ApiError(
      'bad_request',
      found.problem === 'too_deep'
        ? `${where}: nested more than ${MAX_INPUT_DEPTH} levels deep`
        : `${where}: must not contain NUL or unpaired surrogate characters`,
    );
  }
  // reportInput lets a missing value ("is required") be told apart from a wrong one; inputs never reach messages.
  const result = schema.safeParse(input, { reportInput: true });
  if (!result.success) throw new ApiError('bad_request', describeIssues(result.error, prefix));
  return result.data;
}
