import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { activitiesQuery, customersQuery, deadLettersQuery, idParams, resolveQuery } from './v1/schemas';
import { ApiError, inertMessage, MAX_INPUT_DEPTH, parseOrThrow } from './errors';

function message(schema: z.ZodType, input: unknown, prefix = ''): string {
  try {
    parseOrThrow(schema, input, prefix);
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    return (error as ApiError).message;
  }
  throw new Error('expected a failure');
}

describe('parseOrThrow', () => {
  it('returns the parsed value with defaults', () => {
    expect(parseOrThrow(customersQuery, {})).toMatchObject({ skip: 0, take: 25 });
    expect(parseOrThrow(customersQuery, { take: '100', emailOptIn: 'false' })).toMatchObject({ take: 100, emailOptIn: false });
  });

  it('names the parameter and the bound', () => {
    expect(message(customersQuery, { take: '500' })).toBe('take: must be ≤ 100');
    expect(message(customersQuery, { skip: '-1' })).toBe('skip: must be ≥ 0');
    expect(message(customersQuery, { take: 'ten' })).toBe('take: must be a number');
    expect(message(customersQuery, { take: '2.5' })).toBe('take: must be an integer');
  });

  it('lists the allowed values of an enum', () => {
    expect(message(customersQuery, { status: 'GONE' })).toBe('status: must be one of ACTIVE, INACTIVE, MERGED, DELETED');
    expect(message(deadLettersQuery, { reason: 'x' })).toMatch(/^reason: must be one of invalid_envelope, /);
  });

  it('names unknown parameters, malformed ids and dates, and missing values', () => {
    expect(message(customersQuery, { tak: '5' })).toBe('tak: unknown parameter');
    expect(message(idParams, { id: 'nope' })).toBe('id: must be a UUID');
    expect(message(idParams, {})).toBe('id: is required');
    expect(message(activitiesQuery, { from: 'yesterday' })).toBe('from: must be a date (ISO 8601)');
  });

  it('refuses a parameter given twice where one value is expected', () => {
    expect(message(customersQuery, { status: ['ACTIVE', 'INACTIVE'] })).toMatch(/^status: /);
  });

  it('explains a rule across parameters', () => {
    expect(message(resolveQuery, {})).toBe('give at least one of email, phone, authUserId');
  });

  it('says which values a true/false flag takes', () => {
    expect(message(customersQuery, { emailOptIn: 'yes' })).toBe('emailOptIn: must be one of true, false');
  });

  it('joins several problems and prefixes body fields', () => {
    expect(message(customersQuery, { take: '0', skip: 'x' })).toBe('skip: must be a number; take: must be ≥ 1');
    expect(message(idParams, { id: 'x' }, 'body')).toBe('body.id: must be a UUID');
  });
});

describe('parseOrThrow with hostile input', () => {
  it('never repeats a parameter name that is not a plain identifier', () => {
    expect(message(customersQuery, { '<script>alert(1)</script>': '1' })).toBe('(a name with unexpected characters): unknown parameter');
    expect(message(customersQuery, { "' or 1=1 --": '1' })).not.toContain("'");
    expect(message(customersQuery, { take: 'x', '<img>': 1 }, 'body')).toBe('body.take: must be a number; body.(a name with unexpected characters): unknown parameter');
  });

  it('refuses NUL bytes and unpaired surrogates anywhere, naming where', () => {
    expect(message(customersQuery, { q: 'a\u0000b' })).toBe('q: must not contain NUL or unpaired surrogate characters');
    expect(message(resolveQuery, { email: 'x\ud800' }, 'body')).toBe('body.email: must not contain NUL or unpaired surrogate characters');
    expect(message(customersQuery, { 'k\u0000': '1' })).toBe('(a name with unexpected characters): must not contain NUL or unpaired surrogate characters');
    expect(parseOrThrow(customersQuery, { q: 'Zoë 🏌️‍♀️' })).toMatchObject({ q: 'Zoë 🏌️‍♀️' });
  });
});

describe('what error answers may carry', () => {
  it('turns angle brackets into quotation marks and drops control characters', () => {
    expect(inertMessage('unknown operator "<script>alert(1)</script>"\u0000\u001b')).toBe('unknown operator "‹script›alert(1)‹/script›"');
    expect(new ApiError('bad_request', 'a <b> c').message).toBe('a ‹b› c');
    expect(inertMessage('take: must be ≤ 100; Zoë 🏌')).toBe('take: must be ≤ 100; Zoë 🏌');
  });

  it('refuses input nested deeper than the limit before a schema recurses into it', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(message(customersQuery, { q: deep }, 'body')).toBe(`body.q: nested more than ${MAX_INPUT_DEPTH} levels deep`);
  });
});
