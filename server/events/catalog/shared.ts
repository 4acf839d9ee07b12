import { z } from 'zod';
import type { EventDefinition, WritableFields } from '../types';

/*
 * Building blocks for the per-source payload schemas. They accept what producers really send (numbers as strings
 * for ids and amounts, nulls for absent optionals) and hand the effects functions clean values.
 */

/** Keeps a definition's payload type attached to its effects function. */
export function defineEvent<S extends z.ZodType>(definition: EventDefinition<S>): EventDefinition<S> {
  return definition;
}

/** An id that some producers send as a number and others as a string: always a trimmed string. */
export const idString = z
  .union([z.string().trim().min(1), z.number().int()])
  .transform((value) => String(value));

/** SCL member ids are numbers (§2); digit strings become numbers, other strings are kept as sent. */
export const sclMemberIdSchema = z
  .union([z.number().int().positive(), z.string().trim().min(1)])
  .transform((value) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value));

/** ISO 8601 date-time with an offset or Z, as a Date. */
export const isoDateTime = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

/** A date-time as above, kept as the string that was sent (tee times keep the club's wall-clock time). */
export const isoDateTimeString = z.iso.datetime({ offset: true });

/** A calendar date (YYYY-MM-DD) or a full date-time, as a Date; a bare date means midnight UTC. */
export const dateOrDateTime = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .transform((value) => new Date(value.length === 10 ? `${value}T00:00:00Z` : value));

/** A calendar date (YYYY-MM-DD); a date-time is cut to its date part as written. */
export const calendarDate = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .transform((value) => value.slice(0, 10));

/** Money in integer minor units (cents); an integer string is accepted too. */
export const cents = z
  .union([z.number().int(), z.string().trim().regex(/^-?\d+$/, 'must be integer cents')])
  .transform((value) => Number(value));

/** ISO 4217 code, upper-cased. */
export const currencyCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{3}$/, 'must be a 3-letter currency code')
  .transform((value) => value.toUpperCase());

/**
 * A handicap index; plus handicaps are stored negative. Decimal strings are accepted, and a string written the golf
 * way with a leading "+" ("+2.1") is a plus handicap (-2.1).
 */
export const handicapIndex = z
  .union([z.number(), z.string().trim().regex(/^[+-]?\d+(\.\d+)?$/, 'must be a handicap index like 12.4')])
  .transform((value) => {
    if (typeof value === 'number') return value;
    return value.startsWith('+') ? 0 - Number(value.slice(1)) : Number(value);
  })
  .pipe(z.number().min(-10).max(54));

/** A small non-negative count (holes, players) that may arrive as a digit string. */
export const smallCount = z
  .union([z.number().int(), z.string().trim().regex(/^\d+$/, 'must be a whole number')])
  .transform((value) => Number(value))
  .pipe(z.number().int().min(0).max(1000));

/** A status code such as ACTIVE or LAPSED, upper-cased so segments can compare it. */
export const statusCode = z
  .string()
  .trim()
  .min(1)
  .transform((value) => value.toUpperCase());

/** Free text that may be absent, null or blank: blank becomes undefined. */
export const optionalText = z
  .string()
  .nullish()
  .transform((value) => {
    const trimmed = value?.trim();
    return trimmed ? trimmed : undefined;
  });

/** A boolean that some producers send as "true"/"false". */
export const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);

/** Messaging channels (§3). */
export const channelSchema = z
  .string()
  .trim()
  .transform((value) => value.toUpperCase())
  .pipe(z.enum(['EMAIL', 'SMS', 'PUSH', 'WHATSAPP']));
export type Channel = z.infer<typeof channelSchema>;

const CURRENCY_SYMBOLS: Record<string, string> = { ZAR: 'R', USD: '$', EUR: '€', GBP: '£' };

/** A source's field name → the profile field it writes and how a person reads it ("phone number"). */
export type FieldMap<K extends string> = Record<K, { field: keyof WritableFields; label: string }>;

/**
 * The writes of a `*.updated` event: the fields its `changes` list names (the payload may be a full snapshot), or
 * without a list every mapped field present. A listed field sent as null or blank was cleared at the source.
 */
export function listedChanges<K extends string>(
  payload: Record<string, unknown>,
  changes: readonly string[] | null | undefined,
  map: FieldMap<K>,
): { changed: K[]; fields: Partial<WritableFields>; labels: string[] } {
  const listed = changes?.length ? new Set(changes) : null;
  const changed = (Object.keys(map) as K[]).filter((name) => (listed ? listed.has(name) : true) && name in payload);
  const fields: Record<string, unknown> = {};
  for (const name of changed) {
    const value = payload[name];
    fields[map[name].field] = typeof value === 'string' ? value.trim() || null : (value ?? null);
  }
  const labels = [...new Set(changed.map((name) => map[name].label))];
  return { changed, fields: fields as Partial<WritableFields>, labels };
}

/** "R450.00" for 45000 ZAR cents; unknown currencies print their code ("NAD 450.00"). */
/** Intl formatters are costly to build and every payment title needs one: one per currency, built once. */
const MONEY_FORMATS = new Map<string, { digits: number; format: Intl.NumberFormat }>();

function moneyFormat(code: string) {
  let entry = MONEY_FORMATS.get(code);
  if (!entry) {
    let digits = 2;
    if (code) {
      try {
        digits = new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
      } catch {
        digits = 2;
      }
    }
    entry = { digits, format: new Intl.NumberFormat('en', { minimumFractionDigits: digits, maximumFractionDigits: digits }) };
    MONEY_FORMATS.set(code, entry);
  }
  return entry;
}

export function formatMoney(amountCents: number, currency: string | null | undefined): string {
  const code = currency ?? '';
  const { digits, format } = moneyFormat(code);
  const amount = format.format(amountCents / 10 ** digits);
  const symbol = CURRENCY_SYMBOLS[code];
  if (symbol) return `${symbol}${amount}`;
  return code ? `${code} ${amount}` : amount;
}

/** "2025-12-13 07:30" from an ISO string, in the wall-clock time the producer wrote (the club's local time). */
export function wallClock(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return match ? `${match[1]} ${match[2]}` : iso;
}

/** Drops undefined values so properties and identities carry only what the event said. */
export function compact<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** Human list: "email, phone number and first name". */
export function humanList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
