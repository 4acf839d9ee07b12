import { Queue } from 'bullmq';
import type { Runtime } from '@/server/auth/runtime';
import { INBOUND_QUEUE, OUTBOUND_QUEUE } from '@/server/queue/connection';
import { createSegmentQueue } from '@/workers/segment-recompute';

export interface ApiQueues {
  inbound: Queue;
  outbound: Queue;
  segments: ReturnType<typeof createSegmentQueue>;
}

const globalForQueues = globalThis as unknown as { crmApiQueues?: Map<string, ApiQueues> };

/**
 * The queues the API reads and enqueues on, on the runtime's Redis connection and key prefix (one set in the app;
 * tests get their own prefix through the runtime).
 */
export function apiQueues(rt: Runtime): ApiQueues {
  globalForQueues.crmApiQueues ??= new Map();
  let queues = globalForQueues.crmApiQueues.get(rt.prefix);
  if (!queues) {
    const options = { connection: rt.redis, prefix: rt.prefix };
    queues = {
      inbound: new Queue(INBOUND_QUEUE, options),
      outbound: new Queue(OUTBOUND_QUEUE, options),
      segments: createSegmentQueue(options),
    };
    globalForQueues.crmApiQueues.set(rt.prefix, queues);
  }
  return queues;
}

/** Tests only: closes the queues this process opened (their shared Redis connection is the caller's to close). */
export async function closeApiQueues(): Promise<void> {
  const all = [...(globalForQueues.crmApiQueues?.values() ?? [])];
  globalForQueues.crmApiQueues?.clear();
  await Promise.all(all.flatMap((q) => [q.inbound.close(), q.outbound.close(), q.segments.close()]));
}
