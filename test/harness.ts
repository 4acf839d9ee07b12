import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { createDb, type Database } from '@/server/db/client';
import { ensureDatabase, migrateDatabase } from '@/server/db/migrate';
import { createRedis } from '@/server/queue/connection';

const BASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function assertLocal(url: string) {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
    throw new Error(`Refusing to run tests against a non-local database (${host})`);
  }
}

export interface TestContext {
  databaseUrl: string;
  redisUrl: string;
  /** Queue key prefix of this test file (BullMQ `prefix`), so files never see each other's jobs. */
  prefix: string;
  /**
   * The owner connection (bypasses row-level security): for setting up data and asserting on what is stored. Tests
   * of the data layer's query logic may call it directly too.
   */
  db: Database;
  /**
   * The app's connection (role crm_app, bound by row-level security): rows are visible only inside withTenant /
   * withSystemScope. Whatever stands for the running app — in-process workers, the API runtime — uses this.
   */
  appDb: Database;
  /** Environment for child processes (workers) so they use this file's database and prefix. */
  childEnv: Record<string, string>;
  cleanup(): Promise<void>;
}

/**
 * A fresh database built from the real migrations in drizzle/, and a Redis key prefix of its own.
 * Call in beforeAll; call cleanup in afterAll.
 */
export async function createTestContext(label: string): Promise<TestContext> {
  const suffix = `${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const url = new URL(BASE_URL);
  url.pathname = `/crm_test_${suffix}`;
  const databaseUrl = url.toString();
  assertLocal(databaseUrl);
  await ensureDatabase(databaseUrl);
  await migrateDatabase(databaseUrl);
  const db = createDb({ url: databaseUrl, max: 5, owner: true });
  const appDb = createDb({ url: databaseUrl, max: 5, owner: false });
  const prefix = `crmtest:${suffix}`;
  return {
    databaseUrl,
    redisUrl: REDIS_URL,
    prefix,
    db,
    appDb,
    childEnv: { DATABASE_URL: databaseUrl, REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn' },
    async cleanup() {
      await Promise.all([db.$client.end({ timeout: 5 }), appDb.$client.end({ timeout: 5 })]);
      const redis = createRedis({ url: REDIS_URL });
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length) await redis.del(...keys);
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
      const admin = postgres(BASE_URL, { max: 1, onnotice: () => {} });
      try {
        await admin.unsafe(`drop database if exists "crm_test_${suffix}" with (force)`);
      } finally {
        await admin.end();
      }
    },
  };
}
