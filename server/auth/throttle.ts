import { hash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { foldEmail } from '@/server/identity/normalize';

export interface SignInThrottleOptions {
  redis: Redis;
  /** Key prefix (the queue prefix), so tests and deployments sharing a Redis never see each other's counters. */
  prefix: string;
  /** Failed attempts per account within `windowSeconds` before the account is locked. */
  perAccount?: number;
  /** Failed attempts per client address within `windowSeconds` before the address is locked. */
  perAddress?: number;
  windowSeconds?: number;
}

export interface SignInThrottle {
  /** Seconds until the account or address may try again, or 0 when neither is locked. */
  lockedFor(input: { email: string; ip: string }): Promise<number>;
  recordFailure(input: { email: string; ip: string }): Promise<void>;
  /** A correct password clears the account's counter (not the address's: one good account must not launder it). */
  recordSuccess(input: { email: string }): Promise<void>;
}

/** Redis keys hold a hash of the address, never the address itself. */
function accountKey(email: string): string {
  return hash('sha256', foldEmail(email), 'hex').slice(0, 32);
}

/**
 * Counts failed sign-ins per account and per client address in Redis (shared by every app instance). Once a
 * counter reaches its limit, every attempt is refused until the window ends — even one with the right password,
 * so guessing cannot continue in the background of a lock.
 */
export function createSignInThrottle(options: SignInThrottleOptions): SignInThrottle {
  const duration = options.windowSeconds ?? 60;
  const perAccount = options.perAccount ?? 5;
  const perAddress = options.perAddress ?? 20;
  const accounts = new RateLimiterRedis({
    storeClient: options.redis,
    keyPrefix: `${options.prefix}:auth:signin-account`,
    points: perAccount,
    duration,
  });
  const addresses = new RateLimiterRedis({
    storeClient: options.redis,
    keyPrefix: `${options.prefix}:auth:signin-address`,
    points: perAddress,
    duration,
  });

  async function secondsLeft(limiter: RateLimiterRedis, key: string, limit: number): Promise<number> {
    const state = await limiter.get(key);
    if (!state || state.consumedPoints < limit) return 0;
    return Math.max(1, Math.ceil(state.msBeforeNext / 1000));
  }

  return {
    async lockedFor({ email, ip }) {
      const [account, address] = await Promise.all([
        secondsLeft(accounts, accountKey(email), perAccount),
        secondsLeft(addresses, ip, perAddress),
      ]);
      return Math.max(account, address);
    },
    async recordFailure({ email, ip }) {
      // consume() rejects with a RateLimiterRes once the limit is passed: the count is what matters here, so only
      // a real failure (an Error: Redis unreachable) is passed on.
      const results = await Promise.allSettled([accounts.consume(accountKey(email)), addresses.consume(ip)]);
      for (const result of results) {
        if (result.status === 'rejected' && result.reason instanceof Error) throw result.reason;
      }
    },
    async recordSuccess({ email }) {
      await accounts.delete(accountKey(email));
    },
  };
}
