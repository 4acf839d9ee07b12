import { z } from 'zod';

/**
 * The one place the environment is read. A wrong value stops start-up with a message that names the variable,
 * instead of failing later somewhere far from the cause.
 */
const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .default('postgres://postgres@127.0.0.1:5432/crm'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').default('redis://127.0.0.1:6379'),
  /** Prefix for every BullMQ key; tests and benchmarks use their own so runs never collide. */
  QUEUE_PREFIX: z.string().min(1).default('bull'),
  AUTH_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Jobs held at once: about five batches for two lanes, so a full batch is waiting whenever a lane finishes one. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(1000),
  /**
   * Parallel database transactions the worker batches events into. With more than one, events are routed to lanes by
   * person, so lanes rarely wait on each other's row locks, and a lane opens a transaction of its own only for a full
   * batch (workers/pipeline/batcher.ts): live traffic runs one transaction at a time, whole batches, and a backlog
   * runs a transaction per lane, on the CPU one transaction leaves idle while it waits for Postgres. Two lanes with
   * 1,000 jobs held against one with 600, five alternating pairs of a 100,000-event backlog on 2026-12-07 at 07:10:
   * 3,152 against 2,647 events/s on average, ahead in every pair (docs/performance-log.md; on the boot before, the
   * million gained 2.3 %, on the one before that 15 %). Three lanes were tried and not kept.
   */
  WORKER_LANES: z.coerce.number().int().min(1).max(32).default(2),
  /**
   * Most events one transaction commits together. A backlog fills batches to this size; a batch's fixed costs (its
   * ~15 statements, the commit) then weigh less per event: 200 (with 600 jobs held) measured ~4 % more events/s and
   * ~7 % less Postgres CPU per event than 100 (with 300), three alternating runs each. Live traffic makes smaller batches.
   */
  WORKER_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(200),
  /** Worker lock duration: a job whose worker died is picked up again after this long. */
  WORKER_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /** Port of the worker's health endpoint (GET /health, /ready); unset = no endpoint. */
  WORKER_HEALTH_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** Fault injection for `npm run chaos`: the outbox relay kills its process after this many published batches. */
  CRM_FAULT_RELAY_EXIT_AFTER_PUBLISH: z.coerce.number().int().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  OIDC_ISSUER: z.url().optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(Object.entries(source).map(([k, v]) => [k, v === '' ? undefined : v]));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new EnvError(`Invalid environment:\n${lines.join('\n')}`);
  }
  return result.data;
}

let cached: Env | undefined;

/** The validated environment of this process. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
