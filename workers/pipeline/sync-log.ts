import { sql } from 'drizzle-orm';
import type { Tx } from '@/server/db/client';
import type { StepTiming } from '@/server/db/schema';

export interface Success {
  source: string;
  eventId: string;
  profileId: string | null;
  activityId: string | null;
  steps: StepTiming[];
  warnings: string[];
  /** The event had a sync-log row before this attempt (so possibly an open dead letter). */
  seenBefore: boolean;
}

/** Marks every successful event of a batch in one statement. */
export async function markSucceeded(tx: Tx, successes: Success[]): Promise<void> {
  if (successes.length === 0) return;
  const payload = JSON.stringify(
    successes.map((s) => ({
      source: s.source,
      event_id: s.eventId,
      profile_id: s.profileId,
      activity_id: s.activityId,
      steps: s.steps,
      warnings: s.warnings,
    })),
  );
  await tx.execute(sql`
    update sync_log l set
      status = 'SUCCESS',
      attempts = l.attempts + 1,
      profile_id = v.profile_id,
      activity_id = v.activity_id,
      steps = v.steps,
      warnings = v.warnings,
      error = null, error_code = null, failed_step = null,
      processed_at = clock_timestamp(), updated_at = now()
    from jsonb_to_recordset(${payload}::jsonb)
      as v(source text, event_id text, profile_id uuid, activity_id uuid, steps jsonb, warnings text[])
    where l.source = v.source and l.event_id = v.event_id`);
  // An event that had been dead-lettered (and was retried, or redelivered) is resolved by its success.
  const retried = successes.filter((s) => s.seenBefore).map((s) => ({ source: s.source, event_id: s.eventId }));
  if (retried.length === 0) return;
  await tx.execute(sql`
    update dead_letters d set resolved_at = now()
    from jsonb_to_recordset(${JSON.stringify(retried)}::jsonb) as v(source text, event_id text)
    where d.source = v.source and d.event_id = v.event_id and d.resolved_at is null`);
}
