import { Writable } from 'node:stream';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it } from 'vitest';
import { scrubText, serializeError } from './log-scrub';
import { createLogger } from './logger';

function captured() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger(stream, 'debug'), text: () => lines.join('') };
}

/** What postgres-js throws for a bad cast, with the value quoted, wrapped the way drizzle wraps it. */
function queryError(): DrizzleQueryError {
  const cause = Object.assign(new Error('invalid input syntax for type integer: "thandi.nkosi@example.org"'), {
    code: '22P02',
    detail: 'Key (value)=(+27821234567) already exists.',
  });
  return new DrizzleQueryError('select $1::int, $2', ['thandi.nkosi@example.org', '082 123 4567'], cause);
}

describe('scrubText', () => {
  it('masks emails and phone numbers in any common format, and leaves ids, dates and counts alone', () => {
    expect(scrubText('to Thandi.Nkosi+golf@Example.org, cc a@b.co')).toBe('to [email], cc [email]');
    expect(scrubText('+27 82 123 4567 / 082 123 4567 / 0821234567 / 27821234567')).toBe('[number] / [number] / [number] / [number]');
    const kept = 'segment 5b0f8a52-2f8e-4c1e-9a57-1f4f6c2d9e01 at 2025-12-01T08:15:02Z: 1200 rows, member 10482';
    expect(scrubText(kept)).toBe(kept);
  });
});

describe('serializeError', () => {
  it('logs the root cause message masked, its code and stack frames, never parameters or details', () => {
    const logged = JSON.stringify(serializeError(queryError()));
    expect(logged).toContain('invalid input syntax for type integer: \\"[email]\\"');
    expect(logged).toContain('"code":"22P02"');
    expect(logged).not.toMatch(/example\.org|123 4567|27821234567|select \$1/);
  });

  it('masks the message of a plain {message} object, as the worker logs them', () => {
    expect(serializeError({ message: 'no profile for 082 555 0101', attempt: 2 })).toEqual({ message: 'no profile for [number]', attempt: 2 });
  });
});

describe('the app logger', () => {
  it('redacts personal fields by name and errors by content, at debug level', () => {
    const { logger, text } = captured();
    logger.debug({ email: 'a@b.org', identity: { phoneNumber: '+27821234567' }, eventId: 'evt_1' }, 'event processed');
    logger.error({ err: queryError(), requestId: 'r1' }, 'API request failed');
    logger.warn({ error: new Error('payload.email thandi@example.org is invalid') }, 'refused');
    const out = text();
    expect(out).toContain('evt_1');
    expect(out).toContain('API request failed');
    expect(out).not.toMatch(/a@b\.org|example\.org|27821234567|123 4567/);
  });
});
