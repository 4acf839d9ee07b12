import { hash } from 'node:crypto';
import type { JobsOptions } from 'bullmq';

/** 1 try + 3 retries at 1 s, 2 s, 4 s (§5). The worker enforces the same budget for jobs added without it. */
export const MAX_ATTEMPTS = 4;
export const BACKOFF_BASE_MS = 1000;

export function backoffDelay(attempt: number): number {
  return BACKOFF_BASE_MS * 2 ** (attempt - 1);
}

/** Completed jobs are not kept forever, so Redis memory returns to its level once the queue drains. */
export const KEEP_COMPLETED = { age: 600, count: 1000 };
export const KEEP_FAILED = { age: 7 * 24 * 3600, count: 10000 };
/**
 * Outbound jobs (job id = outbound event id) stay a while after their consumers took them, so a relay that died
 * between publishing and deleting the rows it sent republishes into BullMQ's own dedupe (that happens within
 * seconds); bounded, so Redis does not grow with a day of outbound traffic. Consumers still dedupe on the id
 * (at-least-once).
 */
export const OUTBOUND_KEEP_COMPLETED = { age: 3600, count: 10000 };

/**
 * BullMQ job ids cannot contain ':' or be plain integers; such event ids are hashed so the job id stays a
 * deterministic function of the event id (and still deduplicates).
 */
export function jobIdFor(eventId: string): string {
  if (/^[A-Za-z0-9_.-]+$/.test(eventId) && !/^\d+$/.test(eventId) && eventId.length <= 128) return eventId;
  return `h-${hash('sha256', eventId, 'hex').slice(0, 40)}`;
}

export function inboundJobOptions(eventId: string, priority: number): JobsOptions {
  return {
    jobId: jobIdFor(eventId),
    attempts: MAX_ATTEMPTS,
    backoff: { type: 'exponential', delay: BACKOFF_BASE_MS },
    priority,
    removeOnComplete: KEEP_COMPLETED,
    removeOnFail: KEEP_FAILED,
  };
}
