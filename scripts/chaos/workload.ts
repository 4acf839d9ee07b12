import type { JobsOptions, Queue } from 'bullmq';
import { itemTime } from '@/server/demo/emit';
import { generateDemo, toPublishable, type DemoItem } from '@/server/demo/generate';
import { normalizeJob } from '@/server/events/normalize';
import { inboundJobOptions } from '@/server/queue/job-options';
import { sleep } from './wait';

export const CHAOS_TENANTS = ['chaos-north', 'chaos-south'] as const;

export interface ChaosJob {
  name: string;
  data: unknown;
  opts: JobsOptions;
}

export interface Workload {
  jobs: ChaosJob[];
  /** Distinct events (what the sync log ends with); redeliveries and bad events are on top. */
  unique: number;
  redeliveries: number;
  bad: number;
}

export function toJob(item: DemoItem): ChaosJob {
  const publishable = toPublishable(item);
  const flat = item.kind === 'flat';
  const name = flat ? (publishable as { name: string }).name : 'event';
  const data = flat ? (publishable as { data: unknown }).data : publishable;
  const normalized = normalizeJob({ name, data, timestamp: Date.now() });
  return { name, data, opts: inboundJobOptions(normalized.envelope.id, normalized.definition.priority) };
}

/** A deterministic LCG: the same run publishes the same jobs in the same order. */
function random(seed: number) {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/**
 * The demo generator's realistic mix (bookings and message engagement dominate; member, consent and payment events,
 * aliases, flat Messaging jobs) for two tenants, with the impurities real producers add: windows shuffled out of
 * order, ~1 % redelivered under a new job id (only the sync log can dedupe those), and a few bad events that must be
 * dead-lettered with a reason. Same `now` and seed → same event ids, so a reference run and a chaos run compare.
 */
export function buildWorkload(events: number, now: number, seed = 7007): Workload {
  const perTenant = Math.ceil(events / CHAOS_TENANTS.length);
  const items = CHAOS_TENANTS.flatMap((tenantId, t) =>
    generateDemo({ tenantId, people: Math.max(40, Math.ceil(perTenant / 24)), seed: seed + t, now }).items.slice(0, perTenant),
  ).slice(0, events);
  // Both tenants' histories interleaved in time order, as one queue would carry them.
  items.sort((a, b) => (itemTime(a) < itemTime(b) ? -1 : itemTime(a) > itemTime(b) ? 1 : 0));
  const jobs = items.map(toJob);

  const rand = random(seed);
  for (let start = 0; start < jobs.length; start += 40) {
    if (rand() > 0.3) continue;
    for (let i = Math.min(jobs.length, start + 40) - 1; i > start; i--) {
      const j = start + Math.floor(rand() * (i - start + 1));
      [jobs[i], jobs[j]] = [jobs[j], jobs[i]];
    }
  }
  const redeliveries = Math.round(jobs.length / 100);
  for (let i = 0; i < redeliveries; i++) {
    const original = jobs[Math.floor(rand() * jobs.length)];
    jobs.splice(Math.floor(rand() * jobs.length), 0, { ...original, opts: { ...original.opts, jobId: `${original.opts.jobId}-redelivered${i}` } });
  }
  const bad: ChaosJob[] = CHAOS_TENANTS.flatMap((tenantId, t) => [0, 1].map((i) => badEvent(`chaos-bad-${t}-${i}`, tenantId)));
  bad.push(badEvent('chaos-bad-no-tenant', 'chaos-nowhere'));
  for (const [i, job] of bad.entries()) jobs.splice(Math.floor(((i + 1) / (bad.length + 1)) * jobs.length), 0, job);
  return { jobs, unique: items.length, redeliveries, bad: bad.length };
}

/** Valid envelope, invalid payload (or a tenant that does not exist): dead-lettered on the first attempt. */
function badEvent(id: string, tenantId: string): ChaosJob {
  const data = {
    id, type: 'scl.member.created', version: '1.0', timestamp: '2025-06-01T10:00:00.000Z', tenantId, source: 'scl',
    identity: { email: `${id}@example.org` }, payload: { id: 'not-a-number' },
  };
  return { name: 'event', data, opts: inboundJobOptions(id, 2) };
}

export interface FeedOptions {
  /** Events per second; unset = as fast as Redis takes them. */
  rate?: number;
  signal?: AbortSignal;
  /** Called after each accepted chunk with the time it was accepted (for latency measurement). */
  onSent?: (chunk: ChaosJob[], at: number) => void;
}

/**
 * Publishes jobs like a well-behaved producer: a chunk Redis refused (it is down) is sent again until accepted
 * (job ids are deterministic, so a resend after a lost reply is deduplicated by BullMQ), and a producer that fell
 * behind catches up as soon as it can.
 */
export function feed(queue: Queue, jobs: ChaosJob[], options: FeedOptions = {}) {
  let sent = 0;
  let failures = 0;
  const tickMs = 50;
  const done = (async () => {
    const started = Date.now();
    while (sent < jobs.length) {
      const due = options.rate ? Math.min(jobs.length, Math.floor(((Date.now() - started) / 1000) * options.rate) + 1) : jobs.length;
      const end = Math.min(due, sent + 1000);
      if (end > sent) {
        const chunk = jobs.slice(sent, end);
        try {
          await queue.addBulk(chunk);
          options.onSent?.(chunk, Date.now());
          sent = end;
        } catch {
          failures++;
          await sleep(500, options.signal);
        }
      }
      if (options.rate) await sleep(tickMs, options.signal);
      else if (options.signal?.aborted) throw options.signal.reason;
    }
  })();
  // Awaited later by the scenario; marked handled now so an abort in between is not an unhandled rejection.
  done.catch(() => {});
  return {
    done,
    get sent() {
      return sent;
    },
    get failures() {
      return failures;
    },
  };
}
