import { QueueEvents } from 'bullmq';
import { INBOUND_QUEUE } from '@/server/queue/connection';
import type { Cleanup } from './cleanup';
import type { RedisServer } from './redis-server';

/** Counts jobs BullMQ found stalled (active with no live lock) on the inbound queue, from its event stream. */
export async function watchStalled(cleanup: Cleanup, redis: RedisServer, prefix: string) {
  const connection = redis.client({ blocking: true });
  const events = new QueueEvents(INBOUND_QUEUE, { connection, prefix });
  cleanup.add('queue events', async () => {
    await events.close().catch(() => {});
    connection.disconnect();
  });
  events.on('error', () => {});
  await events.waitUntilReady();
  const stalled: string[] = [];
  events.on('stalled', ({ jobId }) => stalled.push(jobId));
  return { stalled };
}
