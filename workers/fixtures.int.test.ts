import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeFixture, envelopeFixtureTypes, flatFixture, flatFixtureNames } from '@/server/events/fixtures';
import { ALL_DEFINITIONS } from '@/server/events/registry';
import { createTestContext, type TestContext } from '@/test/harness';
import { journalOutbox } from '@/test/outbox-journal';
import { count, createTenantRow, queues, startInProcessWorker } from '@/test/pipeline';
import { waitFor } from '@/test/worker-process';

/** What each canonical event must produce on a fresh tenant (§3). */
const EXPECTED: Record<string, { activity: string | null; identifiers: string[]; fields?: Record<string, unknown> }> = {
  'scl.member.created': {
    activity: 'MEMBER_CREATED',
    identifiers: ['email', 'phone', 'sclMemberId'],
    fields: { membership_status: 'ACTIVE', membership_tier: 'Gold', lifecycle_stage: 'MEMBER', first_name: 'Thandi', phone_number: '+27821234567', date_of_birth: '1986-04-17' },
  },
  'scl.member.updated': { activity: 'MEMBER_UPDATED', identifiers: ['email', 'phone', 'sclMemberId'], fields: { phone_number: '+27825550199' } },
  'scl.member.deleted': { activity: 'MEMBER_DELETED', identifiers: ['email', 'sclMemberId'], fields: { membership_status: 'DELETED', lifecycle_stage: 'CHURNED', status: 'ACTIVE' } },
  'scl.member.status.changed': { activity: 'MEMBER_STATUS_CHANGED', identifiers: ['email', 'sclMemberId'], fields: { membership_status: 'LAPSED', lifecycle_stage: 'CHURNED' } },
  'scl.member.tier.changed': { activity: 'TIER_CHANGED', identifiers: ['email', 'sclMemberId'], fields: { membership_tier: 'Silver' } },
  'scl.payment.received': { activity: 'PAYMENT_RECEIVED', identifiers: ['email', 'sclMemberId'], fields: { lifetime_value: '45000' } },
  'scl.payment.failed': { activity: 'PAYMENT_FAILED', identifiers: ['email', 'sclMemberId'] },
  'scl.invoice.sent': { activity: 'INVOICE_SENT', identifiers: ['email', 'sclMemberId'] },
  'teetime.player.created': {
    activity: 'PROFILE_CREATED',
    identifiers: ['email', 'external', 'phone', 'teetimePlayerId'],
    fields: { handicap: 12.4, home_club_name: 'Highveld Golf Club', email: 'thandi.nkosi@example.org', lifecycle_stage: 'PROSPECT' },
  },
  'teetime.player.updated': { activity: 'PLAYER_UPDATED', identifiers: ['teetimePlayerId'], fields: { home_club_name: 'Umhlanga Links' } },
  'teetime.handicap.updated': { activity: 'HANDICAP_UPDATED', identifiers: ['external', 'teetimePlayerId'], fields: { handicap: 11.8 } },
  'teetime.booking.created': { activity: 'TEETIME_BOOKED', identifiers: ['teetimePlayerId'] },
  'teetime.booking.cancelled': { activity: 'BOOKING_CANCELLED', identifiers: ['teetimePlayerId'] },
  'teetime.booking.completed': { activity: 'ROUND_PLAYED', identifiers: ['teetimePlayerId'] },
  'teetime.booking.noshow': { activity: 'BOOKING_NO_SHOW', identifiers: ['teetimePlayerId'] },
  'teetime.competition.published': { activity: null, identifiers: [] },
  'teetime.competition.entered': { activity: 'COMPETITION_ENTERED', identifiers: ['teetimePlayerId'] },
  'teetime.score.posted': { activity: 'SCORE_POSTED', identifiers: ['teetimePlayerId'] },
  'messaging.contact.created': {
    activity: 'CONTACT_CREATED',
    identifiers: ['email', 'messagingContactId', 'phone'],
    fields: { email_opt_in: true, sms_opt_in: false, first_name: 'Thandi', lifecycle_stage: 'SUBSCRIBER' },
  },
  'messaging.contact.updated': { activity: 'CONTACT_UPDATED', identifiers: ['email', 'messagingContactId', 'phone'], fields: { sms_opt_in: true, last_name: 'Nkosi-Dlamini' } },
  'messaging.contact.deleted': { activity: 'CONTACT_DELETED', identifiers: [], fields: { email_opt_in: false, sms_opt_in: false } },
  // smsOptIn false + whatsappOptIn true: any channel turned off makes it an opt-out.
  'messaging.contactPreference.updated': { activity: 'CONSENT_OPTED_OUT', identifiers: ['messagingContactId'], fields: { whatsapp_opt_in: true, sms_opt_in: false } },
  'messaging.message.sent': { activity: 'MESSAGE_SENT', identifiers: ['messagingContactId'] },
  'messaging.message.delivered': { activity: 'MESSAGE_DELIVERED', identifiers: ['messagingContactId'] },
  'messaging.message.bounced': { activity: 'MESSAGE_BOUNCED', identifiers: ['messagingContactId'], fields: { phone_undeliverable: true } },
  'messaging.email.opened': { activity: 'EMAIL_OPENED', identifiers: ['messagingContactId'] },
  'messaging.email.clicked': { activity: 'EMAIL_CLICKED', identifiers: ['messagingContactId'] },
  'messaging.message.replied': { activity: 'MESSAGE_REPLIED', identifiers: ['messagingContactId'] },
  'messaging.campaign.sent': { activity: 'CAMPAIGN_RECEIVED', identifiers: ['messagingContactId'] },
};

