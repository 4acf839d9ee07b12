import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { inboundJobOptions } from '@/server/queue/job-options';
import { memberCreated } from '@/test/events';
import { count, usePipeline, waitForSettled } from '@/test/pipeline';
import { waitFor } from '@/test/worker-process';

// Acceptance 2: the same event delivered 5 times → one SUCCESS sync-log row, one activity, each outbound event once.
describe('redelivery', () => {
  const t = usePipeline('idempotency');

  it('applies an event once however often and however it is delivered', async () => {
    const event = memberCreated({ memberId: 91001, email: 'zanele.mokoena@example.org', firstName: 'Zanele', lastName: 'Mokoena' });
    const opts = inboundJobOptions(event.id, 2);

    // 1 + 2: the same job id twice (BullMQ keeps one), then wait for it to finish.
    await t.q.inbound.add('event', event, opts);
    await t.q.inbound.add('event', event, opts);
    await waitForSettled(t.ctx.db, 1);

    // 3 + 4: new job ids, no options at all (a producer that did not use the publisher).
    await t.q.inbound.add('scl.member.created', event);
    await t.q.inbound.add('anything', event, { jobId: `${event.id}-again` });

    // 5: the first job completed and was removed; the same job id is added again.
    const first = await t.q.inbound.getJob(opts.jobId!);
    await first?.remove();
    await t.q.inbound.add('event', event, opts);

    await waitFor(async () => (await t.q.inbound.getJobCounts('wait', 'active', 'delayed', 'prioritized')).wait === 0 &&
      (await t.q.inbound.getActiveCount()) === 0 && (await t.q.inbound.getPrioritizedCount()) === 0, 15_000, 'queue drained');
    await waitFor(async () => (await count(t.ctx.db, sql`select count(*) as n from outbox`)) === 0, 10_000, 'outbox relayed');

    expect(await count(t.ctx.db, sql`select count(*) as n from sync_log where event_id = ${event.id}`)).toBe(1);
    expect(await count(t.ctx.db, sql`select count(*) as n from sync_log where event_id = ${event.id} and status = 'SUCCESS'`)).toBe(1);
    expect(await count(t.ctx.db, sql`select count(*) as n from activities where source_event_id = ${event.id}`)).toBe(1);
    expect(await count(t.ctx.db, sql`select count(*) as n from profiles`)).toBe(1);
    expect(await count(t.ctx.db, sql`select count(*) as n from dead_letters`)).toBe(0);

    expect(await t.journal.ids('crm.profile.created')).toHaveLength(1);
    // Outbox ids are derived from the cause, so a redelivery could only add a row of a new type.
    const outboxIds = await t.journal.ids();
    expect(outboxIds.length).toBeGreaterThan(0);
    expect(await count(t.ctx.db, sql`select count(distinct type) as n from outbox_journal`)).toBe(outboxIds.length);
    // No id was written to the outbox twice (a redelivery re-running the event would write its ids again once sent).
    expect(await t.journal.writes()).toBe(outboxIds.length);
    // Every outbound id reached crm-outbound exactly once.
    const jobs = await t.q.outbound.getJobs(['waiting', 'prioritized', 'completed', 'delayed']);
    const jobIds = jobs.map((j) => j.id);
    expect(new Set(jobIds).size).toBe(jobIds.length);
    expect([...jobIds].sort()).toEqual([...outboxIds].sort());
  });
});
