import { hash } from 'node:crypto';
import type { z } from 'zod';
import { NonRetryableError } from '../errors';
import { mayHoldUnstorable, storableJson, storableText, UNSTORABLE_REPLACED } from '../storable-text';
import { crmEventSchema, SUPPORTED_MAJOR_VERSIONS, type CrmEvent } from './envelope';
import { getDefinition } from './registry';
import type { EventDefinition, EventEffects } from './types';

/** Largest job body the CRM reads (its JSON, in bytes); bigger ones are dead-lettered as invalid_envelope. */
export const MAX_EVENT_BYTES = 64 * 1024;
/** Event times further ahead of the receive time than this are clamped to it (§5) and flagged. */
export const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;
export const TIMESTAMP_IN_FUTURE = 'timestamp_in_future';

/** The parts of a BullMQ job the normaliser reads. */
export interface InboundJob {
  name: string;
  data: unknown;
  /** When the job was added (ms since epoch): a flat Messaging event's time when it states none. */
  timestamp: number;
}

export interface NormalizedEvent {
  /** The envelope, with `type` canonical (aliases resolved) and a future timestamp clamped. */
  envelope: CrmEvent;
  definition: EventDefinition;
  /** The payload as the definition's schema parsed it. */
  payload: unknown;
  effects: EventEffects;
  /** Non-fatal findings for the SyncLog, e.g. `timestamp_in_future`. */
  warnings: string[];
}

export interface NormalizeOptions {
  /** Receive time; defaults to the clock. */
  now?: Date;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "tenantId: Invalid input…; payload.amount: …" — every failing path, so a dead letter says what to fix. */
function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}

const MESSAGING_PREFIX = 'messaging.';

/** A Messaging job name, with or without its prefix → the type: `contact.created` → `messaging.contact.created`. */
function messagingType(name: string): string {
  return name.startsWith(MESSAGING_PREFIX) ? name : MESSAGING_PREFIX + name;
}

/** The flat Messaging object of a job: at data.payload (current producers) or at data (older ones). */
function flatObjectOf(data: JsonObject): JsonObject | null {
  if (isObject(data.payload) && 'eventId' in data.payload) return data.payload;
  if ('eventId' in data) return data;
  return null;
}

/**
 * An envelope names its type and nests its payload. A bare flat Messaging object has an eventId and no payload
 * object, even when it also carries a `type` field of its own.
 */
function isEnvelopeShaped(data: JsonObject): boolean {
  return typeof data.type === 'string' && (isObject(data.payload) || !('eventId' in data));
}

/** Time fields a flat Messaging object may carry, most specific first. */
const FLAT_TIME_FIELDS = [
  'timestamp',
  'occurredAt',
  'updatedAt',
  'createdAt',
  'deletedAt',
  'sentAt',
  'deliveredAt',
  'bouncedAt',
  'openedAt',
  'clickedAt',
  'repliedAt',
] as const;

const isoTimestamp = crmEventSchema.shape.timestamp;

function flatTimestamp(flat: JsonObject, jobTimestamp: number): string {
  for (const field of FLAT_TIME_FIELDS) {
    const value = flat[field];
    // An ISO string with offset, or epoch milliseconds; anything else (zone-less local times) is not guessed at.
    if (typeof value === 'string' && isoTimestamp.safeParse(value).success) return value;
    const date = typeof value === 'number' && value > 0 ? new Date(value) : null;
    if (date && !Number.isNaN(date.getTime())) return date.toISOString();
  }
  return new Date(jobTimestamp).toISOString();
}

/** Picks the type a flat job means: its name, or failing that a type field on the object. */
function flatType(jobName: string, flat: JsonObject): string {
  const candidates = [jobName, flat.type, flat.eventType].filter((c): c is string => typeof c === 'string' && !!c);
  const known = candidates.map(messagingType).find((type) => getDefinition(type));
  return known ?? messagingType(jobName);
}

