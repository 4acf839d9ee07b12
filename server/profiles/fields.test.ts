import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FieldVersions } from '@/server/db/schema';
import { RANK_AUTHORITATIVE, RANK_FILL, type FieldWriteSet } from '@/server/events/types';
import {
  applyWrites,
  deriveLifecycleStage,
  displayNameOf,
  mergeFieldStates,
  readVersions,
  storeVersions,
  searchTextOf,
  type FieldVersion,
  type LifecycleFacts,
  type ProfileFieldState,
} from './fields';
import { EMPTY_FIELD_STATE } from './new-profile';

const EMPTY: ProfileFieldState = EMPTY_FIELD_STATE;

const t = (iso: string) => new Date(iso);
type Fields = FieldWriteSet['fields'];
const auth = (at: string, fields: Fields): FieldWriteSet => ({ rank: RANK_AUTHORITATIVE, at: t(at), fields });
const fill = (at: string, fields: Fields): FieldWriteSet => ({ rank: RANK_FILL, at: t(at), fields });

interface TestEvent {
  id: string;
  writes: FieldWriteSet[];
}

function applyAll(events: readonly TestEvent[], start: ProfileFieldState = EMPTY, startVersions: FieldVersions = []) {
  let state = start;
  let versions = startVersions;
  for (const event of events) ({ state, versions } = applyWrites(state, versions, event.writes, event.id));
  return { state, versions };
}

