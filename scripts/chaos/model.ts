import { sql } from 'drizzle-orm';
import type { Database } from '@/server/db/client';

/**
 * What one tenant's data ends as, reduced to the counts a fault could change.
 *
 * Identity resolution depends on arrival order: when a source's first event for a person arrives after another
 * source's profile for them, merge protection may keep two profiles and record a duplicate candidate for staff. Two
 * fault-free runs of the same events already differ that way (concurrency alone reorders them), and every fault
 * that delays a job (a redelivery after a kill, a backlog draining by priority) does more of it. So profiles are
 * compared as people: live profiles joined along open duplicate candidates, which does not depend on order. The raw
 * counts that do are kept for the report but not compared.
 */
export interface TenantState {
  /** Live (not merged or deleted) profiles, with those an open duplicate candidate pairs counted as one. */
  people: number;
  profilesByStatus: Record<string, number>;
  openDuplicateCandidates: number;
  activities: number;
  distinctActivities: number;
  /** Activities other than CONTACT_UPDATED, whose existence depends on order (an update that changes nothing). */
  eventActivities: number;
  /**
   * Sum of the lifetime value of profiles not merged away: a payment applied twice shows here even when no row is
   * duplicated. A merged-away profile keeps its value and the survivor adds it to its own, so summing those too
   * counted each merge's payments twice, and merges depend on arrival order (a crash run merged more than the model).
   */
  lifetimeValue: number;
  identities: number;
  deadByReason: Record<string, number>;
}

export interface StoreState {
  tenants: Record<string, TenantState>;
  /** Final sync-log status per event, keyed `source|event id`. */
  statuses: Map<string, string>;
}

const NO_TENANT = '(none)';

function emptyTenant(): TenantState {
  return {
    people: 0, profilesByStatus: {}, openDuplicateCandidates: 0, activities: 0, distinctActivities: 0, eventActivities: 0,
    lifetimeValue: 0, identities: 0, deadByReason: {},
  };
}

/** Connected components of live profiles, edges = open duplicate candidates (union-find). */
function countPeople(profileIds: string[], pairs: [string, string][]): number {
  const parent = new Map(profileIds.map((id) => [id, id]));
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(id, root);
    return root;
  };
  let components = profileIds.length;
  for (const [a, b] of pairs) {
    if (!parent.has(a) || !parent.has(b)) continue;
    const [ra, rb] = [find(a), find(b)];
    if (ra !== rb) {
      parent.set(ra, rb);
      components--;
    }
  }
  return components;
}

/** Reads the final state of a database the pipeline wrote. */
export async function snapshot(db: Database): Promise<StoreState> {
  const tenants: Record<string, TenantState> = {};
  const of = (id: string | null) => (tenants[id ?? NO_TENANT] ??= emptyTenant());

  for (const r of await db.execute<{ tenant_id: string; status: string; n: number }>(sql`select tenant_id, status, count(*)::int as n from profiles group by 1, 2`)) {
    of(r.tenant_id).profilesByStatus[r.status] = r.n;
  }
  for (const r of await db.execute<{ tenant_id: string | null; reason: string; n: number }>(sql`select tenant_id, reason, count(*)::int as n from dead_letters group by 1, 2`)) {
    of(r.tenant_id).deadByReason[r.reason] = r.n;
  }
  const totals = await db.execute<{ tenant_id: string; activities: number; distinct_activities: number; event_activities: number; ltv: number; identities: number; candidates: number }>(sql`
    select t.id as tenant_id,
      (select count(*)::int from activities a where a.tenant_id = t.id) as activities,
      (select count(*)::int from (select distinct source, source_event_id from activities a where a.tenant_id = t.id) d) as distinct_activities,
      (select count(*)::int from activities a where a.tenant_id = t.id and a.type <> 'CONTACT_UPDATED') as event_activities,
      (select coalesce(sum(lifetime_value), 0)::bigint from profiles p where p.tenant_id = t.id and p.status <> 'MERGED') as ltv,
      (select count(*)::int from profile_identities i where i.tenant_id = t.id and i.unlinked_at is null) as identities,
      (select count(*)::int from duplicate_candidates c where c.tenant_id = t.id and c.status = 'OPEN') as candidates
    from tenants t`);
  for (const r of totals) {
    Object.assign(of(r.tenant_id), {
      activities: r.activities, distinctActivities: r.distinct_activities, eventActivities: r.event_activities,
      lifetimeValue: Number(r.ltv), identities: r.identities, openDuplicateCandidates: r.candidates,
    });
    const live = await db.execute<{ id: string }>(sql`select id from profiles where tenant_id = ${r.tenant_id} and status in ('ACTIVE', 'INACTIVE')`);
    const pairs = await db.execute<{ a: string; b: string }>(sql`
      select profile_a as a, profile_b as b from duplicate_candidates where tenant_id = ${r.tenant_id} and status = 'OPEN'`);
    of(r.tenant_id).people = countPeople(live.map((p) => p.id), pairs.map((p) => [p.a, p.b]));
  }
  const statuses = new Map<string, string>();
  for (const r of await db.execute<{ source: string; event_id: string; status: string }>(sql`select source, event_id, status from sync_log`)) {
    statuses.set(`${r.source}|${r.event_id}`, r.status);
  }
  return { tenants, statuses };
}

