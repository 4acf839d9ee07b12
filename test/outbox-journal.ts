import { sql } from 'drizzle-orm';
import type { Database } from '@/server/db/client';

/**
 * Instrumentation for tests and chaos runs (never a migration): the relay deletes each outbox row as it sends it, so
 * to check what a test's events wrote there while a relay runs, a trigger copies each outbox row ever written into
 * `outbox_journal` (query it like the outbox). Needs the owner connection; call it before any event is processed.
 */
export async function journalOutbox(db: Database) {
  await db.execute(sql`create table outbox_journal (id text primary key, tenant_id text not null, type text not null, envelope jsonb not null)`);
  // SECURITY DEFINER: the app role writes the outbox; the journal is the owner's and has no row-level policy.
  await db.execute(sql.raw(`
    create function outbox_journal_add() returns trigger language plpgsql security definer as $$
    begin
      insert into outbox_journal (id, tenant_id, type, envelope) select id, tenant_id, type, envelope from written
      on conflict do nothing;
      return null;
    end $$`));
  await db.execute(sql`
    create trigger outbox_journal after insert on outbox referencing new table as written
    for each statement execute function outbox_journal_add()`);
  return {
    /** Every outbox id written so far (distinct: an id written again after it was sent counts once). */
    async ids(type?: string): Promise<string[]> {
      const rows = await db.execute<{ id: string }>(
        type ? sql`select id from outbox_journal where type = ${type}` : sql`select id from outbox_journal`,
      );
      return rows.map((r) => r.id);
    },
  };
}
