import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Runtime } from '@/server/auth/runtime';
import { logger } from '@/server/logger';
import { ApiError } from './errors';
import type { Principal } from './principal';

export interface ApiRateLimit {
  points: number;
  durationSeconds: number;
}

/** Per key or per person: generous for a UI or an integration, low enough to stop a runaway loop. */
export const DEFAULT_API_RATE_LIMIT: ApiRateLimit = { points: 600, durationSeconds: 60 };

const globalForLimit = globalThis as unknown as { crmApiRateLimit?: ApiRateLimit };

/** Tests only: a lower limit, so a test can reach it (null restores the default). */
export function setApiRateLimitForTests(limit: ApiRateLimit | null): void {
  globalForLimit.crmApiRateLimit = limit ?? undefined;
}

/**
 * Counts one request for the principal; throws a 429 ApiError (with Retry-After) once the limit is reached. If
 * Redis cannot be reached the request goes through: the API reads PostgreSQL, and refusing every caller because
 * the limiter is down would turn a Redis outage into an API outage.
 */
export async function consumeRateLimit(rt: Runtime, principal: Principal): Promise<void> {
  const limit = globalForLimit.crmApiRateLimit ?? DEFAULT_API_RATE_LIMIT;
  const limiter = new RateLimiterRedis({
    storeClient: rt.redis,
    keyPrefix: `${rt.prefix}:api:rate`,
    points: limit.points,
    duration: limit.durationSeconds,
  });
  try {
    await limiter.consume(`${principal.kind}:${principal.id}`);
  } catch (error) {
    if (error instanceof RateLimiterRes) {
      const retryAfter = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw new ApiError('rate_limited', `Too many requests — try again in ${retryAfter} seconds`, {
        'Retry-After': String(retryAfter),
      });
    }
    logger.warn({ err: error }, 'API rate limiter unavailable; request allowed');
  }
}
