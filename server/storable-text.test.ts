import { describe, expect, it } from 'vitest';
import { envelopeFixture } from './events/fixtures';
import { normalizeJob } from './events/normalize';
import { mayHoldUnstorable, storableJson, storableText, UNSTORABLE_REPLACED } from './storable-text';

describe('storable text and JSON', () => {
  it('replaces NUL and unpaired surrogates, and keeps every other character (paired emoji included)', () => {
    expect(storableText('a\u0000b')).toBe('a\ufffdb');
    expect(storableText('x\ud800')).toBe('x\ufffd');
    expect(storableText('\udfffy')).toBe('\ufffdy');
    expect(storableText('🏌️‍♀️ Zoë <script>')).toBe('🏌️‍♀️ Zoë <script>');
  });

  it('walks keys and values of nested JSON', () => {
    expect(storableJson({ 'k\u0000': ['v\ud800', 1, null, { deep: '\u0000' }] })).toEqual({ 'k\ufffd': ['v\ufffd', 1, null, { deep: '\ufffd' }] });
  });

  it('spots the escapes JSON.stringify writes for them', () => {
    expect(mayHoldUnstorable(JSON.stringify({ a: 'x\u0000' }))).toBe(true);
    expect(mayHoldUnstorable(JSON.stringify({ a: '\udc00' }))).toBe(true);
    expect(mayHoldUnstorable(JSON.stringify({ a: '🏌 é' }))).toBe(false);
  });
});

describe('normalizeJob with characters PostgreSQL cannot store', () => {
  it('accepts the event with them replaced, and says so in a warning', () => {
    const data = envelopeFixture('scl.member.created');
    (data.payload as Record<string, unknown>).firstName = 'Tha\u0000ndi\ud83c';
    const { payload, warnings } = normalizeJob({ name: 'event', data, timestamp: Date.now() });
    expect((payload as { firstName: string }).firstName).toBe('Tha\ufffdndi\ufffd');
    expect(warnings).toContain(UNSTORABLE_REPLACED);
  });

  it('adds no warning for a literal backslash-u in the text', () => {
    const data = envelopeFixture('scl.member.created');
    (data.payload as Record<string, unknown>).lastName = 'C:\\u0000';
    expect(normalizeJob({ name: 'event', data, timestamp: Date.now() }).warnings).not.toContain(UNSTORABLE_REPLACED);
  });
});
