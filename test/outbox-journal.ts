import { sql } from 'drizzle-orm';
import type { Database } from '@/server/db/client';

/**
 * Instrumentation for tests and chaos runs (never a migration): the relay deletes each outbox row as it sends it, so
 * to check what a test's events wrote there while a relay runs, a trigger copies each outbox row ever written into
 * `outbox_journal` (query it like the outbox). Needs the owner connection; call it before any event is processed.
 */
export async function journalOutbox(db: Database) {
  // One row per insert, not per id: an id written twice (a cause re-run after its row was sent) shows as two.
  await db.execute(sql`create table outbox_journal (id text not null, tenant_id text not null, type text not null, envelope jsonb not null)`);
  // SECURITY DEFINER: the app role writes the outbox; the journal is the owner's and has no row-level policy.
  await db.execute(sql.raw(`
    create function outbox_journal_add() returns trigger language plpgsql security definer as $$
    begin
      insert into outbox_journal (id, tenant_id, type, envelope) select id, tenant_id, type, envelope from written;
      return null;
    end $$`));
  await db.execute(sql`
    create trigger outbox_journal after insert on outbox referencing new table as written
    for each statement execute function outbox_journal_add()`);
  return {
    /** Every outbox id written so far, once each. */
    async ids(type?: string): Promise<string[]> {
      const rows = await db.execute<{ id: string }>(
        type ? sql`select distinct id from outbox_journal where type = ${type}` : sql`select distinct id from outbox_journal`,
      );
      return rows.map((r) => r.id);
    },
    /** How many rows were inserted into the outbox (an id written twice counts twice). */
    async writes(): Promise<number> {
      const [row] = await db.execute<{ n: number }>(sql`select count(*)::int as n from outbox_journal`);
      return row.n;
    },
  };
}
