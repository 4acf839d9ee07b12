import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { bookingCreated, memberCreated } from '@/test/events';
import { count, usePipeline } from '@/test/pipeline';
import { waitFor } from '@/test/worker-process';
import { storableText } from '@/server/storable-text';

/**
 * The bad-input matrix: each row is a job a careless or hostile producer could add. Every one ends processed or
 * dead-lettered with a specific reason, and never leaves a partial row behind. (Unknown type, unsupported version,
 * unknown tenant, no identity and invalid payloads are rows of workers/dead-letters.int.test.ts.)
 */
describe('bad input', () => {
  const t = usePipeline('badinput');

  /** The one dead letter of the test (each row clears them after itself). */
  async function onlyDeadLetter() {
    await waitFor(async () => (await count(t.ctx.db, sql`select count(*) as n from dead_letters`)) === 1, 5000, 'a dead letter');
    const [row] = await t.ctx.db.execute<{ reason: string; error: string }>(sql`select reason, error from dead_letters`);
    return row;
  }

  async function processed(eventId: string) {
    await waitFor(
      async () => (await count(t.ctx.db, sql`select count(*) as n from sync_log where event_id = ${eventId} and status = 'SUCCESS'`)) === 1,
      5000,
      `${eventId} processed`,
    );
    const [row] = await t.ctx.db.execute<{ warnings: string[]; event_at: string }>(sql`select warnings, event_at from sync_log where event_id = ${eventId}`);
    return row;
  }

  it.each([
    ['not JSON (a bare string)', 'not json {', /not an object|object/i],
    ['wrong types', { ...memberCreated({ memberId: 1, email: 'a@example.org' }), id: 'evt_wrong_types', timestamp: 12345, identity: 'x' }, /timestamp/],
    ['a missing id', (() => { const e: Record<string, unknown> = { ...memberCreated({ memberId: 2, email: 'b@example.org' }) }; delete e.id; return e; })(), /id/],
    ['a payload of 64 KiB + 1', { ...bookingCreated({ email: 'big@example.org', id: 'evt_big' }), payload: { blob: 'x'.repeat(64 * 1024 + 1) } }, /bytes.*limit/],
  ])('dead-letters %s as invalid_envelope', async (_label, data, message) => {
    await t.q.inbound.add('event', data);
    const dl = await onlyDeadLetter();
    expect(dl.reason).toBe('invalid_envelope');
    expect(dl.error).toMatch(message);
    await t.ctx.db.execute(sql`delete from dead_letters`);
    expect(await count(t.ctx.db, sql`select count(*) as n from profiles`)).toBe(0);
  });

  it('dead-letters an unparseable event whose id holds a NUL under the id PostgreSQL can store', async () => {
    const id = 'evt_nul\u0000inside';
    await t.q.inbound.add('event', { ...memberCreated({ memberId: 3, email: 'c@example.org' }), id, timestamp: 12345 });
    const dl = await onlyDeadLetter();
    expect(dl.reason).toBe('invalid_envelope');
    const [row] = await t.ctx.db.execute<{ event_id: string; status: string }>(
      sql`select l.event_id, l.status from sync_log l join dead_letters d using (source, event_id)`,
    );
    expect(row).toEqual({ event_id: storableText(id), status: 'DEAD_LETTERED' });
    await t.ctx.db.execute(sql`delete from dead_letters`);
  });

  it('drops an invalid E.164 phone and junk values with a warning, and uses what is left', async () => {
    const event = { ...bookingCreated({ email: 'keeps.email@example.org', id: 'evt_bad_phone' }) };
    event.identity = { ...event.identity, phoneNumber: '+2700', authUserId: 'anonymous' };
    await t.q.inbound.add('event', event);
    const row = await processed('evt_bad_phone');
    expect(row.warnings.some((w) => w.startsWith('invalid_phone_dropped'))).toBe(true);
    expect(row.warnings.some((w) => w.startsWith('junk_identifier_dropped'))).toBe(true);
    expect(JSON.stringify(row.warnings)).not.toContain('+2700');
    expect(await count(t.ctx.db, sql`select count(*) as n from profile_identities where kind in ('phone', 'authUserId')`)).toBe(0);
  });

  it.each([
    ['2 hours', 2 * 3_600_000],
    ['2 days', 2 * 86_400_000],
  ])('clamps a timestamp %s in the future to the receive time and flags it', async (label, ahead) => {
    const id = `evt_future_${label.replace(' ', '_')}`;
    const sent = Date.now();
    await t.q.inbound.add('event', bookingCreated({ email: `future.${ahead}@example.org`, id, at: new Date(sent + ahead) }));
    const row = await processed(id);
    expect(row.warnings).toContain('timestamp_in_future');
    expect(new Date(row.event_at).getTime()).toBeLessThan(sent + 60_000);
    const [activity] = await t.ctx.db.execute<{ occurred_at: string }>(sql`select occurred_at from activities where source_event_id = ${id}`);
    expect(new Date(activity.occurred_at).getTime()).toBeLessThan(sent + 60_000);
  });

  it('flags an id reused with a different body and does not apply it twice', async () => {
    const first = memberCreated({ memberId: 777, email: 'first.body@example.org', firstName: 'First', id: 'evt_reused' });
    await t.q.inbound.add('event', first);
    await processed('evt_reused');
    const second = memberCreated({ memberId: 778, email: 'second.body@example.org', firstName: 'Second', id: 'evt_reused' });
    await t.q.inbound.add('event', second, { jobId: 'evt_reused-again' });
    await waitFor(
      async () => (await count(t.ctx.db, sql`select count(*) as n from sync_log where event_id = 'evt_reused' and 'id_reused_with_different_body' = any(warnings)`)) === 1,
      5000,
      'the reuse flagged',
    );
    expect(await count(t.ctx.db, sql`select count(*) as n from activities where source_event_id = 'evt_reused'`)).toBe(1);
    expect(await count(t.ctx.db, sql`select count(*) as n from profiles where first_name = 'Second'`)).toBe(0);
  });
});
