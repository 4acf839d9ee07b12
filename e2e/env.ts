/**
 * The e2e run's own database, queue prefix, port and secret: shared by the Playwright config (web server env),
 * the global setup (seeding, worker) and specs that touch the database directly.
 */
export const E2E = {
  port: 3100,
  baseURL: 'http://127.0.0.1:3100',
  databaseUrl: process.env.E2E_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/crm_e2e',
  maintenanceUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  queuePrefix: 'crm-e2e',
  /** Fixed so sessions survive a server restart between runs; this secret protects nothing real. */
  authSecret: 'e2e-only-auth-secret-not-for-production-0123456789',
  password: 'e2e-password-1',
  tenant: { id: 'e2e-club', name: 'Fairway Golf Club' },
  /** A second club with no data: the admin's tenant switcher, and every empty state. */
  quietTenant: { id: 'e2e-quiet', name: 'Quiet Valley Country Club' },
  users: {
    staff: 'staff@e2e.test',
    marketing: 'marketing@e2e.test',
    admin: 'admin@e2e.test',
  },
} as const;

export type E2ERole = keyof typeof E2E.users;

/** Environment for the web server and the worker child process. */
export function serviceEnv(): Record<string, string> {
  return {
    DATABASE_URL: E2E.databaseUrl,
    REDIS_URL: E2E.redisUrl,
    QUEUE_PREFIX: E2E.queuePrefix,
    AUTH_SECRET: E2E.authSecret,
    LOG_LEVEL: 'warn',
  };
}
