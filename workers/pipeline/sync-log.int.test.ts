import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setScope } from '@/server/db/scope';
import type { CrmEvent } from '@/server/events/envelope';
import { logger } from '@/server/logger';
import { createTestContext, type TestContext } from '@/test/harness';
import { count, createTenantRow, eventItem } from '@/test/pipeline';
import { createJobHandler } from '../job-handler';
import { processBatch } from './process-batch';
import { AlreadySucceededError, markSucceeded, type Success } from './sync-log';

const T = 'test-club';
let n = 0;

function member(): CrmEvent {
  n++;
  return {
    id: `evt-sl-${n}`, type: 'scl.member.created', version: '1.0', timestamp: new Date(Date.UTC(2026, 10, 1, 8, n)).toISOString(),
    tenantId: T, source: 'scl', identity: { sclMemberId: 7000 + n },
    payload: { id: 7000 + n, firstName: 'Thandi', lastName: `Nkosi ${n}`, status: 'ACTIVE', membershipTierId: 1, membershipTierName: 'Gold', createdAt: '2026-11-01T08:00:00Z' },
  } as CrmEvent;
}

function success(e: CrmEvent): Success {
  return { tenantId: T, source: e.source, eventId: e.id, eventType: e.type, bodyHash: 'h', eventAt: e.timestamp, profileId: null, activityId: null, steps: [], warnings: [], seenBefore: true };
}

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext('sync-log');
  await createTenantRow(ctx.db);
});
afterAll(() => ctx.cleanup());

const logRow = async (e: CrmEvent) =>
  (await ctx.db.execute<{ status: string; attempts: number }>(sql`select status, attempts from sync_log where event_id = ${e.id}`))[0];
const activitiesOf = (e: CrmEvent) => count(ctx.db, sql`select count(*) as n from activities where source_event_id = ${e.id}`);

// Activities have no unique index on the event id (migration 0012): the sync log's one SUCCESS per event is the
// database's own guard that an event's effects commit once.
describe('the sync log refuses a second success', () => {
  it('rolls back a transaction that would record an event a second time', async () => {
    const e = member();
    expect((await processBatch(ctx.appDb, [eventItem(e)]))[0]).toMatchObject({ status: 'SUCCESS' });
    // A transaction that got past the claim without seeing the SUCCESS (the claim prevents it; this is the backstop).
    const second = ctx.appDb.transaction(async (tx) => {
      await setScope(tx, 'system');
      await tx.execute(sql`insert into activities (tenant_id, profile_id, source, source_event_id, event_type, type, title, occurred_at)
        select tenant_id, profile_id, source, source_event_id, event_type, type, title, occurred_at from activities where source_event_id = ${e.id}`);
      await markSucceeded(tx, [success(e)]);
    });
    await expect(second).rejects.toBeInstanceOf(AlreadySucceededError);
    await expect(second).rejects.toThrow(`already processed: scl/${e.id}`);
    expect(await activitiesOf(e)).toBe(1);
    expect(await logRow(e)).toEqual({ status: 'SUCCESS', attempts: 1 });
  });

  it('records the success of an event whose earlier attempt failed', async () => {
    const e = member();
    await ctx.db.execute(sql`insert into sync_log (tenant_id, source, event_id, event_type, status, attempts, error)
      values (${T}, 'scl', ${e.id}, ${e.type}, 'FAILED', 1, 'deadlock detected')`);
    expect((await processBatch(ctx.appDb, [eventItem(e)]))[0]).toMatchObject({ status: 'SUCCESS' });
    expect(await logRow(e)).toEqual({ status: 'SUCCESS', attempts: 2 });
    expect(await activitiesOf(e)).toBe(1);
  });

  it('answers DUPLICATE, not a retry or a dead letter, when a run fails for an event another delivery completed', async () => {
    const e = member();
    expect((await processBatch(ctx.appDb, [eventItem(e)]))[0]).toMatchObject({ status: 'SUCCESS' });
    const handler = createJobHandler({
      db: ctx.appDb, logger, lanes: 1, maxBatch: 10,
      beforeBatch: () => {
        throw new Error('the connection dropped the batch');
      },
    });
    const result = await handler.handle({ id: e.id, name: 'event', data: e, timestamp: Date.now(), takenAt: Date.now() });
    expect(result).toEqual({ outcome: { status: 'DUPLICATE' } });
    expect(await logRow(e)).toEqual({ status: 'SUCCESS', attempts: 1 });
    expect(await count(ctx.db, sql`select count(*) as n from dead_letters`)).toBe(0);
  });
});

describe('the steps a success records', () => {
  it('split the wait before the batch into the queue (enqueue → BullMQ took it) and the handoff (→ the pipeline began)', async () => {
    const e = member();
    const now = Date.now();
    const handler = createJobHandler({ db: ctx.appDb, logger, lanes: 1, maxBatch: 10 });
    expect(await handler.handle({ id: e.id, name: 'event', data: e, timestamp: now - 100, takenAt: now - 40 })).toMatchObject({ outcome: { status: 'SUCCESS' } });
    const [row] = await ctx.db.execute<{ steps: { step: string; ms: number }[] }>(sql`select steps from sync_log where event_id = ${e.id}`);
    const [queue, handoff] = row.steps;
    expect(queue).toEqual({ step: 'queue_wait', ms: 60 });
    expect(handoff.step).toBe('handoff');
    expect(handoff.ms).toBeGreaterThanOrEqual(40);
    expect(handoff.ms).toBeLessThan(1000);
  });

  it('are in the order they ran: waits and parse, the batch prefetch, the event steps, then the batch scoring', async () => {
    const item = eventItem(member());
    item.steps.push({ step: 'queue_wait', ms: 3 }, { step: 'parse', ms: 0.1 }, { step: 'batch_wait', ms: 2 });
    expect((await processBatch(ctx.appDb, [item, eventItem(member())]))[0]).toMatchObject({ status: 'SUCCESS' });
    const [row] = await ctx.db.execute<{ steps: { step: string }[] }>(sql`select steps from sync_log where event_id = ${item.normalized.envelope.id}`);
    expect(row.steps.map((s) => s.step)).toEqual([
      'queue_wait', 'parse', 'batch_wait', 'prefetch (batch of 2)',
      'resolve_identity', 'update_profile', 'create_activity', 'outbox',
      'score_and_segments (batch of 2)',
    ]);
  });
});
