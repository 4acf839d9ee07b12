import { hash } from 'node:crypto';
import type { Db } from '../db/client';
import { sql } from 'drizzle-orm';
import { outboundPayloadSchemas, type OutboundEnvelope, type OutboundPayload, type OutboundType } from './catalog';

export interface OutboundDraft<T extends OutboundType> {
  tenantId: string;
  type: T;
  payload: OutboundPayload<T>;
  /** The inbound event id (or job/actor id) that caused it. */
  correlationId: string | null;
  /**
   * What makes this outbound event unique for its cause (e.g. profile id, segment id + change). The id is a hash
   * of cause + type + key, so re-running the same inbound event after a rollback yields the same ids.
   */
  key: string;
  at?: Date;
}

export function outboundId(type: string, correlationId: string | null, key: string): string {
  const digest = hash('sha256', `${type}|${correlationId ?? ''}|${key}`, 'hex').slice(0, 32);
  return `crm_${digest}`;
}

export function buildOutbound<T extends OutboundType>(draft: OutboundDraft<T>): OutboundEnvelope<T> {
  const payload = outboundPayloadSchemas[draft.type].parse(draft.payload) as OutboundPayload<T>;
  return {
    id: outboundId(draft.type, draft.correlationId, draft.key),
    type: draft.type,
    version: '1.0',
    timestamp: (draft.at ?? new Date()).toISOString(),
    tenantId: draft.tenantId,
    source: 'crm',
    correlationId: draft.correlationId,
    payload,
  };
}

/**
 * Writes outbound events to the outbox in the caller's transaction: they leave only if the change that caused them
 * commits. Duplicate ids (a re-run of the same cause) are ignored. One JSON parameter for the whole set: a sweep
 * writes thousands at a time, and a multi-row VALUES list costs several times more to build and parse.
 */
export async function writeOutbox(tx: Db, drafts: OutboundDraft<OutboundType>[]): Promise<void> {
  if (drafts.length === 0) return;
  const rows = [];
  for (const d of drafts) {
    const envelope = buildOutbound(d);
    rows.push({ id: envelope.id, tenant_id: d.tenantId, type: d.type, envelope });
  }
  await tx.execute(sql`
    insert into outbox (id, tenant_id, type, envelope)
    select id, tenant_id, type, envelope
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(id text, tenant_id text, type text, envelope jsonb)
    on conflict (id) do nothing`);
}
