import { and, eq, inArray, or } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminError } from '@/server/admin/errors';
import { createDb, type Database } from '@/server/db/client';
import {
  activities,
  duplicateCandidates,
  profileIdentities,
  profileMerges,
  profiles,
  tenants,
} from '@/server/db/schema';
import { createTestContext, type TestContext } from '@/test/harness';
import { readVersions } from '@/server/profiles/fields';
import { dismissDuplicate, mergeDuplicate } from './duplicates';
import { eraseProfileIdentities, linkedIdsOf, unlinkIdentity } from './identities';
import { normalizeIdentifiers, type Identifier } from './normalize';
import { resolveProfile } from './resolve';
import type { IdentityHints } from '@/server/events/envelope';

let ctx: TestContext;
const T = 'club-identity';
const OTHER = 'club-elsewhere';
let eventSeq = 0;

beforeAll(async () => {
  ctx = await createTestContext('identity');
  await ctx.db.insert(tenants).values([
    { id: T, name: 'Identity Club' },
    { id: OTHER, name: 'Other Club', country: 'GB' },
  ]);
});

afterAll(async () => {
  await ctx?.cleanup();
});

function ids(hints: IdentityHints): Identifier[] {
  return normalizeIdentifiers(hints, { country: 'ZA' }).identifiers;
}

function resolve(hints: IdentityHints, opts: { tenantId?: string; db?: Database; eventId?: string } = {}) {
  const eventId = opts.eventId ?? `evt_${++eventSeq}`;
  return (opts.db ?? ctx.db).transaction((tx) =>
    resolveProfile(tx, {
      tenantId: opts.tenantId ?? T,
      identifiers: ids(hints),
      source: 'scl',
      eventId,
      at: new Date('2026-03-01T08:00:00Z'),
    }),
  );
}

async function identitiesOwnedBy(profileId: string) {
  const rows = await ctx.db
    .select({ kind: profileIdentities.kind, value: profileIdentities.value })
    .from(profileIdentities)
    .where(eq(profileIdentities.profileId, profileId))
    .orderBy(profileIdentities.kind, profileIdentities.value);
  return rows.map((r) => `${r.kind}=${r.value}`);
}

async function profileRow(id: string) {
  const [row] = await ctx.db.select().from(profiles).where(eq(profiles.id, id));
  return row;
}

async function addActivity(profileId: string, sourceEventId: string) {
  await ctx.db.insert(activities).values({
    tenantId: T,
    profileId,
    source: 'teetime',
    sourceEventId,
    eventType: 'teetime.booking.completed',
    type: 'ROUND_PLAYED',
    title: 'Round played',
    occurredAt: new Date('2026-02-01T08:00:00Z'),
  });
}

