import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { retryDeadLetters } from '@/server/dead-letters/store';
import { bookingCreated, envelope, memberCreated } from '@/test/events';
import { count, createTenantRow, usePipeline, waitForSettled } from '@/test/pipeline';
import { waitFor } from '@/test/worker-process';

const actor = { id: 'test', label: 'test suite' };

describe('dead letters', () => {
  const t = usePipeline('deadletters');

  async function deadLetterOf(eventId: string) {
    const rows = await t.ctx.db.execute<{ reason: string; failed_step: string; error: string; attempts: number; tenant_id: string | null }>(
      sql`select reason, failed_step, error, attempts, tenant_id from dead_letters where event_id = ${eventId}`,
    );
    return rows[0];
  }

  // Acceptance 5: each non-retryable reason is dead-lettered within 2 s with its reason code and leaves no other row.
  const cases: { reason: string; name: string; data: () => Record<string, unknown>; id: string }[] = [
    {
      reason: 'invalid_envelope',
      name: 'event',
      id: 'evt_bad_envelope',
      data: () => ({ id: 'evt_bad_envelope', type: 'scl.member.created', tenantId: 'test-club', payload: {} }),
    },
    {
      reason: 'invalid_payload',
      name: 'event',
      id: 'evt_bad_payload',
      data: () => ({ ...memberCreated({ memberId: 5, email: 'a.b@example.org', id: 'evt_bad_payload' }), payload: { id: 5 } }),
    },
    {
      reason: 'unknown_event_type',
      name: 'event',
      id: 'evt_unknown_type',
      data: () => envelope({ id: 'evt_unknown_type', type: 'scl.locker.rented', source: 'scl', payload: { id: 1 } }),
    },
    {
      reason: 'unsupported_version',
      name: 'event',
      id: 'evt_v2',
      data: () => ({ ...bookingCreated({ email: 'v2@example.org', id: 'evt_v2' }), version: '2.0' }),
    },
    {
      reason: 'unknown_tenant',
      name: 'event',
      id: 'evt_late_tenant',
      data: () => bookingCreated({ email: 'late@example.org', id: 'evt_late_tenant', tenantId: 'late-club' }),
    },
    {
      reason: 'no_identity',
      name: 'event',
      id: 'evt_no_identity',
      data: () =>
        envelope({
          id: 'evt_no_identity',
          type: 'messaging.email.opened',
          source: 'messaging',
          identity: { email: 'null', phoneNumber: '0000000000' },
          payload: { messageId: 'msg-1', openedAt: new Date().toISOString() },
        }),
    },
  ];

  it.each(cases)('dead-letters $reason at once, leaving no other row', async ({ reason, name, data, id }) => {
    const body = data();
    const started = Date.now();
    await t.q.inbound.add(name, body);
    await waitFor(async () => Boolean(await deadLetterOf(id)), 2000, `dead letter ${id}`);
    expect(Date.now() - started).toBeLessThan(2000);
    const dl = await deadLetterOf(id);
    expect(dl.reason).toBe(reason);
    expect(dl.error.length).toBeGreaterThan(5);
    expect(dl.attempts).toBe(1);
    expect(await count(t.ctx.db, sql`select count(*) as n from activities where source_event_id = ${id}`)).toBe(0);
  });

  it('left no profile, activity or outbound event behind', async () => {
    expect(await count(t.ctx.db, sql`select count(*) as n from profiles`)).toBe(0);
    expect(await count(t.ctx.db, sql`select count(*) as n from activities`)).toBe(0);
    expect(await count(t.ctx.db, sql`select count(*) as n from outbox_journal`)).toBe(0);
  });

  it('processes a dead letter once its cause is fixed and it is retried', async () => {
    await createTenantRow(t.ctx.db, 'late-club');
    const result = await retryDeadLetters(t.ctx.db, { tenantId: undefined, eventIds: ['evt_late_tenant'], actor, queue: t.q.inbound });
    expect(result).toEqual({ requeued: 1, alreadyProcessed: 0, notFound: 0 });
    await waitFor(
      async () => (await count(t.ctx.db, sql`select count(*) as n from sync_log where event_id = 'evt_late_tenant' and status = 'SUCCESS'`)) === 1,
      5000,
      'retried event processed',
    );
    expect(await count(t.ctx.db, sql`select count(*) as n from activities where source_event_id = 'evt_late_tenant'`)).toBe(1);
    expect(await count(t.ctx.db, sql`select count(*) as n from dead_letters where event_id = 'evt_late_tenant' and resolved_at is not null`)).toBe(1);
    expect(await count(t.ctx.db, sql`select count(*) as n from audit_log where action = 'dead_letters.retry'`)).toBe(1);
  });

  // Acceptance 6: a transient failure is retried at ≈ 1 s, 2 s, 4 s and then dead-lettered with its error and step.
  it('retries a transient failure with backoff, dead-letters it, and a retry gets a fresh budget', async () => {
    // A real failure inside Postgres (not a mock): a trigger that rejects this one event's activity.
    await t.ctx.db.execute(sql`
      create or replace function fail_injected() returns trigger language plpgsql as $$
      begin
        if new.source_event_id = 'evt_flaky' then raise exception 'injected failure for evt_flaky'; end if;
        return new;
      end $$`);
    await t.ctx.db.execute(sql`create trigger fail_injected before insert on activities for each row execute function fail_injected()`);

    const event = bookingCreated({ email: 'flaky@example.org', id: 'evt_flaky' });
    const seen: number[] = [];
    let last = 0;
    const started = Date.now();
    await t.q.inbound.add('event', event);
    await waitFor(async () => {
      const rows = await t.ctx.db.execute<{ attempts: number; status: string }>(
        sql`select attempts, status from sync_log where event_id = 'evt_flaky'`,
      );
      const row = rows[0];
      if (row && row.attempts > last) {
        last = row.attempts;
        seen.push(Date.now() - started);
      }
      return row?.status === 'DEAD_LETTERED';
    }, 15_000, 'flaky event dead-lettered');

    // Failures at ~0 s, ~1 s, ~3 s, ~7 s (gaps of 1, 2, 4 s).
    expect(seen.length).toBeGreaterThanOrEqual(3);
    const gaps = seen.slice(1).map((t, i) => t - seen[i]);
    expect(gaps[0]).toBeGreaterThan(800);
    expect(gaps[0]).toBeLessThan(1800);
    expect(gaps[1]).toBeGreaterThan(1800);
    expect(gaps[1]).toBeLessThan(3000);
    const dl = await deadLetterOf('evt_flaky');
    expect(dl.reason).toBe('retries_exhausted');
    expect(dl.attempts).toBe(4);
    expect(dl.error).toContain('injected failure');
    expect(dl.failed_step).toBeTruthy();

    // Fix the cause and retry from the dead-letter store: a fresh budget, processed once.
    await t.ctx.db.execute(sql`drop trigger fail_injected on activities`);
    await retryDeadLetters(t.ctx.db, { tenantId: 'test-club', eventIds: ['evt_flaky'], actor, queue: t.q.inbound });
    await waitFor(
      async () => (await count(t.ctx.db, sql`select count(*) as n from sync_log where event_id = 'evt_flaky' and status = 'SUCCESS'`)) === 1,
      5000,
      'flaky event processed after retry',
    );

    // Retrying an already processed event changes nothing.
    const before = await count(t.ctx.db, sql`select count(*) as n from activities`);
    const again = await retryDeadLetters(t.ctx.db, { tenantId: 'test-club', eventIds: ['evt_flaky'], actor, queue: t.q.inbound });
    expect(again.requeued).toBe(0);
    await t.q.inbound.add('event', event, { jobId: 'evt_flaky-manual' });
    await waitForSettled(t.ctx.db, 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(await count(t.ctx.db, sql`select count(*) as n from activities`)).toBe(before);
  });
});
