import { sql } from 'drizzle-orm';
import { lockNames } from '@/server/db/advisory-locks';
import type { Tx } from '@/server/db/client';
import { send } from '@/server/db/send';
import { isLiveStatus, type Tenant } from '@/server/db/schema';
import type { IdentityHints } from '@/server/events/envelope';
import { identifierKey, normalizeIdentifiers, type Identifier } from '@/server/identity/normalize';
import type { BatchState } from './batch-state';
import type { BatchResolution } from './batch-resolution';
import type { EventItem } from './types';

export interface Prepared {
  item: EventItem;
  /** Normalised identifiers of the envelope and the payload. */
  identifiers: Identifier[];
  warnings: string[];
  /** Already processed (SyncLog SUCCESS, or the same event earlier in this batch): acknowledge and skip. */
  duplicate: boolean;
  /**
   * The live profile that already owns every identifier of the event, when there is exactly one: the event needs
   * no identity resolution (the fast path). Rechecked under the row lock before use.
   */
  knownProfileId: string | null;
  /** Some identifier of the event already had an owner when the batch started. */
  anyKnown: boolean;
  /** The sync log already had a row for the event (a failed attempt, a dead letter, a retry): it may have a dead letter to resolve. */
  seenBefore: boolean;
  /** identifierKey → owning profile (and its status) when the batch started, for the identifiers that had one. */
  owners: Map<string, { profileId: string; status: string }>;
  /** Set when the batch resolved the event's identity in memory (resolveInBatch); otherwise resolveProfile does. */
  resolution?: BatchResolution;
}

/**
 * The batch's first round trip: claim every event (an advisory lock each, then one read of the sync log), and look
 * up every identifier and every payment id at once.
 */
export async function prefetch(
  tx: Tx,
  items: EventItem[],
  tenants: Map<string, Tenant>,
  state: BatchState,
): Promise<Prepared[]> {
  const seen = new Set<string>();
  const prepared: Prepared[] = [];
  for (const item of items) {
    const { envelope } = item.normalized;
    const key = `${envelope.source}|${envelope.id}`;
    const duplicate = seen.has(key);
    seen.add(key);
    const tenant = tenants.get(envelope.tenantId);
    prepared.push({ item, ...identifiersOf(item, tenant), duplicate, knownProfileId: null, anyKnown: false, owners: new Map(), seenBefore: false });
  }

  // The claim is a lock per event (a duplicate delivery on another worker waits here, then sees SUCCESS), then a read
  // of what the log already holds; the row itself is written once, with the outcome, at the end of the batch. The
  // read is a statement of its own, sent after the locks: its snapshot is taken once they are granted, so it sees
  // what a holder committed. Identifier owners and payments already counted are looked up for every claimed event
  // at the same time (a duplicate's answers are simply unused): all four statements share one round trip.
  const claims: Prepared[] = [];
  const keys: { source: string; event_id: string }[] = [];
  const lockKeys: string[] = [];
  const wanted: { tenant_id: string; kind: string; value: string }[] = [];
  // Payments already counted in lifetime value (each payment id counts once, §3).
  const payments: { tenant_id: string; payment_id: string }[] = [];
  for (const p of prepared) {
    if (p.duplicate) continue;
    claims.push(p);
    const { envelope, effects } = p.item.normalized;
    keys.push({ source: envelope.source, event_id: envelope.id });
    lockKeys.push(`sync_log|${envelope.source}|${envelope.id}`);
    for (const i of p.identifiers) wanted.push({ tenant_id: envelope.tenantId, kind: i.kind, value: i.value });
    const paymentId = effects.activity?.type === 'PAYMENT_RECEIVED' ? effects.activity.properties.paymentId : undefined;
    if (paymentId !== undefined) payments.push({ tenant_id: envelope.tenantId, payment_id: String(paymentId) });
  }
  const [, logged, byKey, paid] = await Promise.all([
    lockNames(tx, lockKeys),
    keys.length === 0
      ? []
      : send(
          // One unique-index probe per event (LATERAL … LIMIT 1 is never turned into a join): a plan cached while
          // the log was small would otherwise hash-join a full scan of it, which grows with every event processed.
          tx.execute<{ source: string; event_id: string; status: string; body_hash: string | null }>(sql`
            select v.source, v.event_id, l.status, l.body_hash
            from jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as v(source text, event_id text)
            cross join lateral (
              select s.status, s.body_hash from sync_log s
              where s.source = v.source and s.event_id = v.event_id
              limit 1) as l`),
        ),
    ownersOf(tx, wanted),
    payments.length === 0
      ? []
      : send(
          // One index probe per payment (LATERAL … LIMIT 1 cannot be turned into a join), so the plan prepared once
          // and cached stays right however large activities grows.
          tx.execute<{ tenant_id: string; payment_id: string }>(sql`
            select w.tenant_id, w.payment_id
            from jsonb_to_recordset(${JSON.stringify(payments)}::jsonb) as w(tenant_id text, payment_id text)
            cross join lateral (
              select 1 from activities a
              where a.tenant_id = w.tenant_id and a.type = 'PAYMENT_RECEIVED' and a.properties->>'paymentId' = w.payment_id
              limit 1) as counted`),
        ),
  ]);

  const earlier = new Map<string, (typeof logged)[number]>();
  for (const r of logged) earlier.set(`${r.source}|${r.event_id}`, r);
  const reused: { source: string; event_id: string }[] = [];
  for (const p of claims) {
    const e = p.item.normalized.envelope;
    const row = earlier.get(`${e.source}|${e.id}`);
    p.seenBefore = row !== undefined;
    if (row?.status !== 'SUCCESS') continue;
    p.duplicate = true;
    if (row.body_hash && row.body_hash !== p.item.bodyHash) reused.push({ source: e.source, event_id: e.id });
  }
  if (reused.length) {
    // Same id, different body: flagged on the sync log, never applied a second time.
    await tx.execute(sql`
      update sync_log l set warnings = array_append(l.warnings, 'id_reused_with_different_body')
      from jsonb_to_recordset(${JSON.stringify(reused)}::jsonb) as v(source text, event_id text)
      where l.source = v.source and l.event_id = v.event_id and not ('id_reused_with_different_body' = any(l.warnings))`);
  }

  for (const p of claims) {
    if (!p.duplicate && p.identifiers.length > 0) findOwners(p, byKey);
  }
  for (const row of paid) state.paymentsSeen.add(`${row.tenant_id}|${row.payment_id}`);
  return prepared;
}

