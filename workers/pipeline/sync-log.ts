import { sql } from 'drizzle-orm';
import type { Tx } from '@/server/db/client';
import type { StepTiming } from '@/server/db/schema';

export interface Success {
  tenantId: string;
  source: string;
  eventId: string;
  eventType: string;
  bodyHash: string;
  /** The envelope's timestamp. */
  eventAt: string;
  profileId: string | null;
  activityId: string | null;
  steps: StepTiming[];
  warnings: string[];
  /** The event had a sync-log row before this attempt (so possibly an open dead letter). */
  seenBefore: boolean;
}

/**
 * An event's effects were about to commit a second time: its sync log row already says SUCCESS. The claim (advisory
 * lock, then a read of the log) makes this unreachable; if it ever happens the batch rolls back, runs again, and
 * the event's claim sees the SUCCESS and skips it. This refusal is what keeps every effect once at the database's
 * level, activities included (they have no unique index of their own).
 */
export class AlreadySucceededError extends Error {
  constructor(readonly events: { source: string; eventId: string }[]) {
    super(`already processed: ${events.map((e) => `${e.source}/${e.eventId}`).join(', ')}`);
    this.name = 'AlreadySucceededError';
  }
}

/**
 * Records every successful event of a batch in one statement: the batch only read the log when it claimed the
 * events (under their advisory locks), so this is the row's one write, an insert, or an update of the row a failed
 * attempt or a dead letter left, never of a SUCCESS (AlreadySucceededError).
 */
export async function markSucceeded(tx: Tx, successes: Success[]): Promise<void> {
  if (successes.length === 0) return;
  const records = [];
  // An event that had been dead-lettered (and was retried, or redelivered) is resolved by its success.
  const retried: { source: string; event_id: string }[] = [];
  for (const s of successes) {
    records.push({
      tenant_id: s.tenantId,
      source: s.source,
      event_id: s.eventId,
      event_type: s.eventType,
      body_hash: s.bodyHash,
      event_at: s.eventAt,
      profile_id: s.profileId,
      activity_id: s.activityId,
      steps: s.steps,
      warnings: s.warnings,
    });
    if (s.seenBefore) retried.push({ source: s.source, event_id: s.eventId });
  }
  const payload = JSON.stringify(records);
  const written = await tx.execute<{ source: string; event_id: string }>(sql`
    insert into sync_log (tenant_id, source, event_id, event_type, status, attempts, body_hash, event_at, profile_id,
      activity_id, steps, warnings, processed_at)
    select tenant_id, source, event_id, event_type, 'SUCCESS', 1, body_hash, event_at, profile_id, activity_id, steps,
      warnings, clock_timestamp()
    from jsonb_to_recordset(${payload}::jsonb) as v(tenant_id text, source text, event_id text, event_type text,
      body_hash text, event_at timestamptz, profile_id uuid, activity_id uuid, steps jsonb, warnings text[])
    on conflict (source, event_id) do update set
      status = 'SUCCESS',
      attempts = sync_log.attempts + 1,
      body_hash = excluded.body_hash,
      event_at = excluded.event_at,
      profile_id = excluded.profile_id,
      activity_id = excluded.activity_id,
      steps = excluded.steps,
      warnings = excluded.warnings,
      error = null, error_code = null, failed_step = null,
      processed_at = excluded.processed_at, updated_at = now()
    where sync_log.status <> 'SUCCESS'
    returning source, event_id`);
  if (written.length < successes.length) {
    const done = new Set(written.map((r) => `${r.source}|${r.event_id}`));
    throw new AlreadySucceededError(successes.filter((s) => !done.has(`${s.source}|${s.eventId}`)));
  }
  if (retried.length === 0) return;
  await tx.execute(sql`
    update dead_letters d set resolved_at = now()
    from jsonb_to_recordset(${JSON.stringify(retried)}::jsonb) as v(source text, event_id text)
    where d.source = v.source and d.event_id = v.event_id and d.resolved_at is null`);
}