export interface Comparison {
  /** Model events whose final status here differs (missing, still pending, failed, or dead where the model succeeded). */
  lost: number;
  /** Activity rows beyond one per event, and activities beyond the model's. */
  duplicated: number;
  deadLettered: number;
  modelDeadLettered: number;
  /** Differences from the model: each one fails the scenario. */
  problems: string[];
  /** Order-dependent counts next to the model's, for the report (see TenantState). */
  orderDependent: string[];
}

const total = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

/** Compares a chaos run's final state with the reference model, tenant by tenant. */
export function compare(model: StoreState, actual: StoreState): Comparison {
  const problems: string[] = [];
  const orderDependent: string[] = [];
  let lost = 0;
  const lostExamples: string[] = [];
  for (const [key, status] of model.statuses) {
    const got = actual.statuses.get(key);
    if (got !== status) {
      lost++;
      if (lostExamples.length < 3) lostExamples.push(`${key} ${got ?? 'missing'} (model ${status})`);
    }
  }
  if (lost) problems.push(`${lost} events not in the model's final status, e.g. ${lostExamples.join('; ')}`);
  const extra = [...actual.statuses.keys()].filter((k) => !model.statuses.has(k)).length;
  if (extra) problems.push(`${extra} sync-log entries the model does not have`);

  let duplicated = 0;
  let deadLettered = 0;
  let modelDeadLettered = 0;
  for (const tenantId of new Set([...Object.keys(model.tenants), ...Object.keys(actual.tenants)])) {
    const m = model.tenants[tenantId] ?? emptyTenant();
    const a = actual.tenants[tenantId] ?? emptyTenant();
    duplicated += a.activities - a.distinctActivities + Math.max(0, a.eventActivities - m.eventActivities);
    deadLettered += total(a.deadByReason);
    modelDeadLettered += total(m.deadByReason);
    const exact: [string, number, number][] = [
      ['people (profiles joined along open duplicate candidates)', a.people, m.people],
      ['duplicate activity rows', a.activities - a.distinctActivities, 0],
      ['activities (other than CONTACT_UPDATED)', a.eventActivities, m.eventActivities],
      ['lifetime value', a.lifetimeValue, m.lifetimeValue],
      ['identities', a.identities, m.identities],
      ...Object.keys({ ...m.deadByReason, ...a.deadByReason }).map((r): [string, number, number] => [`dead letters ${r}`, a.deadByReason[r] ?? 0, m.deadByReason[r] ?? 0]),
    ];
    for (const [what, got, want] of exact) if (got !== want) problems.push(`${tenantId}: ${what} ${got} (model ${want})`);
    if (tenantId !== NO_TENANT) {
      orderDependent.push(
        `${tenantId}: ${total(a.profilesByStatus)} profiles, ${a.openDuplicateCandidates} open duplicate candidates, ${a.activities} activities ` +
          `(model ${total(m.profilesByStatus)}, ${m.openDuplicateCandidates}, ${m.activities}) → ${a.people} people (model ${m.people})`,
      );
    }
  }
  return { lost, duplicated, deadLettered, modelDeadLettered, problems, orderDependent };
}

/** Events with a final status (SUCCESS or DEAD_LETTERED): what "settled" means for waiting. */
export async function settledCount(db: Database): Promise<number> {
  const [r] = await db.execute<{ n: number }>(sql`select count(*)::int as n from sync_log where status in ('SUCCESS', 'DEAD_LETTERED')`);
  return r.n;
}
