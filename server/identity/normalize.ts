import {
  isSupportedCountry,
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
  type CountryCode,
  type PhoneNumber,
} from 'libphonenumber-js/max';
import { LRUCache } from 'lru-cache';
import { IDENTITY_KINDS, type IdentityKind } from '@/server/db/schema';
import type { IdentityHints } from '@/server/events/envelope';

/** One normalised identifier of a person, as stored in profile_identities. */
export interface Identifier {
  kind: IdentityKind;
  /** Normalised value; external ids are `name:value` (`golfRsaId:1234567`). */
  value: string;
  confidence: number;
}

/** How sure a match on each kind is (§6). Email + phone together (99) is an event-level figure, not stored. */
export const IDENTITY_CONFIDENCE: Record<IdentityKind, number> = {
  authUserId: 100,
  sclMemberId: 100,
  teetimePlayerId: 100,
  messagingContactId: 100,
  external: 100,
  email: 95,
  phone: 85,
};

/** 0 is the strongest kind; IDENTITY_KINDS lists them strongest first. */
export function kindStrength(kind: IdentityKind): number {
  return IDENTITY_KINDS.indexOf(kind);
}

/** Strongest kind first, then by value, so every caller sees identifiers in one stable order. */
export function compareIdentifiers(a: Identifier, b: Identifier): number {
  return kindStrength(a.kind) - kindStrength(b.kind) || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
}

/** Values producers send when they have nothing: they must never match or merge two people. */
const JUNK_TOKENS = new Set(['', 'null', 'undefined', 'anonymous', 'unknown', 'n/a', 'na', 'none', 'test', '-', '0']);
/** Longer values are not identifiers but accidents (and would not fit the unique index comfortably). */
const MAX_VALUE_LENGTH = 254;

function isJunkToken(value: string): boolean {
  return JUNK_TOKENS.has(value.trim().toLowerCase());
}

type Checked = { value: string } | { warning: string };

/**
 * Checks are pure in their input, and a person's email and phone come back with every event of theirs (twice: as
 * identity hints and as profile fields), so the worker remembers the latest results. Parsing a phone number walks
 * libphonenumber's metadata, and with the email pattern it was ~3 % of the pipeline thread's time in a backlog
 * (`scripts/bench/pipeline-only.ts 20000 200`, three alternating runs: Node 0.285 vs 0.295 CPU ms per event).
 */
function remembered<A extends unknown[]>(check: (...args: A) => Checked, keyOf: (...args: A) => string) {
  const cache = new LRUCache<string, Readonly<Checked>>({ max: 20_000 });
  return (...args: A): Readonly<Checked> => {
    const key = keyOf(...args);
    if (key.length > 2 * MAX_VALUE_LENGTH) return check(...args); // not an identifier anyway; keeps the cache small
    let checked = cache.get(key);
    if (checked === undefined) cache.set(key, (checked = Object.freeze(check(...args))));
    return checked;
  };
}

// ---- email -------------------------------------------------------------------------------------------------------

const EMAIL_PATTERN =
  /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+(?:\p{L}{2,}|xn--[a-z0-9-]+)$/u;

/** Local parts that mean "nobody" on any domain. */
const PLACEHOLDER_LOCAL_PARTS = new Set([
  'noreply',
  'no-reply',
  'no_reply',
  'donotreply',
  'do-not-reply',
  'do_not_reply',
  'unknown',
  'anonymous',
  'none',
  'null',
  'undefined',
  'nobody',
]);
/**
 * Whole addresses that are placeholders. Demo data uses example.org / example.com for real people, so those
 * domains are not junk as such — only these obvious fillers.
 */
const PLACEHOLDER_ADDRESSES = new Set([
  'test@test.com',
  'test@example.com',
  'test@example.org',
  'example@example.com',
  'example@example.org',
  'email@example.com',
  'email@email.com',
]);

/**
 * How an email is compared everywhere (identities, staff sign-in, list imports, look-ups): trimmed, lower-case.
 * Identities also NFC-normalise first; for the ASCII addresses people type that changes nothing.
 */
export function foldEmail(value: string): string {
  return value.trim().toLowerCase();
}

const checkEmail = remembered(checkEmailOnce, (raw: string) => raw);

function checkEmailOnce(raw: string): Checked {
  const value = foldEmail(raw.normalize('NFC'));
  if (isJunkToken(value)) return { warning: 'junk_email_dropped' };
  if (value.length > MAX_VALUE_LENGTH || !EMAIL_PATTERN.test(value)) return { warning: 'invalid_email_dropped' };
  const at = value.lastIndexOf('@');
  const local = value.slice(0, at).split('+')[0];
  const domain = value.slice(at + 1);
  if (local.length > 64) return { warning: 'invalid_email_dropped' };
  if (PLACEHOLDER_LOCAL_PARTS.has(local) || PLACEHOLDER_ADDRESSES.has(value) || domain.endsWith('.invalid')) {
    return { warning: 'junk_email_dropped' };
  }
  return { value };
}

/** Trimmed, lower-cased email, or null when it is junk, a placeholder or not an email at all. */
export function normalizeEmail(raw: string | null | undefined): string | null {
  if (raw == null) return null;
  const checked = checkEmail(raw);
  return 'value' in checked ? checked.value : null;
}

// ---- phone -------------------------------------------------------------------------------------------------------

