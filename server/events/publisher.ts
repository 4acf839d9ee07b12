import { Queue } from 'bullmq';
import { NonRetryableError } from '../errors';
import { createRedis, INBOUND_QUEUE, queuePrefix } from '../queue/connection';
import { inboundJobOptions } from '../queue/job-options';
import type { CrmEvent } from './envelope';
import { normalizeJob } from './normalize';

/** A Messaging producer's flat job: named by type without the `messaging.` prefix. */
export interface FlatMessagingJob {
  name: string;
  data: { payload: Record<string, unknown> } | Record<string, unknown>;
}

export type Publishable = CrmEvent | FlatMessagingJob;

export type PublishResult = { ok: true; jobId: string } | { ok: false; error: string };

export interface PublisherOptions {
  prefix?: string;
  redisUrl?: string;
}

function isFlat(item: Publishable): item is FlatMessagingJob {
  return typeof (item as FlatMessagingJob).name === 'string' && 'data' in item && !('type' in item);
}

/**
 * The typed publisher for producers: validates the event exactly as the worker will read it, then adds it with
 * job id = event id, the retry policy and the type's priority.
 */
export function createPublisher(options: PublisherOptions = {}) {
  const connection = createRedis({ url: options.redisUrl });
  const queue = new Queue(INBOUND_QUEUE, { connection, prefix: options.prefix ?? queuePrefix() });

  function prepare(item: Publishable): { name: string; data: unknown; opts: ReturnType<typeof inboundJobOptions> } {
    const name = isFlat(item) ? item.name : 'event';
    const data = isFlat(item) ? item.data : item;
    const normalized = normalizeJob({ name, data, timestamp: Date.now() });
    return { name, data, opts: inboundJobOptions(normalized.envelope.id, normalized.definition.priority) };
  }

  function describe(error: unknown): string {
    return error instanceof NonRetryableError ? `${error.reason}: ${error.message}` : String(error);
  }

  return {
    queue,
    async publish(item: Publishable): Promise<PublishResult> {
      let job;
      try {
        job = prepare(item);
      } catch (error) {
        return { ok: false, error: describe(error) };
      }
      await queue.add(job.name, job.data, job.opts);
      return { ok: true, jobId: job.opts.jobId! };
    },
    /** Publishes in chunks (one Redis round trip per chunk); invalid items are reported, not sent. */
    async publishMany(
      items: Publishable[],
      onProgress?: (done: number, total: number) => void,
      chunkSize = 500,
    ): Promise<{ published: number; rejected: { index: number; id: string | null; error: string }[] }> {
      const rejected: { index: number; id: string | null; error: string }[] = [];
      let published = 0;
      for (let start = 0; start < items.length; start += chunkSize) {
        const bulk = [];
        for (let i = start; i < Math.min(items.length, start + chunkSize); i++) {
          try {
            bulk.push(prepare(items[i]));
          } catch (error) {
            const raw = items[i] as { id?: unknown; data?: { eventId?: unknown; payload?: { eventId?: unknown } } };
            const id = raw.id ?? raw.data?.eventId ?? raw.data?.payload?.eventId;
            rejected.push({ index: i, id: typeof id === 'string' ? id : null, error: describe(error) });
          }
        }
        if (bulk.length) await queue.addBulk(bulk);
        published += bulk.length;
        onProgress?.(Math.min(items.length, start + chunkSize), items.length);
      }
      return { published, rejected };
    },
    async close() {
      await queue.close();
      connection.disconnect();
    },
  };
}

export type Publisher = ReturnType<typeof createPublisher>;
