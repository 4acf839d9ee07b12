import { describe, expect, it } from 'vitest';
import { dedupeIdentifiers, normalizeEmail, normalizeIdentifiers, normalizePhone, phoneDigits } from './normalize';

describe('normalizePhone', () => {
  it.each(['082 123 4567', '0821234567', '+27 82 123 4567', '27821234567', '(082) 123-4567', '0027 82 123 4567'])(
    'reads %s with country ZA as +27821234567',
    (raw) => {
      expect(normalizePhone(raw, 'ZA')).toBe('+27821234567');
    },
  );

  it('reads local numbers with the tenant country', () => {
    expect(normalizePhone('07911 123456', 'GB')).toBe('+447911123456');
    expect(normalizePhone('020 7946 0958', 'GB')).toBe('+442079460958');
    // The same local digits mean another number under another default country.
    expect(normalizePhone('020 7946 0958', 'ZA')).not.toBe('+442079460958');
  });

  it('keeps international numbers whatever the tenant country', () => {
    expect(normalizePhone('+44 7911 123456', 'ZA')).toBe('+447911123456');
  });

  it.each([
    ['all zeros', '0000000000'],
    ['repeated digit', '1111111111'],
    ['fake national part', '+27 000 000 0000'],
    ['too short', '082'],
    ['too long', '+27 82 123 4567 8901 23'],
    ['not a number', 'call me'],
    ['invalid per numbering plan', '12345'],
    ['junk token', 'n/a'],
  ])('drops %s', (_label, raw) => {
    expect(normalizePhone(raw, 'ZA')).toBeNull();
  });

  it('survives an unknown tenant country by only accepting international numbers', () => {
    expect(normalizePhone('082 123 4567', 'XX')).toBeNull();
    expect(normalizePhone('+27821234567', 'XX')).toBe('+27821234567');
  });

  it('gives the digits of an E.164 number', () => {
    expect(phoneDigits('+27821234567')).toBe('27821234567');
  });
});

describe('normalizeEmail', () => {
  it('trims and lower-cases', () => {
    expect(normalizeEmail('  Zanele.Mokoena@Example.ORG ')).toBe('zanele.mokoena@example.org');
  });

  it('keeps real people on the demo domains', () => {
    expect(normalizeEmail('jose@example.com')).toBe('jose@example.com');
    expect(normalizeEmail('thandi+golf@example.org')).toBe('thandi+golf@example.org');
  });

  it.each([
    'noreply@club.co.za',
    'no-reply@club.co.za',
    'NoReply+bounce@club.co.za',
    'test@test.com',
    'example@example.com',
    'someone@example.invalid',
    'unknown@club.co.za',
    'null',
    'undefined',
    '',
    'not-an-email',
    'two@@at.com',
    'missing@tld',
    'space in@club.co.za',
  ])('drops %j', (raw) => {
    expect(normalizeEmail(raw)).toBeNull();
  });
});

describe('normalizeIdentifiers', () => {
  it('returns every kind strongest first with its confidence', () => {
    const { identifiers, warnings } = normalizeIdentifiers(
      {
        email: ' Pat@Club.co.za',
        phoneNumber: '082 123 4567',
        sclMemberId: 1042,
        teetimePlayerId: 'tt-9',
        messagingContactId: 'c-1',
        authUserId: 'auth-7',
        externalIds: { golfRsaId: 1234567 },
      },
      { country: 'ZA' },
    );
    expect(warnings).toEqual([]);
    expect(identifiers).toEqual([
      { kind: 'authUserId', value: 'auth-7', confidence: 100 },
      { kind: 'sclMemberId', value: '1042', confidence: 100 },
      { kind: 'teetimePlayerId', value: 'tt-9', confidence: 100 },
      { kind: 'messagingContactId', value: 'c-1', confidence: 100 },
      { kind: 'external', value: 'golfRsaId:1234567', confidence: 100 },
      { kind: 'email', value: 'pat@club.co.za', confidence: 95 },
      { kind: 'phone', value: '+27821234567', confidence: 85 },
    ]);
  });

  it('drops junk of every kind with warnings that never contain the value', () => {
    const { identifiers, warnings } = normalizeIdentifiers(
      {
        email: 'noreply@club.co.za',
        phoneNumber: '0000000000',
        sclMemberId: 'null',
        teetimePlayerId: '  ',
        messagingContactId: 'anonymous',
        authUserId: 'undefined',
        externalIds: { golfRsaId: 'unknown', 'bad name!': '12' },
      },
      { country: 'ZA' },
    );
    expect(identifiers).toEqual([]);
    expect(warnings.sort()).toEqual(
      [
        'junk_email_dropped',
        'invalid_phone_dropped:fake',
        'junk_identifier_dropped:sclMemberId',
        'junk_identifier_dropped:teetimePlayerId',
        'junk_identifier_dropped:messagingContactId',
        'junk_identifier_dropped:authUserId',
        'junk_identifier_dropped:external.golfRsaId',
        'junk_identifier_dropped:external',
      ].sort(),
    );
    expect(warnings.join(' ')).not.toMatch(/noreply|0000/);
  });

  it('names the reason a phone was dropped', () => {
    expect(normalizeIdentifiers({ phoneNumber: '082' }, { country: 'ZA' }).warnings).toEqual([
      'invalid_phone_dropped:too_short',
    ]);
    expect(normalizeIdentifiers({ email: 'not-an-email' }, { country: 'ZA' }).warnings).toEqual([
      'invalid_email_dropped',
    ]);
  });

  it('ignores absent hints silently', () => {
    expect(normalizeIdentifiers({ email: null, phoneNumber: undefined }, { country: 'ZA' })).toEqual({
      identifiers: [],
      warnings: [],
    });
  });

  it('dedupes identifiers, keeping the highest confidence', () => {
    expect(
      dedupeIdentifiers([
        { kind: 'email', value: 'a@b.co', confidence: 50 },
        { kind: 'sclMemberId', value: '1', confidence: 100 },
        { kind: 'email', value: 'a@b.co', confidence: 95 },
      ]),
    ).toEqual([
      { kind: 'sclMemberId', value: '1', confidence: 100 },
      { kind: 'email', value: 'a@b.co', confidence: 95 },
    ]);
  });
});