const REPEATED_DIGIT = /^(\d)\1*$/;

function parsePhone(raw: string, country: CountryCode | undefined): PhoneNumber | undefined {
  const parsed = parsePhoneNumberFromString(raw, country ? { defaultCountry: country } : undefined);
  if (parsed?.isValid()) return parsed;
  // "27821234567": an international number whose producer dropped the plus.
  const digits = raw.replace(/\D/g, '');
  if (!raw.trim().startsWith('+') && !digits.startsWith('0')) {
    const international = parsePhoneNumberFromString(`+${digits}`);
    if (international?.isValid()) return international;
  }
  return parsed;
}

const checkPhone = remembered(checkPhoneOnce, (raw: string, defaultCountry: string) => `${defaultCountry}\u0000${raw}`);

function checkPhoneOnce(raw: string, defaultCountry: string): Checked {
  if (isJunkToken(raw)) return { warning: 'junk_phone_dropped' };
  const digits = raw.replace(/\D/g, '');
  if (digits.length === 0) return { warning: 'junk_phone_dropped' };
  if (REPEATED_DIGIT.test(digits)) return { warning: 'invalid_phone_dropped:fake' };
  const country = isSupportedCountry(defaultCountry) ? defaultCountry : undefined;
  const parsed = parsePhone(raw, country);
  if (!parsed?.isValid()) {
    const length = validatePhoneNumberLength(raw, country);
    if (length === 'TOO_SHORT') return { warning: 'invalid_phone_dropped:too_short' };
    if (length === 'TOO_LONG') return { warning: 'invalid_phone_dropped:too_long' };
    return { warning: 'invalid_phone_dropped:invalid' };
  }
  // "+27 000 000 0000" parses; the national part is still obviously made up.
  if (REPEATED_DIGIT.test(parsed.nationalNumber)) return { warning: 'invalid_phone_dropped:fake' };
  return { value: parsed.number };
}

/**
 * E.164 form of a phone number, reading local numbers with the tenant's default country (`082 123 4567` + ZA →
 * `+27821234567`); null when it is junk, fake or not a valid number.
 */
export function normalizePhone(raw: string | null | undefined, country: string): string | null {
  if (raw == null) return null;
  const checked = checkPhone(raw, country);
  return 'value' in checked ? checked.value : null;
}

/** The digits of an E.164 number without the plus (profiles.phone_digits, for "any format" phone search). */
export function phoneDigits(e164: string): string {
  return e164.replace(/\D/g, '');
}

// ---- source ids --------------------------------------------------------------------------------------------------

const EXTERNAL_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

function checkId(raw: string | number, label: string): Checked {
  if (typeof raw === 'number' && !Number.isFinite(raw)) return { warning: `junk_identifier_dropped:${label}` };
  const value = String(raw).trim();
  if (isJunkToken(value) || value.length > MAX_VALUE_LENGTH) return { warning: `junk_identifier_dropped:${label}` };
  return { value };
}

// ---- all hints ---------------------------------------------------------------------------------------------------

const SOURCE_LINK_KINDS = ['authUserId', 'sclMemberId', 'teetimePlayerId', 'messagingContactId'] as const;

/**
 * Turns raw identity hints into normalised identifiers, strongest first and without duplicates. Junk is dropped
 * with a warning code; warnings never carry the raw value because they are stored and logged.
 */
export function normalizeIdentifiers(
  hints: IdentityHints,
  opts: { country: string },
): { identifiers: Identifier[]; warnings: string[] } {
  const found: Identifier[] = [];
  const warnings = new Set<string>();
  const add = (kind: IdentityKind, checked: Checked) => {
    if ('warning' in checked) warnings.add(checked.warning);
    else found.push({ kind, value: checked.value, confidence: IDENTITY_CONFIDENCE[kind] });
  };

  for (const kind of SOURCE_LINK_KINDS) {
    const raw = hints[kind];
    if (raw != null) add(kind, checkId(raw, kind));
  }
  for (const [name, raw] of Object.entries(hints.externalIds ?? {})) {
    if (raw == null) continue;
    if (!EXTERNAL_NAME.test(name)) {
      warnings.add('junk_identifier_dropped:external');
      continue;
    }
    const checked = checkId(raw, `external.${name}`);
    add('external', 'value' in checked ? { value: `${name}:${checked.value}` } : checked);
  }
  if (hints.email != null) add('email', checkEmail(String(hints.email)));
  if (hints.phoneNumber != null) add('phone', checkPhone(String(hints.phoneNumber), opts.country));

  return { identifiers: dedupeIdentifiers(found), warnings: [...warnings] };
}

/** A map key for one identifier (kind and value never contain NUL). */
export function identifierKey(identifier: Pick<Identifier, 'kind' | 'value'>): string {
  return `${identifier.kind}\u0000${identifier.value}`;
}

/** Removes repeated (kind, value) pairs, keeping the highest confidence, and sorts strongest first. */
export function dedupeIdentifiers(identifiers: readonly Identifier[]): Identifier[] {
  const byKey = new Map<string, Identifier>();
  for (const identifier of identifiers) {
    const key = identifierKey(identifier);
    const seen = byKey.get(key);
    if (!seen || seen.confidence < identifier.confidence) byKey.set(key, identifier);
  }
  return [...byKey.values()].sort(compareIdentifiers);
}
