import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';

/**
 * What the seeded data looks like once the worker has processed it, read straight from the database. The demo's
 * acceptance check: people known to SCL, TeeTime and Messaging must have ended up as one profile each.
 */

export interface CrossSourceSample {
  profileId: string;
  displayName: string | null;
  membershipTier: string | null;
  identities: Array<{ kind: string; value: string; source: string }>;
}

export interface DemoCheck {
  liveProfiles: number;
  /** Live profiles holding an sclMemberId, a teetimePlayerId and a messagingContactId. */
  inAllThreeSources: number;
  inTwoSources: number;
  inOneSource: number;
  mergedAway: number;
  openDuplicateCandidates: number;
  activities: number;
  syncLog: Record<string, number>;
  openDeadLetters: Record<string, number>;
  samples: CrossSourceSample[];
}

const SOURCE_KINDS = sql`('sclMemberId', 'teetimePlayerId', 'messagingContactId')`;

export async function checkDemo(db: Db, { tenantId, samples = 3 }: { tenantId: string; samples?: number }): Promise<DemoCheck> {
  const [coverage] = await db.execute<{ live: number; three: number; two: number; one: number; merged: number }>(sql`
    with linked as (
      select p.id, p.status, count(distinct i.kind) filter (where i.kind in ${SOURCE_KINDS}) as sources
      from profiles p
      left join profile_identities i on i.profile_id = p.id and i.tenant_id = p.tenant_id
      where p.tenant_id = ${tenantId}
      group by p.id, p.status
    )
    select
      count(*) filter (where status <> 'MERGED')::int as live,
      count(*) filter (where status <> 'MERGED' and sources = 3)::int as three,
      count(*) filter (where status <> 'MERGED' and sources = 2)::int as two,
      count(*) filter (where status <> 'MERGED' and sources = 1)::int as one,
      count(*) filter (where status = 'MERGED')::int as merged
    from linked`);

  const [{ duplicates }] = await db.execute<{ duplicates: number }>(
    sql`select count(*)::int as duplicates from duplicate_candidates where tenant_id = ${tenantId} and status = 'OPEN'`,
  );
  const [{ activities }] = await db.execute<{ activities: number }>(
    sql`select count(*)::int as activities from activities where tenant_id = ${tenantId}`,
  );
  const syncRows = await db.execute<{ status: string; n: number }>(
    sql`select status, count(*)::int as n from sync_log where tenant_id = ${tenantId} group by status order by status`,
  );
  const deadRows = await db.execute<{ reason: string; n: number }>(
    sql`select reason, count(*)::int as n from dead_letters where tenant_id = ${tenantId} and resolved_at is null group by reason order by reason`,
  );

  const sampleRows = await db.execute<{ id: string; display_name: string | null; membership_tier: string | null }>(sql`
    select p.id, p.display_name, p.membership_tier
    from profiles p
    where p.tenant_id = ${tenantId} and p.status <> 'MERGED'
      and (select count(distinct i.kind) from profile_identities i
           where i.profile_id = p.id and i.kind in ${SOURCE_KINDS}) = 3
    order by p.created_at, p.id
    limit ${samples}`);
  const sampleList: CrossSourceSample[] = [];
  for (const row of sampleRows) {
    const identities = await db.execute<{ kind: string; value: string; source: string }>(
      sql`select kind, value, source from profile_identities where tenant_id = ${tenantId} and profile_id = ${row.id} order by kind, value`,
    );
    sampleList.push({ profileId: row.id, displayName: row.display_name, membershipTier: row.membership_tier, identities: [...identities] });
  }

  return {
    liveProfiles: coverage?.live ?? 0,
    inAllThreeSources: coverage?.three ?? 0,
    inTwoSources: coverage?.two ?? 0,
    inOneSource: coverage?.one ?? 0,
    mergedAway: coverage?.merged ?? 0,
    openDuplicateCandidates: duplicates,
    activities,
    syncLog: Object.fromEntries(syncRows.map((r) => [r.status, r.n])),
    openDeadLetters: Object.fromEntries(deadRows.map((r) => [r.reason, r.n])),
    samples: sampleList,
  };
}

/** A few lines for a terminal. */
export function formatDemoCheck(check: DemoCheck): string {
  const n = (value: number) => value.toLocaleString('en');
  const lines = [
    `Profiles: ${n(check.liveProfiles)} live — ${n(check.inAllThreeSources)} linked to SCL + TeeTime + Messaging, ` +
      `${n(check.inTwoSources)} to two sources, ${n(check.inOneSource)} to one; ${n(check.mergedAway)} merged away; ` +
      `${n(check.openDuplicateCandidates)} open duplicate candidates`,
    `Activities: ${n(check.activities)}`,
    `Sync log: ${Object.entries(check.syncLog).map(([status, count]) => `${status} ${n(count)}`).join(', ') || 'empty'}`,
    `Open dead letters: ${Object.entries(check.openDeadLetters).map(([reason, count]) => `${reason} ${n(count)}`).join(', ') || 'none'}`,
  ];
  for (const sample of check.samples) {
    const ids = sample.identities.map((i) => `${i.kind}=${i.value} (${i.source})`).join(', ');
    lines.push(`  e.g. ${sample.displayName ?? '(no name)'}${sample.membershipTier ? ` [${sample.membershipTier}]` : ''}: ${ids}`);
  }
  return lines.join('\n');
}
