/**
 * PostgreSQL cannot store a NUL character or a UTF-16 surrogate without its pair, in text or in jsonb: a value
 * holding one fails the whole statement. Producers do send them (binary junk in a message preview, a name cut in
 * the middle of an emoji), so the pipeline replaces them with U+FFFD before anything reaches the database (and the
 * API refuses them with a 400, see parseOrThrow).
 */

const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** How JSON.stringify writes those characters (it escapes both); a cheap test before walking a whole value. */
const UNSTORABLE_ESCAPE = /\\u0000|\\ud[89a-f][0-9a-f]{2}/i;

export const REPLACEMENT_CHARACTER = '\ufffd';
export const UNSTORABLE_REPLACED = 'unstorable_characters_replaced';

export function storableText(text: string): string {
  return text.replace(UNSTORABLE, REPLACEMENT_CHARACTER);
}

/** True when `json` (JSON.stringify output) may hold a character PostgreSQL cannot store. */
export function mayHoldUnstorable(json: string): boolean {
  return UNSTORABLE_ESCAPE.test(json);
}

/** A copy of a JSON value with every string and key made storable. */
export function storableJson(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(storableJson);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [storableText(key), storableJson(child)]));
  }
  return value;
}
