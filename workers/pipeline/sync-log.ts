import { sql } from 'drizzle-orm';
import type { Tx } from '@/server/db/client';
import type { StepTiming } from '@/server/db/schema';
import type { EventItem } from './types';

export interface Claim {
  /** The event was already processed: acknowledge and skip. */
  done: boolean;
}

/**
 * Claims the event's sync log row. The upsert takes the row lock, so a duplicate delivery on another worker waits
 * here until the first commits and then sees SUCCESS. A reused id with a different body is flagged, not applied.
 */
export async function claimSyncLog(tx: Tx, item: EventItem): Promise<Claim> {
  const { envelope } = item.normalized;
  const rows = await tx.execute<{ status: string; body_hash: string | null }>(sql`
    insert into sync_log (tenant_id, source, event_id, event_type, status, body_hash, event_at)
    values (${envelope.tenantId}, ${envelope.source}, ${envelope.id}, ${envelope.type}, 'PROCESSING',
            ${item.bodyHash}, ${envelope.timestamp})
    on conflict (source, event_id) do update set updated_at = now()
    returning status, body_hash`);
  const row = rows[0];
  if (row.status !== 'SUCCESS') return { done: false };
  if (row.body_hash && row.body_hash !== item.bodyHash) {
    await tx.execute(sql`
      update sync_log set warnings = array_append(warnings, 'id_reused_with_different_body')
      where source = ${envelope.source} and event_id = ${envelope.id}
        and not ('id_reused_with_different_body' = any(warnings))`);
  }
  return { done: true };
}

export interface Success {
  source: string;
  eventId: string;
  profileId: string | null;
  activityId: string | null;
  steps: StepTiming[];
  warnings: string[];
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
  await tx.execute(sql`
    update dead_letters d set resolved_at = now()
    from jsonb_to_recordset(${payload}::jsonb) as v(source text, event_id text)
    where d.source = v.source and d.event_id = v.event_id and d.resolved_at is null`);
}
