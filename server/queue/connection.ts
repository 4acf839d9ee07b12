import { Redis, type RedisOptions } from 'ioredis';
import { env } from '../env';

export const INBOUND_QUEUE = 'crm-events';
export const OUTBOUND_QUEUE = 'crm-outbound';
export const SWEEP_QUEUE = 'crm-sweeps';
export const SEGMENT_QUEUE = 'crm-segment-recompute';

export interface QueueConnectionOptions {
  url?: string;
  /** Workers block on Redis and must never give up a command (BullMQ requires null here). */
  forWorker?: boolean;
}

/**
 * The one queue connection factory. Producers fail fast when Redis is down (so a publish reports it); workers
 * retry forever so they resume by themselves after an outage.
 */
export function createRedis(options: QueueConnectionOptions = {}): Redis {
  const base: RedisOptions = {
    maxRetriesPerRequest: options.forWorker ? null : 3,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    lazyConnect: false,
  };
  return new Redis(options.url ?? env().REDIS_URL, base);
}

export function queuePrefix(): string {
  return env().QUEUE_PREFIX;
}
