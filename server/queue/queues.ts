import { Queue } from 'bullmq';
import { createRedis, INBOUND_QUEUE, OUTBOUND_QUEUE, queuePrefix } from './connection';

const globalForQueues = globalThis as unknown as { crmQueues?: Map<string, Queue> };

function cachedQueue(name: string): Queue {
  globalForQueues.crmQueues ??= new Map();
  let queue = globalForQueues.crmQueues.get(name);
  if (!queue) {
    queue = new Queue(name, { connection: createRedis(), prefix: queuePrefix() });
    globalForQueues.crmQueues.set(name, queue);
  }
  return queue;
}

/** The inbound queue, for the web app's counts and dead-letter retries. */
export function getInboundQueue(): Queue {
  return cachedQueue(INBOUND_QUEUE);
}

/** The outbound queue (crm-outbound), for counts on queue health. */
export function getOutboundQueue(): Queue {
  return cachedQueue(OUTBOUND_QUEUE);
}