/** §1: a flat Messaging event as an envelope (validated afterwards like any other). */
function envelopeFromFlat(jobName: string, flat: JsonObject, jobTimestamp: number): JsonObject {
  const identity: JsonObject = {};
  if (flat.contactId !== undefined && flat.contactId !== null) identity.messagingContactId = flat.contactId;
  if (flat.email !== undefined && flat.email !== null) identity.email = flat.email;
  if (flat.phoneNumber !== undefined && flat.phoneNumber !== null) identity.phoneNumber = flat.phoneNumber;
  return {
    id: typeof flat.eventId === 'number' ? String(flat.eventId) : flat.eventId,
    type: flatType(jobName, flat),
    version: flat.version === undefined || flat.version === null ? '1.0' : String(flat.version),
    timestamp: flatTimestamp(flat, jobTimestamp),
    correlationId: flat.correlationId,
    tenantId: flat.tenantId,
    source: 'messaging',
    identity,
    payload: flat,
  };
}

function jsonOf(data: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(data);
  } catch (error) {
    throw new NonRetryableError('invalid_envelope', `job data is not JSON-serialisable: ${(error as Error).message}`);
  }
  if (json === undefined) throw new NonRetryableError('invalid_envelope', 'job data is empty');
  return json;
}

/**
 * The raw envelope a job carries, in either producer format (§1), with characters PostgreSQL cannot store
 * replaced (`replaced` says whether any were).
 */
function rawEnvelopeOf(job: InboundJob): { raw: JsonObject; replaced: boolean } {
  const json = jsonOf(job.data);
  const size = Buffer.byteLength(json, 'utf8');
  if (size > MAX_EVENT_BYTES) {
    throw new NonRetryableError('invalid_envelope', `job data is ${size} bytes; the limit is ${MAX_EVENT_BYTES}`);
  }
  if (!isObject(job.data)) {
    const kind = Array.isArray(job.data) ? 'an array' : job.data === null ? 'null' : typeof job.data;
    throw new NonRetryableError('invalid_envelope', `job data must be an object, got ${kind}`);
  }
  const data = mayHoldUnstorable(json) ? (storableJson(job.data) as JsonObject) : job.data;
  const replaced = data !== job.data && JSON.stringify(data) !== json;
  if (isEnvelopeShaped(data)) return { raw: data, replaced };
  const flat = flatObjectOf(data);
  if (flat) return { raw: envelopeFromFlat(job.name, flat, Number.isFinite(job.timestamp) ? job.timestamp : Date.now()), replaced };
  throw new NonRetryableError(
    'invalid_envelope',
    `job "${job.name}" is neither an envelope (no "type") nor a flat Messaging event (no "eventId")`,
  );
}

function isTooFarAhead(date: Date, now: Date): boolean {
  return date.getTime() - now.getTime() > FUTURE_TOLERANCE_MS;
}

/** Profile fields whose value is the event time itself, clamped together with it. */
const EVENT_TIME_FIELDS = ['memberSince', 'handicapUpdatedAt'] as const;

/** Clamps the event times inside the effects; true if any was in the future. */
function clampEffects(effects: EventEffects, now: Date): boolean {
  let clamped = false;
  for (const write of effects.writes) {
    if (isTooFarAhead(write.at, now)) {
      write.at = new Date(now);
      clamped = true;
    }
    for (const field of EVENT_TIME_FIELDS) {
      const value = write.fields[field];
      if (value instanceof Date && isTooFarAhead(value, now)) {
        write.fields[field] = new Date(now);
        clamped = true;
      }
    }
  }
  if (effects.activity && isTooFarAhead(effects.activity.occurredAt, now)) {
    effects.activity.occurredAt = new Date(now);
    clamped = true;
  }
  return clamped;
}

/**
 * Reads one `crm-events` job into a validated envelope, its definition, its parsed payload and its effects.
 * Throws NonRetryableError (invalid_envelope, unsupported_version, unknown_event_type, invalid_payload) for a job
 * that can never succeed. Whether the person can be identified is the identity module's call, not this one's.
 */
