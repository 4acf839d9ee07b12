import type { DeadLetterReason } from './db/schema';

/**
 * The one "never retry" error: an event that can never succeed as sent. The worker dead-letters it at once with
 * its reason code; every other error is retried (1 s, 2 s, 4 s) before it is dead-lettered.
 */
export class NonRetryableError extends Error {
  constructor(
    readonly reason: DeadLetterReason,
    message: string,
    readonly step: string = 'parse',
  ) {
    super(message);
    this.name = 'NonRetryableError';
  }
}

const CONNECTIVITY_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
]);

/** The error and its causes (drizzle wraps the driver's error in `cause`). */
function chain(error: unknown): unknown[] {
  const errors: unknown[] = [];
  for (let e = error; e && errors.length < 5; e = (e as { cause?: unknown }).cause) errors.push(e);
  return errors;
}

/** True when the failure is the database or Redis being unreachable: such waits must not burn the retry budget. */
export function isConnectivityError(error: unknown): boolean {
  return chain(error).some((e) => {
    const code = (e as { code?: string } | null)?.code;
    if (code && CONNECTIVITY_CODES.has(code)) return true;
    const message = e instanceof Error ? e.message : String(e);
    return /ECONNREFUSED|ECONNRESET|Connection is closed|write EPIPE|connect ETIMEDOUT|CONNECTION_CLOSED|CONNECTION_ENDED/.test(message);
  });
}

/** Serialization failures and deadlocks: the batch is simply run again. */
export function isTransientDbError(error: unknown): boolean {
  return chain(error).some((e) => {
    const code = (e as { code?: string } | null)?.code;
    // serialization_failure, deadlock_detected, lock_not_available (a lock_timeout): running again succeeds.
    return code === '40001' || code === '40P01' || code === '55P03';
  });
}

/**
 * The root cause's message. Drizzle's wrapper repeats the query and its parameters, which hold personal data:
 * that text must never reach a log line or a dead letter.
 */
export function errorMessage(error: unknown): string {
  const errors = chain(error);
  const root = errors[errors.length - 1];
  return root instanceof Error ? root.message : String(root);
}
