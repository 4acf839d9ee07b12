import type { Redis } from 'ioredis';
import { db, type Database } from '@/server/db/client';
import { env } from '@/server/env';
import { createRedis, queuePrefix } from '@/server/queue/connection';

/**
 * The connections request handling needs (sign-in, viewer, read API). Process-wide in the app; integration tests
 * point them at their own database, Redis prefix and secret with `setRuntimeForTests`, because the environment is
 * read once per process, before a test has created its database.
 */
export interface Runtime {
  db: Database;
  redis: Redis;
  /** Prefix of every Redis key written by the app (the queue prefix). */
  prefix: string;
  authSecret: string | undefined;
}

const globalForRuntime = globalThis as unknown as { crmAuthRedis?: Redis; crmRuntimeOverride?: Partial<Runtime> };

function sharedRedis(): Redis {
  globalForRuntime.crmAuthRedis ??= createRedis();
  return globalForRuntime.crmAuthRedis;
}

export function runtime(): Runtime {
  const override = globalForRuntime.crmRuntimeOverride ?? {};
  return {
    db: override.db ?? db(),
    redis: override.redis ?? sharedRedis(),
    prefix: override.prefix ?? queuePrefix(),
    authSecret: 'authSecret' in override ? override.authSecret : env().AUTH_SECRET,
  };
}

/** Tests only: use these connections instead of the ones built from the environment (null restores them). */
export function setRuntimeForTests(override: Partial<Runtime> | null): void {
  globalForRuntime.crmRuntimeOverride = override ?? undefined;
}
