import { describe, expect, it } from 'vitest';
import { IDENTITY_CONFIDENCE, dedupeIdentifiers, identifierKey, type Identifier } from './normalize';
import { planResolution, type CandidateProfile } from './plan';

const id = (kind: Identifier['kind'], value: string): Identifier => ({ kind, value, confidence: IDENTITY_CONFIDENCE[kind] });
const scl = (v: string) => id('sclMemberId', v);
const tee = (v: string) => id('teetimePlayerId', v);
const msg = (v: string) => id('messagingContactId', v);
const email = (v: string) => id('email', v);
const phone = (v: string) => id('phone', v);

function profile(
  pid: string,
  createdDay: number,
  strong: CandidateProfile['strong'] = {},
  status: CandidateProfile['status'] = 'ACTIVE',
): CandidateProfile {
  return { id: pid, createdAt: new Date(Date.UTC(2026, 0, createdDay)), status, strong };
}

/** Builds the planner's inputs from "this identifier belongs to that profile". */
function plan(event: Identifier[], owned: [Identifier, CandidateProfile][]) {
  const owners = new Map(owned.map(([identifier, p]) => [identifierKey(identifier), p.id]));
  const candidates = new Map(owned.map(([, p]) => [p.id, p]));
  return planResolution(dedupeIdentifiers(event), owners, candidates);
}

describe('planResolution', () => {
  it('creates one profile for identifiers nobody owns', () => {
    const result = plan([email('pat@club.co.za'), scl('1')], []);
    expect(result.target).toEqual({ created: 0 });
    expect(result.createCount).toBe(1);
    expect(result.attach.map((a) => [a.home, a.identifier.value])).toEqual([
      [{ created: 0 }, '1'],
      [{ created: 0 }, 'pat@club.co.za'],
    ]);
    expect(result.mergeLoserIds).toEqual([]);
    expect(result.duplicates).toEqual([]);
  });

  it('attaches new identifiers to the one profile that matches', () => {
    const player = profile('p1', 1, { teetimePlayerId: ['t1'] });
    // A TeeTime player becomes an SCL member: same email, no other SCL id on the profile.
    const result = plan([scl('7'), email('pat@club.co.za')], [[email('pat@club.co.za'), player]]);
    expect(result.target).toEqual({ existing: 'p1' });
    expect(result.createCount).toBe(0);
    expect(result.attach).toEqual([{ home: { existing: 'p1' }, identifier: scl('7') }]);
  });

  it('merges profiles linked by a source id into the oldest', () => {
    const member = profile('b-member', 5, { sclMemberId: ['1'] });
    const contact = profile('a-contact', 2, { messagingContactId: ['m1'] });
    const result = plan([scl('1'), msg('m1'), phone('+27821234567')], [
      [scl('1'), member],
      [msg('m1'), contact],
    ]);
    expect(result.target).toEqual({ existing: 'a-contact' });
    expect(result.mergeLoserIds).toEqual(['b-member']);
    expect(result.attach).toEqual([{ home: { existing: 'a-contact' }, identifier: phone('+27821234567') }]);
  });

  it('merges through email when the other profile holds no source link', () => {
    const member = profile('m', 1, { sclMemberId: ['1'] });
    const lead = profile('l', 2);
    const result = plan([scl('1'), email('pat@club.co.za')], [
      [scl('1'), member],
      [email('pat@club.co.za'), lead],
    ]);
    expect(result.mergeLoserIds).toEqual(['l']);
    expect(result.duplicates).toEqual([]);
  });

  it('keeps a second SCL member sharing a family email apart, with a duplicate candidate', () => {
    const dad = profile('dad', 1, { sclMemberId: ['1'] });
    const result = plan([scl('2'), email('family@club.co.za')], [[email('family@club.co.za'), dad]]);
    expect(result.target).toEqual({ created: 0 });
    expect(result.mergeLoserIds).toEqual([]);
    // The family email stays with its owner; the new member gets only the SCL id.
    expect(result.attach).toEqual([{ home: { created: 0 }, identifier: scl('2') }]);
    expect(result.duplicates).toEqual([{ a: { created: 0 }, b: { existing: 'dad' }, reason: 'strong_identifier_conflict' }]);
  });

  it('never merges two source-linked profiles on email or phone alone', () => {
    const member = profile('m', 1, { sclMemberId: ['1'] });
    const player = profile('p', 2, { teetimePlayerId: ['t1'] });
    const result = plan([scl('1'), phone('+27821234567')], [
      [scl('1'), member],
      [phone('+27821234567'), player],
    ]);
    expect(result.target).toEqual({ existing: 'm' });
    expect(result.mergeLoserIds).toEqual([]);
    expect(result.attach).toEqual([]);
    expect(result.duplicates).toEqual([{ a: { existing: 'm' }, b: { existing: 'p' }, reason: 'shared_contact_identifier' }]);
  });

  it('never merges profiles holding different values of one strong kind, and goes with the strongest match', () => {
    const a = profile('a', 3, { sclMemberId: ['1'], teetimePlayerId: ['t1'] });
    const b = profile('b', 1, { teetimePlayerId: ['t2'], messagingContactId: ['m2'] });
    const result = plan([scl('1'), msg('m2')], [
      [scl('1'), a],
      [msg('m2'), b],
    ]);
    expect(result.target).toEqual({ existing: 'a' });
    expect(result.mergeLoserIds).toEqual([]);
    expect(result.duplicates).toEqual([{ a: { existing: 'a' }, b: { existing: 'b' }, reason: 'strong_identifier_conflict' }]);
  });

  it('gives a strong identifier the matched profile cannot hold a profile of its own', () => {
    const member = profile('m', 1, { sclMemberId: ['1'], teetimePlayerId: ['t1'] });
    const result = plan([scl('1'), tee('t2'), email('new@club.co.za')], [[scl('1'), member]]);
    expect(result.target).toEqual({ existing: 'm' });
    expect(result.createCount).toBe(1);
    expect(result.attach).toEqual([
      { home: { existing: 'm' }, identifier: email('new@club.co.za') },
      { home: { created: 0 }, identifier: tee('t2') },
    ]);
    expect(result.duplicates).toEqual([{ a: { existing: 'm' }, b: { created: 0 }, reason: 'strong_identifier_conflict' }]);
  });

  it('adds no contact details to an erased profile and never merges it', () => {
    const erased = profile('x', 1, { sclMemberId: ['1'] }, 'DELETED');
    const lead = profile('l', 2);
    const result = plan([scl('1'), email('back@club.co.za'), phone('+27821234567')], [
      [scl('1'), erased],
      [phone('+27821234567'), lead],
    ]);
    expect(result.target).toEqual({ existing: 'x' });
    expect(result.mergeLoserIds).toEqual([]);
    expect(result.attach).toEqual([]);
    expect(result.duplicates).toEqual([]);
  });
});