describe('applyWrites', () => {
  it('applies writes to an empty profile and records their versions', () => {
    const result = applyWrites(EMPTY, [], [auth('2026-01-01T10:00:00Z', { firstName: 'Pat', handicap: 12.4 })], 'e1');
    expect(result.state.firstName).toBe('Pat');
    expect(result.state.handicap).toBe(12.4);
    expect(readVersions(result.versions).firstName).toEqual([RANK_AUTHORITATIVE, '2026-01-01T10:00:00.000Z', 'e1']);
    expect(result.changed.sort()).toEqual(['firstName', 'handicap']);
  });

  it('ignores an older write that arrives later', () => {
    const newer = applyWrites(EMPTY, [], [auth('2026-01-02T00:00:00Z', { membershipStatus: 'LAPSED' })], 'e2');
    const older = applyWrites(newer.state, newer.versions, [auth('2026-01-01T00:00:00Z', { membershipStatus: 'ACTIVE' })], 'e1');
    expect(older.state.membershipStatus).toBe('LAPSED');
    expect(older.changed).toEqual([]);
  });

  it('hands back its inputs themselves when no write applies (the pipeline then copies the profile once)', () => {
    const newer = applyWrites(EMPTY, [], [auth('2026-01-02T00:00:00Z', { membershipStatus: 'LAPSED' })], 'e2');
    for (const writes of [[], [auth('2026-01-01T00:00:00Z', { membershipStatus: 'ACTIVE' })]]) {
      const result = applyWrites(newer.state, newer.versions, writes, 'e1');
      expect(result.state).toBe(newer.state);
      expect(result.versions).toBe(newer.versions);
      expect(result).toMatchObject({ changed: [], versionsMoved: false });
    }
    // A winning write of the same value moves the version, so it is not "no write": a new state and new versions.
    const same = applyWrites(newer.state, newer.versions, [auth('2026-01-03T00:00:00Z', { membershipStatus: 'LAPSED' })], 'e3');
    expect(same.state).not.toBe(newer.state);
    expect(same).toMatchObject({ changed: [], versionsMoved: true });
    expect(newer.state.membershipStatus).toBe('LAPSED');
  });

  it('breaks equal times by event id so both orders agree', () => {
    const gold = auth('2026-01-01T00:00:00Z', { membershipTier: 'Gold' });
    const silver = auth('2026-01-01T00:00:00Z', { membershipTier: 'Silver' });
    const goldFirst = applyAll([{ id: 'a', writes: [gold] }, { id: 'b', writes: [silver] }]);
    const silverFirst = applyAll([{ id: 'b', writes: [silver] }, { id: 'a', writes: [gold] }]);
    expect(goldFirst.state.membershipTier).toBe('Silver');
    expect(silverFirst.state.membershipTier).toBe('Silver');
  });

  it('never lets a fill replace an authoritative value, even a newer fill', () => {
    const member = applyWrites(EMPTY, [], [auth('2026-01-01T00:00:00Z', { firstName: 'Patricia' })], 'scl');
    const contact = applyWrites(member.state, member.versions, [fill('2026-06-01T00:00:00Z', { firstName: 'Pat' })], 'msg');
    expect(contact.state.firstName).toBe('Patricia');
  });

  it('lets a fill fill an empty field and replace an older fill, and an authoritative write replace a fill', () => {
    const first = applyWrites(EMPTY, [], [fill('2026-01-01T00:00:00Z', { lastName: 'Smit' })], 'm1');
    expect(first.state.lastName).toBe('Smit');
    const second = applyWrites(first.state, first.versions, [fill('2026-02-01T00:00:00Z', { lastName: 'Smith' })], 'm2');
    expect(second.state.lastName).toBe('Smith');
    const third = applyWrites(second.state, second.versions, [auth('2025-01-01T00:00:00Z', { lastName: 'Smyth' })], 's1');
    expect(third.state.lastName).toBe('Smyth');
  });

  it('never clears with a fill and leaves unversioned values to authoritative writes', () => {
    const typed = { ...EMPTY, firstName: 'Typed by staff' };
    expect(applyWrites(typed, [], [fill('2026-01-01T00:00:00Z', { firstName: 'Pat' })], 'm').state.firstName).toBe(
      'Typed by staff',
    );
    const named = applyWrites(EMPTY, [], [fill('2026-01-01T00:00:00Z', { firstName: 'Pat' })], 'm1');
    expect(
      applyWrites(named.state, named.versions, [fill('2026-02-01T00:00:00Z', { firstName: null })], 'm2').state.firstName,
    ).toBe('Pat');
    expect(applyWrites(typed, [], [auth('2026-01-01T00:00:00Z', { firstName: 'Pat' })], 's').state.firstName).toBe('Pat');
  });

  it('lets an authoritative write clear a field and compares dates by value', () => {
    const since = applyWrites(EMPTY, [], [auth('2026-01-01T00:00:00Z', { memberSince: t('2020-01-01T00:00:00Z') })], 'a');
    const same = applyWrites(since.state, since.versions, [auth('2026-01-02T00:00:00Z', { memberSince: t('2020-01-01T00:00:00Z') })], 'b');
    expect(same.changed).toEqual([]);
    expect(readVersions(same.versions).memberSince?.[2]).toBe('b');
    const cleared = applyWrites(same.state, same.versions, [auth('2026-01-03T00:00:00Z', { memberSince: null })], 'c');
    expect(cleared.state.memberSince).toBeNull();
    expect(cleared.changed).toEqual(['memberSince']);
  });

  it('does not modify its inputs', () => {
    const versions: FieldVersions = [[RANK_AUTHORITATIVE, '2025-01-01T00:00:00.000Z', 'old', 'firstName', 'lastName']];
    const state = { ...EMPTY };
    applyWrites(state, versions, [auth('2026-01-01T00:00:00Z', { firstName: 'Pat' })], 'e');
    expect(state).toEqual(EMPTY);
    expect(versions).toEqual([[RANK_AUTHORITATIVE, '2025-01-01T00:00:00.000Z', 'old', 'firstName', 'lastName']]);
  });
});

