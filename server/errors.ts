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

/** True when the failure is the database or Redis being unreachable: such waits must not burn the retry budget. */
export function isConnectivityError(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  if (code && CONNECTIVITY_CODES.has(code)) return true;
  const message = error instanceof Error ? error.message : String(error);
  return /ECONNREFUSED|ECONNRESET|Connection is closed|write EPIPE|connect ETIMEDOUT|CONNECTION_CLOSED/.test(message);
}

/** Serialization failures and deadlocks: the batch is simply run again. */
export function isTransientDbError(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === '40001' || code === '40P01';
}
