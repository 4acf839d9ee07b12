import { sql, TransactionRollbackError } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@/server/db/client';
import { setScope } from '@/server/db/scope';
import type { CrmEvent } from '@/server/events/envelope';
import { createTestContext, type TestContext } from '@/test/harness';
import { createTenantRow, eventItem } from '@/test/pipeline';
import { BatchState } from './pipeline/batch-state';
import { resolveInBatch } from './pipeline/batch-resolution';
import { prefetch } from './pipeline/prefetch';
import { processBatch } from './pipeline/process-batch';
import { loadTenants } from './pipeline/tenant-cache';

const T = 'test-club';
let n = 0;

function event(type: string, source: string, identity: CrmEvent['identity'], payload: Record<string, unknown>): CrmEvent {
  const at = new Date(Date.UTC(2026, 10, 1) + ++n * 60_000).toISOString();
  return { id: `evt-br-${n}`, type, version: '1.0', timestamp: at, tenantId: T, source, identity, payload } as CrmEvent;
}

const member = (id: number, email: string, firstName: string, authUserId?: string) =>
  event('scl.member.created', 'scl', { sclMemberId: id, email, ...(authUserId ? { authUserId } : {}) }, {
    id, firstName, lastName: 'Botha', email, status: 'ACTIVE', membershipTierId: 1, membershipTierName: 'Gold',
    createdAt: '2026-11-01T08:00:00Z',
  });
const payment = (identity: CrmEvent['identity'], paymentId: string) =>
  event('scl.payment.received', 'scl', identity, { id: paymentId, amount: 45000, currency: 'ZAR', paidAt: '2026-11-02T08:00:00Z' });
const FAMILY = 'botha.family@example.org';

/** The family's members first (each in a batch of its own), then the batch under test. */
const family = [member(301, FAMILY, 'Johan', 'auth-johan'), member(302, FAMILY, 'Anika')];
const batch = [
  payment({ sclMemberId: 302, email: FAMILY }, 'pay-302-1'),
  payment({ sclMemberId: 301, email: FAMILY }, 'pay-301-1'),
  payment({ sclMemberId: 302, email: FAMILY }, 'pay-302-2'),
  // A third member number with the family email, first seen in this batch: a new profile, kept apart from both.
  member(303, FAMILY, 'Pieter'),
  payment({ sclMemberId: 303, email: FAMILY }, 'pay-303-1'),
  // The father's login next to a member number he cannot hold (he has 301): that number gets a profile of its own,
  // which only resolveProfile places.
  payment({ authUserId: 'auth-johan', sclMemberId: 310 }, 'pay-310-1'),
];

/** The outcome in terms that do not depend on generated ids: people by their identifiers, and the pairs between them. */
async function outcome(db: Database) {
  const people = await db.execute<{ ids: string; first_name: string; ltv: string; activities: number }>(sql`
    select (select string_agg(i.kind || '=' || i.value, ',' order by i.kind, i.value) from profile_identities i where i.profile_id = p.id) as ids,
      p.first_name, p.lifetime_value::text as ltv, (select count(*)::int from activities a where a.profile_id = p.id) as activities
    from profiles p where p.status <> 'MERGED' order by 1`);
  const pairs = await db.execute<{ pair: string; reason: string }>(sql`
    select (select string_agg(i.value, ',') from profile_identities i where i.profile_id = d.profile_a and i.kind = 'sclMemberId') || ' / ' ||
      (select string_agg(i.value, ',') from profile_identities i where i.profile_id = d.profile_b and i.kind = 'sclMemberId') as pair, d.reason
    from duplicate_candidates d order by 1`);
  const warned = await db.execute<{ event_id: string }>(sql`
    select event_id from sync_log where 'duplicate_candidate_recorded' = any(warnings) order by event_id`);
  return { people, pairs: pairs.map((p) => `${[...p.pair.split(' / ')].sort().join(' / ')} ${p.reason}`).sort(), warned: warned.map((w) => w.event_id) };
}

// Merge protection keeps a family's members apart, and every later event of theirs that carries the shared email
// records the same duplicate candidate again. The batch plans those events itself (in one statement for all of their
// pairs) instead of resolving each one by one; the outcome must be exactly the one-by-one outcome.
describe('batch identity resolution of people merge protection keeps apart', () => {
  let oneByOne: TestContext;
  let batched: TestContext;

  beforeAll(async () => {
    [oneByOne, batched] = await Promise.all([createTestContext('batchres_a'), createTestContext('batchres_b')]);
    await Promise.all([createTenantRow(oneByOne.db, T), createTenantRow(batched.db, T)]);
    for (const ctx of [oneByOne, batched]) for (const e of family) await processBatch(ctx.appDb, [eventItem(e)]);
  });
  afterAll(async () => {
    await oneByOne?.cleanup();
    await batched?.cleanup();
  });

  it('plans the family members\' events in the batch, a new member with the shared email too', async () => {
    // Without the last event: it joins the family's group (the father's login), and a group with one event that
    // resolveProfile must place goes to it whole.
    const items = batch.slice(0, -1).map(eventItem);
    await batched.appDb.transaction(async (tx) => {
      await setScope(tx, 'system');
      const tenants = await loadTenants(tx, [T]);
      const state = new BatchState(tx);
      const prepared = await prefetch(tx, items, tenants, state);
      await resolveInBatch(tx, prepared, tenants, state);
      // The father's payment is the fast path (the email and his member number are both his). The others name two
      // profiles, or a new member number next to the father's email: each is planned by the batch with the pair it
      // records, and none is left to resolveProfile.
      expect(prepared.map((p) => (p.knownProfileId ? 'known' : p.resolution ? `planned:${p.resolution.duplicatePairs.length}` : 'left'))).toEqual([
        'planned:1', 'known', 'planned:1', 'planned:1', 'planned:1',
      ]);
      tx.rollback();
    }).catch((error: unknown) => {
      if (!(error instanceof TransactionRollbackError)) throw error;
    });
  });

  it('ends exactly where resolving the events one by one ends', async () => {
    for (const e of batch) {
      const [result] = await processBatch(oneByOne.appDb, [eventItem(e)]);
      expect(result.status).toBe('SUCCESS');
    }
    const results = await processBatch(batched.appDb, batch.map(eventItem));
    expect(results.map((r) => r.status)).toEqual(batch.map(() => 'SUCCESS'));

    const [a, b] = await Promise.all([outcome(oneByOne.db), outcome(batched.db)]);
    expect(b).toEqual(a);
    expect(a.people.map((p) => p.ids)).toEqual([
      'authUserId=auth-johan,email=botha.family@example.org,sclMemberId=301',
      'sclMemberId=302',
      'sclMemberId=303',
      'sclMemberId=310',
    ]);
    expect(a.pairs).toEqual([
      '301 / 302 strong_identifier_conflict',
      '301 / 303 strong_identifier_conflict',
      '301 / 310 strong_identifier_conflict',
    ]);
    // Every event of a member kept apart records (or finds) the pair; the father's own payment does not.
    expect(a.warned).toEqual(['evt-br-2', 'evt-br-3', 'evt-br-5', 'evt-br-6', 'evt-br-7', 'evt-br-8']);
  });
});