describe('stored field versions', () => {
  it('stores each version once, with the fields it holds, in version order', () => {
    const member = applyWrites(EMPTY, [], [auth('2026-01-02T00:00:00Z', { firstName: 'Pat', lastName: 'Smit', membershipTier: 'Gold' })], 'scl-1');
    const player = applyWrites(member.state, member.versions, [auth('2026-01-01T00:00:00Z', { handicap: 9, firstName: 'Patricia' })], 'tt-1');
    expect(player.versions).toEqual([
      [RANK_AUTHORITATIVE, '2026-01-01T00:00:00.000Z', 'tt-1', 'handicap'],
      [RANK_AUTHORITATIVE, '2026-01-02T00:00:00.000Z', 'scl-1', 'firstName', 'lastName', 'membershipTier'],
    ]);
    expect(readVersions(player.versions)).toEqual({
      firstName: [RANK_AUTHORITATIVE, '2026-01-02T00:00:00.000Z', 'scl-1'],
      lastName: [RANK_AUTHORITATIVE, '2026-01-02T00:00:00.000Z', 'scl-1'],
      membershipTier: [RANK_AUTHORITATIVE, '2026-01-02T00:00:00.000Z', 'scl-1'],
      handicap: [RANK_AUTHORITATIVE, '2026-01-01T00:00:00.000Z', 'tt-1'],
    });
  });

  it('reads back what it stores, whatever order the fields were set in', () => {
    const v = (id: string): FieldVersion => [RANK_FILL, '2026-03-01T00:00:00.000Z', id];
    const one = storeVersions({ email: v('b'), firstName: v('a'), smsOptIn: v('b') });
    const other = storeVersions({ smsOptIn: v('b'), email: v('b'), firstName: v('a') });
    expect(one).toEqual(other);
    expect(one).toEqual([
      [RANK_FILL, '2026-03-01T00:00:00.000Z', 'a', 'firstName'],
      [RANK_FILL, '2026-03-01T00:00:00.000Z', 'b', 'email', 'smsOptIn'],
    ]);
    expect(readVersions(one)).toEqual({ email: v('b'), firstName: v('a'), smsOptIn: v('b') });
    expect(storeVersions({})).toEqual([]);
  });
});

// ---- properties ------------------------------------------------------------------------------------------------

// Small value domains so that events often touch the same field at the same time.
const writeArb = fc.record({
  rank: fc.constantFrom(RANK_FILL, RANK_AUTHORITATIVE),
  at: fc.integer({ min: 0, max: 4 }).map((h) => new Date(Date.UTC(2026, 0, 1, h))),
  fields: fc.record(
    {
      firstName: fc.constantFrom('Pat', 'Patricia', 'Sam', null),
      membershipStatus: fc.constantFrom('ACTIVE', 'LAPSED', null),
      handicap: fc.constantFrom(3.2, 12, 18.4, null),
      emailOptIn: fc.boolean(),
      memberSince: fc.constantFrom(new Date('2019-01-01T00:00:00Z'), new Date('2021-06-01T00:00:00Z'), null),
    },
    { requiredKeys: [] },
  ),
}) as fc.Arbitrary<FieldWriteSet>;

const eventsArb = fc
  .array(fc.array(writeArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 8 })
  .map((writeLists): TestEvent[] => writeLists.map((writes, i) => ({ id: `evt_${i}`, writes })));