describe('every catalog event through the real consumer', () => {
  let ctx: TestContext;
  let q: ReturnType<typeof queues>;
  let worker: Awaited<ReturnType<typeof startInProcessWorker>>;
  let tenantNo = 0;

  beforeAll(async () => {
    ctx = await createTestContext('fixtures');
    // The relay runs and deletes what it sends: outbound events are read back from the journal.
    await journalOutbox(ctx.db);
    q = queues(ctx);
    worker = await startInProcessWorker(ctx);
  });
  afterAll(async () => {
    await worker?.close();
    await q?.close();
    await ctx?.cleanup();
  });

  /** Publishes one job for a fresh tenant of its own and waits until it is processed. */
  async function runAlone(name: string, body: Record<string, unknown>, eventId: string) {
    const tenantId = `fx-${++tenantNo}`;
    await createTenantRow(ctx.db, tenantId);
    const target = (body.payload && typeof body.type !== 'string' ? body.payload : body) as Record<string, unknown>;
    target.tenantId = tenantId;
    await q.inbound.add(name, body);
    await waitFor(
      async () => (await count(ctx.db, sql`select count(*) as n from sync_log where event_id = ${eventId} and status = 'SUCCESS'`)) === 1,
      10_000,
      `${name} processed`,
    );
    return tenantId;
  }

  async function check(tenantId: string, expected: (typeof EXPECTED)[string], eventId: string) {
    const activities = await ctx.db.execute<{ type: string; title: string }>(
      sql`select type, title from activities where tenant_id = ${tenantId} and source_event_id = ${eventId}`,
    );
    expect(activities.map((a) => a.type)).toEqual(expected.activity ? [expected.activity] : []);
    if (expected.activity) expect(activities[0].title.length).toBeGreaterThan(5);

    const kinds = await ctx.db.execute<{ kind: string }>(
      sql`select distinct kind from profile_identities where tenant_id = ${tenantId} and unlinked_at is null order by kind`,
    );
    expect(kinds.map((k) => k.kind)).toEqual(expected.identifiers);

    const outbound = await ctx.db.execute<{ type: string }>(sql`select type from outbox_journal where tenant_id = ${tenantId}`);
    const types = outbound.map((o) => o.type);
    if (expected.activity) {
      expect(types.filter((t) => t === 'crm.profile.created')).toHaveLength(1);
      const [profile] = await ctx.db.execute<Record<string, unknown>>(sql`select * from profiles where tenant_id = ${tenantId}`);
      for (const [field, value] of Object.entries(expected.fields ?? {})) {
        const actual = typeof value === 'number' ? Number(profile[field]) : profile[field];
        expect(actual, field).toEqual(value);
      }
    } else {
      expect(types).toEqual([]);
      expect(await count(ctx.db, sql`select count(*) as n from profiles where tenant_id = ${tenantId}`)).toBe(0);
    }
  }

  it('has an expectation for every canonical type', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(ALL_DEFINITIONS.map((d) => d.type).sort());
    expect(envelopeFixtureTypes()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.keys(EXPECTED))('envelope %s', async (type) => {
    // Event ids are unique per source: this copy gets its own, so the joined run below still sees the originals.
    const body = { ...envelopeFixture(type), id: `alone-${type}` };
    const tenantId = await runAlone('event', body, body.id as string);
    await check(tenantId, EXPECTED[type], body.id as string);
    if (type === 'teetime.competition.published') {
      expect(await count(ctx.db, sql`select count(*) as n from competitions where tenant_id = ${tenantId}`)).toBe(1);
    }
  });

  const aliases = ALL_DEFINITIONS.flatMap((d) => d.aliases.map((alias) => [alias, d.type] as const));
  it.each(aliases)('alias %s is read as %s', async (alias, type) => {
    const body = { ...envelopeFixture(type), type: alias, id: `alias-${alias}` };
    const tenantId = await runAlone(alias, body, body.id);
    await check(tenantId, EXPECTED[type], body.id);
  });

  it.each(flatFixtureNames())('flat Messaging job %s (at data.payload and at data)', async (name) => {
    const job = flatFixture(name);
    const expected = EXPECTED[`messaging.${name}`];
    const atPayload = { payload: { ...job.data.payload, eventId: `flat-p-${name}` } };
    let tenantId = await runAlone(name, atPayload, `flat-p-${name}`);
    await check(tenantId, expected, `flat-p-${name}`);
    const atData = { ...job.data.payload, eventId: `flat-d-${name}` };
    tenantId = await runAlone(name, atData, `flat-d-${name}`);
    await check(tenantId, expected, `flat-d-${name}`);
  });

  it('joins every source into one profile of Thandi when her events arrive in time order', async () => {
    // In time order each source's first event carries an email or phone that links it to the person. (Shuffled,
    // a TeeTime-only event could create a player profile first; merge protection then keeps two profiles joined
    // only by an email apart, as §6 asks, and records a duplicate candidate.)
    await createTenantRow(ctx.db, 'fixture-club');
    const bodies = envelopeFixtureTypes()
      .map((type) => envelopeFixture(type))
      .sort((a, b) => String(a.timestamp).localeCompare(String(b.timestamp)));
    for (const body of bodies) {
      await q.inbound.add('event', body);
      await waitFor(
        async () => (await count(ctx.db, sql`select count(*) as n from sync_log where event_id = ${body.id as string} and status = 'SUCCESS'`)) === 1,
        10_000,
        `${body.type as string} processed`,
      );
    }
    const live = await ctx.db.execute<{ id: string; membership_tier: string; handicap: string; email_opt_in: boolean }>(
      sql`select id, membership_tier, handicap, email_opt_in from profiles where tenant_id = 'fixture-club' and status <> 'MERGED'`,
    );
    expect(live).toHaveLength(1);
    const kinds = await ctx.db.execute<{ kind: string }>(
      sql`select distinct kind from profile_identities where profile_id = ${live[0].id} and unlinked_at is null order by kind`,
    );
    // The contact was deleted in Messaging, so that link is gone; SCL and TeeTime remain on one person.
    expect(kinds.map((k) => k.kind)).toEqual(['email', 'external', 'phone', 'sclMemberId', 'teetimePlayerId']);
    expect(await count(ctx.db, sql`select count(*) as n from activities where profile_id = ${live[0].id}`)).toBe(28);
    expect(live[0].membership_tier).toBe('Silver');
    expect(Number(live[0].handicap)).toBe(11.8);
  });
});
