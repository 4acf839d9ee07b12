import { sql } from 'drizzle-orm';
import { lockNames } from '@/server/db/advisory-locks';
import type { Tx } from '@/server/db/client';
import { send } from '@/server/db/send';
import type { Tenant } from '@/server/db/schema';
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
  const prepared: Prepared[] = items.map((item) => {
    const { envelope, effects } = item.normalized;
    const key = `${envelope.source}|${envelope.id}`;
    const duplicate = seen.has(key);
    seen.add(key);
    const tenant = tenants.get(envelope.tenantId);
    const identifiers: Identifier[] = [];
    const warnings = [...item.normalized.warnings];
    if (tenant) {
      for (const hints of [envelope.identity ?? {}, effects.identities] as IdentityHints[]) {
        const n = normalizeIdentifiers(hints, { country: tenant.country });
        identifiers.push(...n.identifiers);
        warnings.push(...n.warnings);
      }
    }
    return { item, identifiers, warnings, duplicate, knownProfileId: null, anyKnown: false, owners: new Map(), seenBefore: false };
  });

  // The claim is a lock per event (a duplicate delivery on another worker waits here, then sees SUCCESS), then a read
  // of what the log already holds; the row itself is written once, with the outcome, at the end of the batch. The
  // read is a statement of its own, sent after the locks: its snapshot is taken once they are granted, so it sees
  // what a holder committed. Identifier owners and payments already counted are looked up for every claimed event
  // at the same time (a duplicate's answers are simply unused): all four statements share one round trip.
  const claims = prepared.filter((p) => !p.duplicate);
  const keys = claims.map(({ item }) => ({ source: item.normalized.envelope.source, event_id: item.normalized.envelope.id }));
  const wanted = claims.flatMap((p) =>
    p.identifiers.map((i) => ({ tenant_id: p.item.normalized.envelope.tenantId, kind: i.kind, value: i.value })),
  );
  // Payments already counted in lifetime value (each payment id counts once, §3).
  const payments = claims.flatMap((p) => {
    const activity = p.item.normalized.effects.activity;
    const paymentId = activity?.type === 'PAYMENT_RECEIVED' ? activity.properties.paymentId : undefined;
    return paymentId !== undefined ? [{ tenant_id: p.item.normalized.envelope.tenantId, payment_id: String(paymentId) }] : [];
  });
  const [, logged, byKey, paid] = await Promise.all([
    lockNames(tx, keys.map((k) => `sync_log|${k.source}|${k.event_id}`)),
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

  const earlier = new Map(logged.map((r) => [`${r.source}|${r.event_id}`, r]));
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
    if (p.duplicate || p.identifiers.length === 0) continue;
    const tenantId = p.item.normalized.envelope.tenantId;
    const found = p.identifiers.map((i) => byKey.get(`${tenantId}|${identifierKey(i)}`));
    p.anyKnown = found.some(Boolean);
    p.identifiers.forEach((i, n) => {
      const o = found[n];
      if (o) p.owners.set(identifierKey(i), o);
    });
    if (found.some((o) => !o || (o.status !== 'ACTIVE' && o.status !== 'INACTIVE'))) continue;
    const ids = new Set(found.map((o) => o!.profileId));
    if (ids.size === 1) p.knownProfileId = [...ids][0];
  }
  for (const row of paid) state.paymentsSeen.add(`${row.tenant_id}|${row.payment_id}`);
  return prepared;
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
  return send(query).then((rows) => new Map(
    rows.map((o) => [
      `${o.tenant_id}|${identifierKey({ kind: o.kind as Identifier['kind'], value: o.value })}`,
      { profileId: o.profile_id, status: o.status },
    ]),
  ));
}