describe('last-writer-wins properties', () => {
  it('ends in the same state for every delivery order of the same events', () => {
    fc.assert(
      fc.property(
        eventsArb.chain((events) =>
          fc.tuple(fc.constant(events), fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length })),
        ),
        fc.constantFrom(EMPTY, { ...EMPTY, firstName: 'Imported' }),
        ([events, shuffled], start) => {
          expect(applyAll(shuffled, start)).toEqual(applyAll(events, start));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('merging two profiles equals one profile that received both sets of events', () => {
    fc.assert(
      fc.property(eventsArb, fc.integer({ min: 0, max: 8 }), (events, cut) => {
        const a = applyAll(events.slice(0, cut));
        const b = applyAll(events.slice(cut));
        const together = applyAll(events);
        const merged = mergeFieldStates(a, b);
        expect({ state: merged.state, versions: merged.versions }).toEqual(together);
        const mergedOtherWay = mergeFieldStates(b, a);
        expect(mergedOtherWay.state).toEqual(together.state);
      }),
      { numRuns: 300 },
    );
  });
});

describe('mergeFieldStates', () => {
  it('takes the value with the greater version, and reports what changed on the winner', () => {
    const winner = applyWrites(EMPTY, [], [auth('2026-01-01T00:00:00Z', { firstName: 'Pat', membershipTier: 'Gold' })], 'w');
    const loser = applyWrites(EMPTY, [], [auth('2026-02-01T00:00:00Z', { firstName: 'Patricia', handicap: 9 })], 'l');
    const merged = mergeFieldStates(winner, loser);
    expect(merged.state).toMatchObject({ firstName: 'Patricia', membershipTier: 'Gold', handicap: 9 });
    expect(readVersions(merged.versions).firstName?.[2]).toBe('l');
    expect(merged.changed.sort()).toEqual(['firstName', 'handicap']);
  });

  it('keeps the winner value when neither side has a version, unless it is empty', () => {
    const merged = mergeFieldStates(
      { state: { ...EMPTY, firstName: 'Winner' }, versions: [] },
      { state: { ...EMPTY, firstName: 'Loser', lastName: 'Only-loser' }, versions: [] },
    );
    expect(merged.state.firstName).toBe('Winner');
    expect(merged.state.lastName).toBe('Only-loser');
  });
});

describe('deriveLifecycleStage', () => {
  const none: LifecycleFacts = {
    membershipStatus: null,
    lifetimeValue: 0,
    engagementScore: null,
    hasSclMember: false,
    hasTeetimePlayer: false,
    hasMessagingContact: false,
  };
  it.each<[string, Partial<LifecycleFacts>, string]>([
    ['nothing known', {}, 'LEAD'],
    ['messaging contact only', { hasMessagingContact: true }, 'SUBSCRIBER'],
    ['TeeTime player', { hasTeetimePlayer: true, hasMessagingContact: true }, 'PROSPECT'],
    ['paying customer', { lifetimeValue: 5000, hasTeetimePlayer: true }, 'CUSTOMER'],
    ['SCL member link', { hasSclMember: true }, 'MEMBER'],
    ['suspended member', { membershipStatus: 'SUSPENDED', lifetimeValue: 100 }, 'MEMBER'],
    ['engaged member', { membershipStatus: 'ACTIVE', engagementScore: 80 }, 'ADVOCATE'],
    ['engaged non-member', { engagementScore: 95, lifetimeValue: 10 }, 'CUSTOMER'],
    ['lapsed member', { membershipStatus: 'LAPSED', hasSclMember: true, engagementScore: 90 }, 'CHURNED'],
    ['resigned member', { membershipStatus: 'resigned', hasSclMember: true }, 'CHURNED'],
    ['cancelled', { membershipStatus: 'CANCELLED' }, 'CHURNED'],
    ['soft-deleted member', { membershipStatus: 'DELETED', hasSclMember: true }, 'CHURNED'],
  ])('%s → %s', (_label, facts, stage) => {
    expect(deriveLifecycleStage({ ...none, ...facts })).toBe(stage);
  });
});

describe('displayNameOf and searchTextOf', () => {
  it('names a person by name, else email', () => {
    expect(displayNameOf(' Zanele ', 'Mokoena', 'z@example.org')).toBe('Zanele Mokoena');
    expect(displayNameOf(null, 'Mokoena', null)).toBe('Mokoena');
    expect(displayNameOf('', null, 'z@example.org')).toBe('z@example.org');
    expect(displayNameOf(null, null, null)).toBeNull();
  });

  it('folds case and accents and includes member ids', () => {
    expect(
      searchTextOf({ firstName: 'Zanélé', lastName: 'Nuñez  Müller', email: 'Z@Example.org', memberIds: [1042, 'TT-9', null] }),
    ).toBe('zanele nunez muller z@example.org 1042 tt-9');
  });
});
