import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { inArray, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createTenant } from '@/server/admin/tenants';
import { createUser } from '@/server/admin/users';
import { createDb, type Database } from '@/server/db/client';
import { deadLetters } from '@/server/db/schema';
import { ensureDatabase, migrateDatabase } from '@/server/db/migrate';
import { generateDemo, toPublishable } from '@/server/demo/generate';
import { waitForDrain } from '@/server/demo/seed';
import { createPublisher } from '@/server/events/publisher';
import { createRedis } from '@/server/queue/connection';
import { buildWorker } from '@/workers/build';
import { workerNodeArgs } from '@/workers/node-flags';
import { E2E, serviceEnv } from './env';
import { LASTING_DEAD_LETTERS, lastingDeadLetterEvents, RETRY_EVENT_ID, retryEvent, zaneleEvents } from './seed-events';

const ROOT = path.resolve(import.meta.dirname, '..');

async function freshDatabase(): Promise<void> {
  const name = new URL(E2E.databaseUrl).pathname.slice(1);
  const admin = postgres(E2E.maintenanceUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end();
  }
  await ensureDatabase(E2E.databaseUrl);
  await migrateDatabase(E2E.databaseUrl);
}

async function clearQueues(): Promise<void> {
  const redis = createRedis({ url: E2E.redisUrl });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${E2E.queuePrefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function createPeople(db: Database): Promise<void> {
  await createTenant(db, { id: E2E.tenant.id, name: E2E.tenant.name });
  await createTenant(db, { id: E2E.quietTenant.id, name: E2E.quietTenant.name });
  const names = { staff: 'Sipho Dlamini', marketing: 'Megan Botha', admin: 'Ayesha Patel' } as const;
  for (const role of ['staff', 'marketing', 'admin'] as const) {
    await createUser(db, { tenantId: E2E.tenant.id, email: E2E.users[role], name: names[role], role, password: E2E.password });
  }
  // The admin also runs a second, empty club: the switcher shows, and every page's empty state can be seen.
  await createUser(db, { tenantId: E2E.quietTenant.id, email: E2E.users.admin, role: 'admin' });
}

function startWorker(): ChildProcess {
  mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
  const log = createWriteStream(path.join(ROOT, 'test-results', 'e2e-worker.log'));
  const child = spawn(process.execPath, workerNodeArgs(), {
    cwd: ROOT,
    env: { ...process.env, ...serviceEnv(), NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return child;
}

async function waitUntil<T>(what: string, probe: () => Promise<T | null | undefined>, timeoutMs = 60_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`e2e setup: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * A fresh crm_e2e database, one club with a realistic history processed by the real worker, one user per role, two
 * dead letters (one that stays, one whose fault is fixed so an admin's retry succeeds), and a second empty club.
 * Returns the teardown (stops the worker).
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  await freshDatabase();
  await clearQueues();
  const db = createDb({ url: E2E.databaseUrl, max: 4, owner: true });
  await createPeople(db);

  // The simulated downstream fault: the activity insert of one event fails on every attempt.
  await db.execute(sql.raw(`
    create function e2e_simulated_fault() returns trigger language plpgsql as $$
    begin
      if new.source_event_id = '${RETRY_EVENT_ID}' then raise exception 'simulated fault: the activity store rejected the write'; end if;
      return new;
    end $$`));
  await db.execute(
    sql.raw('create trigger e2e_simulated_fault before insert on activities for each row execute function e2e_simulated_fault()'),
  );

  await buildWorker();
  const worker = startWorker();
  const publisher = createPublisher({ prefix: E2E.queuePrefix, redisUrl: E2E.redisUrl });
  try {
    const demo = generateDemo({ tenantId: E2E.tenant.id, people: 30, seed: 4242, now: Date.now() });
    const items = [...demo.items.map(toPublishable), ...zaneleEvents(), ...lastingDeadLetterEvents()];
    const { rejected } = await publisher.publishMany(items);
    if (rejected.length > 0) throw new Error(`e2e setup: ${rejected.length} seed events rejected: ${rejected[0]?.error}`);
    await waitForDrain({ queue: publisher.queue, db, tenantId: E2E.tenant.id, stallMs: 60_000 });
    await waitUntil('the events without identity to be dead-lettered', async () => {
      const rows = await db.select({ id: deadLetters.id }).from(deadLetters).where(inArray(deadLetters.eventId, LASTING_DEAD_LETTERS));
      return rows.length === LASTING_DEAD_LETTERS.length;
    });

    await publisher.publish(retryEvent());
    await waitUntil('the retry event to be dead-lettered', async () => {
      const rows = await db.execute<{ n: number }>(sql`select count(*)::int as n from dead_letters where event_id = ${RETRY_EVENT_ID}`);
      return rows[0]!.n > 0;
    });
    // The fault is "fixed": from now on the event can succeed.
    await db.execute(sql`drop trigger e2e_simulated_fault on activities`);
    await db.execute(sql`drop function e2e_simulated_fault()`);
  } catch (error) {
    worker.kill('SIGTERM');
    throw error;
  } finally {
    await publisher.close();
    await db.$client.end({ timeout: 5 });
  }

  return async () => {
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r).once('error', r));
  };
}
