import { errorMessage } from './errors';

/*
 * Errors are the one way personal data slips past the logger's key-based redaction: drizzle's query errors repeat
 * the statement's parameters in their message (and keep them in `params`), PostgreSQL quotes the offending value
 * ("invalid input syntax for type integer: \"a@b.org\""), and a stack's first line repeats the message. Errors
 * are therefore logged as their root cause's message with emails and phone numbers masked, their code, and their
 * stack frames — never their own properties.
 */

const EMAIL = /[^\s@"'`<>(),;:[\]]+@[^\s@"'`<>(),;:[\]]+\.[^\s@"'`<>(),;:[\]]+/g;
/** International (+27 82 …), South African local (082 555 0101) and bare long digit runs (27821234567). */
const PHONE = /\+\d[\d ()-]{6,}\d|\b0\d{2}[ -]?\d{3}[ -]?\d{4}\b|\b\d{10,15}\b/g;

export function scrubText(text: string): string {
  return text.replace(EMAIL, '[email]').replace(PHONE, '[number]');
}

export interface LoggedError {
  type: string;
  message: string;
  code?: string;
  stack?: string;
}

/** The pino serializer for `err`/`error`: Error instances as above; a plain `{message}` gets its message masked. */
export function serializeError(value: unknown): unknown {
  if (!(value instanceof Error)) {
    if (typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string') {
      return { ...value, message: scrubText((value as { message: string }).message) };
    }
    return typeof value === 'string' ? scrubText(value) : value;
  }
  let root: unknown = value;
  for (let i = 0; i < 5 && root instanceof Error && root.cause; i++) root = root.cause;
  const code = (root as { code?: unknown }).code;
  const frames = value.stack?.split('\n').filter((line) => /^\s+at /.test(line));
  return {
    type: value.name,
    message: scrubText(errorMessage(value)),
    ...(typeof code === 'string' ? { code } : {}),
    ...(frames?.length ? { stack: frames.join('\n') } : {}),
  } satisfies LoggedError;
}
