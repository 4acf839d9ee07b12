import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { createDb, type Database } from '@/server/db/client';
import { ensureDatabase, migrateDatabase } from '@/server/db/migrate';
import { tenants } from '@/server/db/schema';
import { ensureSystemSegments } from '@/server/segments/system';
import type { Cleanup } from './cleanup';

const BASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/crm';

export interface ChaosDatabase {
  url: string;
  db: Database;
}

/** A fresh database from the real migrations, with the run's tenants; dropped by the cleanup. */
export async function freshDatabase(cleanup: Cleanup, label: string, tenantIds: string[]): Promise<ChaosDatabase> {
  const name = `crm_chaos_${label}_${randomBytes(3).toString('hex')}`;
  const url = new URL(BASE_URL);
  if (!['127.0.0.1', 'localhost', '::1'].includes(url.hostname)) throw new Error(`Refusing to run chaos against ${url.hostname}`);
  url.pathname = `/${name}`;
  await ensureDatabase(url.toString());
  cleanup.add(`database ${name}`, async () => {
    const admin = new URL(url);
    admin.pathname = '/postgres';
    const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
    try {
      await sql.unsafe(`drop database if exists "${name}" with (force)`);
    } finally {
      await sql.end();
    }
  });
  await migrateDatabase(url.toString());
  const db = createDb({ url: url.toString(), max: 3, owner: true });
  cleanup.add(`connections to ${name}`, () => db.$client.end({ timeout: 2 }));
  // The nightly scoring sweep is scheduled 12 hours away, so it cannot run during a scenario and change its counts.
  const sweepHour = (new Date().getUTCHours() + 12) % 24;
  await db.insert(tenants).values(tenantIds.map((id) => ({ id, name: `Chaos ${id}`, country: 'ZA', timeZone: 'UTC', sweepHour })));
  // Every club has its system segments (createTenant makes them), so every event pays for their evaluation here too.
  for (const id of tenantIds) await ensureSystemSegments(db, id);
  return { url: url.toString(), db };
}

/** The same database reached through a proxy on `port`. */
export function viaPort(databaseUrl: string, port: number): string {
  const url = new URL(databaseUrl);
  url.port = String(port);
  return url.toString();
}