describe('resolveProfile', () => {
  it('creates a profile for identifiers nobody owns, then attaches new aliases to it', async () => {
    const first = await resolve({ email: 'Nomsa@Club.co.za', sclMemberId: 101 });
    expect(first.created).toBe(true);
    expect(first.createdProfileIds).toEqual([first.profileId]);
    expect(first.addedIdentifiers.map((i) => i.kind)).toEqual(['sclMemberId', 'email']);
    const [stored] = await ctx.db
      .select()
      .from(profileIdentities)
      .where(and(eq(profileIdentities.profileId, first.profileId), eq(profileIdentities.kind, 'email')));
    expect(stored).toMatchObject({ tenantId: T, value: 'nomsa@club.co.za', source: 'scl', confidence: 95 });
    expect((await profileRow(first.profileId)).status).toBe('ACTIVE');

    const second = await resolve({ email: 'nomsa@club.co.za', phoneNumber: '082 555 0101' });
    expect(second).toMatchObject({ profileId: first.profileId, created: false, merges: [], duplicateCandidateIds: [] });
    expect(second.addedIdentifiers).toEqual([{ kind: 'phone', value: '+27825550101', confidence: 85 }]);
    expect(await identitiesOwnedBy(first.profileId)).toEqual([
      'email=nomsa@club.co.za',
      'phone=+27825550101',
      'sclMemberId=101',
    ]);

    // Redelivery changes nothing.
    const again = await resolve({ email: 'nomsa@club.co.za', phoneNumber: '0825550101' });
    expect(again).toMatchObject({ profileId: first.profileId, created: false, addedIdentifiers: [] });
  });

  it('keeps tenants apart: the same email in another club is another person', async () => {
    const here = await resolve({ email: 'shared@club.co.za' });
    const there = await resolve({ email: 'shared@club.co.za' }, { tenantId: OTHER });
    expect(there.created).toBe(true);
    expect(there.profileId).not.toBe(here.profileId);
  });

  it('merges profiles an event proves are one person into the oldest', async () => {
    const member = await resolve({ sclMemberId: 300, email: 'lindiwe@club.co.za' });
    const contact = await resolve({ messagingContactId: 'msg-300', phoneNumber: '082 555 0300' });
    // The younger profile has a newer, authoritative first name: it must survive the merge.
    await ctx.db
      .update(profiles)
      .set({
        firstName: 'Lindiwe',
        lifetimeValue: 2500,
        fieldVersions: [[2, '2026-02-01T00:00:00.000Z', 'evt_name', 'firstName']],
      })
      .where(eq(profiles.id, contact.profileId));
    await ctx.db.update(profiles).set({ firstName: 'Lindi', lifetimeValue: 1000 }).where(eq(profiles.id, member.profileId));
    await addActivity(member.profileId, 'act-member');
    await addActivity(contact.profileId, 'act-contact');

    const linking = await resolve({ sclMemberId: 300, messagingContactId: 'msg-300', email: 'lindiwe@club.co.za' });
    expect(linking.profileId).toBe(member.profileId);
    expect(linking.created).toBe(false);
    expect(linking.merges).toHaveLength(1);
    const [merge] = linking.merges;
    expect(merge).toMatchObject({
      winnerId: member.profileId,
      loserId: contact.profileId,
      loserLinkedIds: { sclMemberId: null, teetimePlayerId: null, messagingContactId: 'msg-300', authUserId: null },
    });
    expect(merge.mergedFields).toEqual(expect.arrayContaining(['identities', 'activities', 'lifetimeValue', 'firstName']));

    expect(await identitiesOwnedBy(member.profileId)).toEqual([
      'email=lindiwe@club.co.za',
      'messagingContactId=msg-300',
      'phone=+27825550300',
      'sclMemberId=300',
    ]);
    expect(await identitiesOwnedBy(contact.profileId)).toEqual([]);
    const moved = await ctx.db
      .select({ profileId: activities.profileId })
      .from(activities)
      .where(inArray(activities.sourceEventId, ['act-member', 'act-contact']));
    expect(moved.map((a) => a.profileId)).toEqual([member.profileId, member.profileId]);

    const loser = await profileRow(contact.profileId);
    expect(loser).toMatchObject({ status: 'MERGED', mergedIntoId: member.profileId });
    const winner = await profileRow(member.profileId);
    expect(winner).toMatchObject({
      status: 'ACTIVE',
      firstName: 'Lindiwe',
      lifetimeValue: 3500,
      lifecycleStage: 'MEMBER',
      displayName: 'Lindiwe',
    });
    expect(readVersions(winner.fieldVersions).firstName).toEqual([2, '2026-02-01T00:00:00.000Z', 'evt_name']);
    expect(winner.searchText).toContain('300');
    const history = await ctx.db.select().from(profileMerges).where(eq(profileMerges.loserId, contact.profileId));
    expect(history).toMatchObject([{ winnerId: member.profileId, mergedBy: 'system', reason: 'identity_match' }]);

    // Later events for the merged-away contact land on the winner.
    const later = await resolve({ messagingContactId: 'msg-300' });
    expect(later).toMatchObject({ profileId: member.profileId, created: false, merges: [] });
  });

  it('keeps two SCL members sharing a family email apart and records a duplicate candidate', async () => {
    const dad = await resolve({ sclMemberId: 201, email: 'family@club.co.za' });
    const daughter = await resolve({ sclMemberId: 202, email: 'family@club.co.za', phoneNumber: '082 555 0202' });
    expect(daughter.created).toBe(true);
    expect(daughter.profileId).not.toBe(dad.profileId);
    expect(daughter.merges).toEqual([]);
    expect(daughter.duplicateCandidateIds).toHaveLength(1);

    // The email has one owner and stays with it; the daughter's own phone is hers.
    expect(await identitiesOwnedBy(dad.profileId)).toEqual(['email=family@club.co.za', 'sclMemberId=201']);
    expect(await identitiesOwnedBy(daughter.profileId)).toEqual(['phone=+27825550202', 'sclMemberId=202']);

    const [candidate] = await ctx.db
      .select()
      .from(duplicateCandidates)
      .where(eq(duplicateCandidates.id, daughter.duplicateCandidateIds[0]));
    const pair = [dad.profileId, daughter.profileId].sort();
    expect(candidate).toMatchObject({
      tenantId: T,
      profileA: pair[0],
      profileB: pair[1],
      status: 'OPEN',
      reason: 'strong_identifier_conflict',
    });

    // Redelivery resolves to the daughter again and records the pair once.
    const again = await resolve({ sclMemberId: 202, email: 'family@club.co.za' });
    expect(again).toMatchObject({ profileId: daughter.profileId, created: false });
    expect(again.duplicateCandidateIds).toEqual(daughter.duplicateCandidateIds);

    const dismissed = await dismissDuplicate(ctx.db, { tenantId: T, candidateId: candidate.id, userId: 'staff-1' });
    expect(dismissed).toMatchObject({ status: 'DISMISSED', resolvedBy: 'staff-1' });
    await expect(dismissDuplicate(ctx.db, { tenantId: T, candidateId: candidate.id, userId: 'staff-1' })).rejects.toThrow(
      AdminError,
    );
    // Another club cannot see it.
    await expect(
      dismissDuplicate(ctx.db, { tenantId: OTHER, candidateId: candidate.id, userId: 'staff-1' }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('lets staff merge a duplicate candidate into the older profile', async () => {
    const member = await resolve({ sclMemberId: 400, phoneNumber: '082 555 0400' });
    const player = await resolve({ teetimePlayerId: 'tt-400', email: 'sipho@club.co.za' });
    // A phone alone never merges two source-linked profiles…
    const linking = await resolve({ teetimePlayerId: 'tt-400', phoneNumber: '082 555 0400' });
    expect(linking.profileId).toBe(player.profileId);
    expect(linking.merges).toEqual([]);
    expect(linking.duplicateCandidateIds).toHaveLength(1);

    // The player was also suspected of being someone else: that pair must follow the merge to the winner.
    const stranger = await resolve({ authUserId: 'auth-stranger' });
    await ctx.db.insert(duplicateCandidates).values({
      tenantId: T,
      profileA: [player.profileId, stranger.profileId].sort()[0],
      profileB: [player.profileId, stranger.profileId].sort()[1],
      reason: 'shared_contact_identifier',
    });

    // …but staff may decide they are one person.
    const result = await ctx.db.transaction((tx) =>
      mergeDuplicate(tx, { tenantId: T, candidateId: linking.duplicateCandidateIds[0], userId: 'staff-2' }),
    );
    expect(result).toMatchObject({
      winnerId: member.profileId,
      loserId: player.profileId,
      loserLinkedIds: { teetimePlayerId: 'tt-400' },
    });
    const [candidate] = await ctx.db
      .select()
      .from(duplicateCandidates)
      .where(eq(duplicateCandidates.id, linking.duplicateCandidateIds[0]));
    expect(candidate).toMatchObject({ status: 'MERGED', resolvedBy: 'staff-2' });
    const strangerPairs = await ctx.db
      .select({ a: duplicateCandidates.profileA, b: duplicateCandidates.profileB, status: duplicateCandidates.status })
      .from(duplicateCandidates)
      .where(or(eq(duplicateCandidates.profileA, stranger.profileId), eq(duplicateCandidates.profileB, stranger.profileId)));
    const [a, b] = [member.profileId, stranger.profileId].sort();
    expect(strangerPairs).toEqual([{ a, b, status: 'OPEN' }]);
    expect(await linkedIdsOf(ctx.db, { tenantId: T, profileId: member.profileId })).toEqual({
      sclMemberId: 400,
      teetimePlayerId: 'tt-400',
      messagingContactId: null,
      authUserId: null,
    });
    const [history] = await ctx.db.select().from(profileMerges).where(eq(profileMerges.loserId, player.profileId));
    expect(history).toMatchObject({ mergedBy: 'staff-2', reason: 'duplicate_candidate' });
  });

  it('unlinks a contact and erases personal identifiers but keeps source links', async () => {
    const person = await resolve({ sclMemberId: 500, messagingContactId: 'msg-500', email: 'gone@club.co.za' });
    const unlinked = await ctx.db.transaction((tx) =>
      unlinkIdentity(tx, { tenantId: T, profileId: person.profileId, kind: 'messagingContactId', at: new Date() }),
    );
    expect(unlinked).toBe(1);
    // The contact id is no longer a link, but a late event for it still finds this person (a tombstone).
    expect((await linkedIdsOf(ctx.db, { tenantId: T, profileId: person.profileId })).messagingContactId).toBeNull();
    const late = await resolve({ messagingContactId: 'msg-500' });
    expect(late).toMatchObject({ profileId: person.profileId, created: false });
    const erased = await ctx.db.transaction((tx) =>
      eraseProfileIdentities(tx, { tenantId: T, profileId: person.profileId }),
    );
    expect(erased).toBe(1);
    expect(await identitiesOwnedBy(person.profileId)).toEqual(['messagingContactId=msg-500', 'sclMemberId=500']);

    // After erasure (the pipeline marks the profile DELETED) the member's later events find the erased profile
    // and bring no contact details back.
    await ctx.db.update(profiles).set({ status: 'DELETED' }).where(eq(profiles.id, person.profileId));
    const later = await resolve({ sclMemberId: 500, email: 'gone@club.co.za' });
    expect(later).toMatchObject({ profileId: person.profileId, created: false, addedIdentifiers: [] });
    expect(await identitiesOwnedBy(person.profileId)).toEqual(['messagingContactId=msg-500', 'sclMemberId=500']);
  });
});

describe('resolveProfile under concurrency', () => {
  let wide: Database;
  beforeAll(() => {
    wide = createDb({ url: ctx.databaseUrl, max: 20, owner: true });
  });
  afterAll(async () => {
    await wide?.$client.end({ timeout: 5 });
  });

  it('20 parallel transactions resolving one new email create exactly one profile', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => resolve({ email: 'race@club.co.za' }, { db: wide, eventId: `race_${i}` })),
    );
    const profileIds = new Set(results.map((r) => r.profileId));
    expect(profileIds.size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const owners = await ctx.db
      .select({ profileId: profileIdentities.profileId })
      .from(profileIdentities)
      .where(and(eq(profileIdentities.tenantId, T), eq(profileIdentities.value, 'race@club.co.za')));
    expect(owners).toEqual([{ profileId: [...profileIds][0] }]);
  });

  it('parallel events that link one person through different identifiers end in one live profile', async () => {
    for (let round = 0; round < 3; round++) {
      const scl = 700 + round;
      const contact = `msg-70${round}`;
      const mail = `link${round}@club.co.za`;
      await Promise.all([
        resolve({ sclMemberId: scl, email: mail }, { db: wide }),
        resolve({ messagingContactId: contact, email: mail }, { db: wide }),
        resolve({ sclMemberId: scl, messagingContactId: contact, phoneNumber: `082 555 07${round}0` }, { db: wide }),
        resolve({ messagingContactId: contact, phoneNumber: `082 555 07${round}0` }, { db: wide }),
      ]);
      const owners = await ctx.db
        .selectDistinct({ profileId: profileIdentities.profileId })
        .from(profileIdentities)
        .where(
          and(
            eq(profileIdentities.tenantId, T),
            inArray(profileIdentities.value, [String(scl), contact, mail, `+278255507${round}0`]),
          ),
        );
      expect(owners).toHaveLength(1);
      expect((await profileRow(owners[0].profileId)).status).toBe('ACTIVE');
    }
  });
});