export function normalizeJob(job: InboundJob, options: NormalizeOptions = {}): NormalizedEvent {
  const now = options.now ?? new Date();
  const { raw, replaced } = rawEnvelopeOf(job);

  const parsed = crmEventSchema.safeParse(raw);
  if (!parsed.success) {
    throw new NonRetryableError('invalid_envelope', `invalid envelope: ${describeIssues(parsed.error)}`);
  }
  const envelope = parsed.data;

  const major = envelope.version.split('.')[0];
  if (!SUPPORTED_MAJOR_VERSIONS.includes(major)) {
    throw new NonRetryableError(
      'unsupported_version',
      `version ${envelope.version} of ${envelope.type} is not supported ` +
        `(supported major versions: ${SUPPORTED_MAJOR_VERSIONS.join(', ')})`,
    );
  }

  const definition = getDefinition(envelope.type);
  if (!definition) {
    throw new NonRetryableError('unknown_event_type', `unknown event type "${envelope.type}" from ${envelope.source}`);
  }

  const payload = definition.payload.safeParse(envelope.payload);
  if (!payload.success) {
    throw new NonRetryableError('invalid_payload', `${definition.type} payload: ${describeIssues(payload.error)}`);
  }

  const warnings: string[] = replaced ? [UNSTORABLE_REPLACED] : [];
  const normalizedEnvelope: CrmEvent = { ...envelope, type: definition.type };
  if (isTooFarAhead(new Date(envelope.timestamp), now)) {
    normalizedEnvelope.timestamp = now.toISOString();
    warnings.push(TIMESTAMP_IN_FUTURE);
  }

  const effects = definition.effects({ event: normalizedEnvelope, payload: payload.data });
  if (clampEffects(effects, now) && !warnings.includes(TIMESTAMP_IN_FUTURE)) warnings.push(TIMESTAMP_IN_FUTURE);

  return { envelope: normalizedEnvelope, definition, payload: payload.data, effects, warnings };
}

export interface EventSourceInfo {
  source: string;
  eventId: string;
  type: string;
  tenantId: string | null;
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim()) return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

const KNOWN_SOURCES = ['scl', 'teetime', 'messaging'];

/**
 * Best-effort source, event id, type and tenant of a job that may not even parse, so it can be dead-lettered under
 * a stable key. Falls back to source 'unknown', the caller's job id (or a hash of the job), and the job name. The
 * values are made storable, exactly as the dead letter and sync log rows will hold them.
 */
export function eventSourceOf(jobName: string, data: unknown, jobId?: string): EventSourceInfo {
  const guess = guessSourceOf(jobName, data, jobId);
  return {
    source: storableText(guess.source),
    eventId: storableText(guess.eventId),
    type: storableText(guess.type),
    tenantId: guess.tenantId === null ? null : storableText(guess.tenantId),
  };
}

function guessSourceOf(jobName: string, data: unknown, jobId?: string): EventSourceInfo {
  const fallbackId = (): string => {
    if (jobId) return jobId;
    let body = '';
    try {
      body = JSON.stringify(data) ?? '';
    } catch {
      body = String(data);
    }
    return `job-${hash('sha256', `${jobName}\n${body}`, 'hex').slice(0, 24)}`;
  };
  if (!isObject(data)) return { source: 'unknown', eventId: fallbackId(), type: jobName, tenantId: null };

  if (isEnvelopeShaped(data)) {
    const type = text(data.type) ?? jobName;
    const prefix = type.split('.')[0];
    return {
      source: text(data.source) ?? (KNOWN_SOURCES.includes(prefix) ? prefix : 'unknown'),
      eventId: text(data.id) ?? fallbackId(),
      type,
      tenantId: text(data.tenantId) ?? null,
    };
  }
  const flat = flatObjectOf(data);
  if (flat) {
    return {
      source: 'messaging',
      eventId: text(flat.eventId) ?? fallbackId(),
      type: flatType(jobName, flat),
      tenantId: text(flat.tenantId) ?? null,
    };
  }
  return {
    source: text(data.source) ?? 'unknown',
    eventId: text(data.id) ?? fallbackId(),
    type: text(data.type) ?? jobName,
    tenantId: text(data.tenantId) ?? null,
  };
}