/**
 * The event's identifiers, normalised in its club's country (none when the club is unknown: it is dead-lettered).
 */
function identifiersOf(item: EventItem, tenant: Tenant | undefined): { identifiers: Identifier[]; warnings: string[] } {
  const identifiers: Identifier[] = [];
  const warnings = [...item.normalized.warnings];
  if (!tenant) return { identifiers, warnings };
  const { envelope, effects } = item.normalized;
  for (const hints of [envelope.identity ?? {}, effects.identities] as IdentityHints[]) {
    const n = normalizeIdentifiers(hints, { country: tenant.country });
    for (const i of n.identifiers) identifiers.push(i);
    for (const w of n.warnings) warnings.push(w);
  }
  return { identifiers, warnings };
}

/**
 * Records who owned each of the event's identifiers when the batch started, and the one live profile owning them
 * all, if there is one (the fast path).
 */
function findOwners(p: Prepared, byKey: Map<string, { profileId: string; status: string }>) {
  const tenantId = p.item.normalized.envelope.tenantId;
  let allLive = true;
  let only: string | null = null;
  let several = false;
  for (const i of p.identifiers) {
    const key = identifierKey(i);
    const o = byKey.get(`${tenantId}|${key}`);
    if (!o) {
      allLive = false;
      continue;
    }
    p.anyKnown = true;
    p.owners.set(key, o);
    if (!isLiveStatus(o.status)) allLive = false;
    if (only === null) only = o.profileId;
    else if (only !== o.profileId) several = true;
  }
  if (allLive && !several) p.knownProfileId = only;
}

function ownersByKey(rows: { tenant_id: string; kind: string; value: string; profile_id: string; status: string }[]) {
  const owners = new Map<string, { profileId: string; status: string }>();
  for (const o of rows) {
    const key = identifierKey({ kind: o.kind as Identifier['kind'], value: o.value });
    owners.set(`${o.tenant_id}|${key}`, { profileId: o.profile_id, status: o.status });
  }
  return owners;
}

/** The owners of identifiers, one statement for any number: `tenant|identifierKey` → owning profile and its status. */
export function ownersOf(
  tx: Tx,
  wanted: { tenant_id: string; kind: string; value: string }[],
): Promise<Map<string, { profileId: string; status: string }>> {
  if (wanted.length === 0) return Promise.resolve(new Map());
  // Sent at once (see send).
  // One probe of the unique (tenant, kind, value) index per identifier, whatever the table statistics (see prefetch).
  const query = tx.execute<{ tenant_id: string; kind: string; value: string; profile_id: string; status: string }>(sql`
    select w.tenant_id, w.kind, w.value, o.profile_id, o.status
    from jsonb_to_recordset(${JSON.stringify(wanted)}::jsonb) as w(tenant_id text, kind text, value text)
    cross join lateral (
      select i.profile_id, p.status from profile_identities i
      join profiles p on p.id = i.profile_id
      where i.tenant_id = w.tenant_id and i.kind = w.kind and i.value = w.value
      limit 1) as o`);
  return send(query).then(ownersByKey);
}
