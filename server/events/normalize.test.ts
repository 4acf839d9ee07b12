import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../errors';
import { envelopeFixture, flatFixture } from './fixtures';
import { eventSourceOf, MAX_EVENT_BYTES, normalizeJob, type InboundJob } from './normalize';

const NOW = new Date('2026-01-10T12:00:00Z');
const normalize = (job: InboundJob) => normalizeJob(job, { now: NOW });

function failure(job: InboundJob): NonRetryableError {
  try {
    normalize(job);
  } catch (error) {
    if (error instanceof NonRetryableError) return error;
    throw error;
  }
  throw new Error('expected normalizeJob to throw');
}

const envelopeJob = (data: unknown, name = 'event'): InboundJob => ({ name, data, timestamp: NOW.getTime() });

describe('normalizeJob: envelope jobs', () => {
  it.each(['event', 'scl.member.created', 'anything-at-all', ''])('reads the type from data, whatever the job name (%j)', (name) => {
    const event = normalize(envelopeJob(envelopeFixture('scl.member.created'), name));
    expect(event.definition.type).toBe('scl.member.created');
    expect(event.envelope.id).toBe('5b0f8a52-2f8e-4c1e-9a57-1f4f6c2d9e01');
    expect(event.envelope.correlationId).toBe('req_7d21c9');
  });

  it('resolves an alias to the canonical type on the envelope', () => {
    const data = { ...envelopeFixture('scl.member.tier.changed'), type: 'tier.changed' };
    const event = normalize(envelopeJob(data));
    expect(event.envelope.type).toBe('scl.member.tier.changed');
    expect(event.definition.priority).toBe(2);
  });

  it('returns the parsed payload (ids and amounts as producers send them, coerced)', () => {
    const data = envelopeFixture('scl.payment.received');
    Object.assign(data.payload as object, { amount: '45000', id: 78213 });
    const event = normalize(envelopeJob(data));
    expect(event.payload).toMatchObject({ id: '78213', amount: 45000, currency: 'ZAR' });
    expect(event.effects.activity?.properties).toMatchObject({ paymentId: '78213', amount: 45000 });
  });

  it('stays an envelope when it also carries an eventId field', () => {
    const data = { ...envelopeFixture('scl.invoice.sent'), eventId: 'evt_dup' };
    const event = normalize(envelopeJob(data, 'contact.created'));
    expect(event.envelope.type).toBe('scl.invoice.sent');
    expect(event.envelope.id).toBe('c3e6a912-4d7f-4e0a-9b3c-5f8d1e4a7b77');
  });

  it('defaults a missing identity to {} and ignores unknown envelope fields', () => {
    const data = { ...envelopeFixture('teetime.competition.published'), identity: undefined, routingKey: 'x' };
    const event = normalize(envelopeJob(data));
    expect(event.envelope.identity).toEqual({});
    expect(event.effects.competition?.name).toBe('Club Championship 2026');
  });
});

describe('normalizeJob: flat Messaging jobs', () => {
  it('builds the envelope from the flat object at data.payload', () => {
    const job = flatFixture('contact.created');
    const event = normalize({ name: job.name, data: job.data, timestamp: 0 });
    expect(event.envelope).toMatchObject({
      id: 'msg_evt_7f3a9c01',
      type: 'messaging.contact.created',
      version: '1.0',
      source: 'messaging',
      tenantId: 'fixture-club',
      timestamp: '2025-11-20T09:12:44+02:00',
      identity: { messagingContactId: 'ctc_5e91d0', email: 'thandi.nkosi@example.org', phoneNumber: '+27821234567' },
    });
  });

  it('accepts the flat object at data itself (older producers) and a prefixed job name', () => {
    const { data } = flatFixture('message.bounced');
    const event = normalize({ name: 'messaging.message.bounced', data: data.payload, timestamp: 0 });
    expect(event.envelope.type).toBe('messaging.message.bounced');
    expect(event.effects.writes[0].fields).toEqual({ phoneUndeliverable: true });
  });

  it('maps a flat alias job name to the canonical type', () => {
    const { data } = flatFixture('contactPreference.updated');
    const event = normalize({ name: 'consent.changed', data, timestamp: 0 });
    expect(event.envelope.type).toBe('messaging.contactPreference.updated');
    expect(event.definition.priority).toBe(1);
  });

  it('falls back to a type field on the object when the job name is generic', () => {
    const { data } = flatFixture('email.opened');
    const flat = { ...data.payload, type: 'email.opened' };
    expect(normalize({ name: 'event', data: { payload: flat }, timestamp: 0 }).envelope.type).toBe('messaging.email.opened');
    expect(normalize({ name: 'event', data: flat, timestamp: 0 }).envelope.type).toBe('messaging.email.opened');
  });

  it('uses the job timestamp when the object has no time field, and epoch milliseconds when given', () => {
    const base = { eventId: 'msg_evt_1', tenantId: 'fixture-club', contactId: 'ctc_1', emailOptIn: true };
    const jobTime = Date.parse('2026-01-09T08:00:00Z');
    const noTime = normalize({ name: 'contactPreference.updated', data: base, timestamp: jobTime });
    expect(noTime.envelope.timestamp).toBe('2026-01-09T08:00:00.000Z');
    expect(noTime.effects.writes[0].at).toEqual(new Date('2026-01-09T08:00:00Z'));
    const epoch = normalize({
      name: 'contactPreference.updated',
      data: { ...base, timestamp: Date.parse('2026-01-08T07:30:00Z') },
      timestamp: jobTime,
    });
    expect(epoch.envelope.timestamp).toBe('2026-01-08T07:30:00.000Z');
  });

  it('keeps a flat numeric eventId as a string id', () => {
    const { data } = flatFixture('email.opened');
    const event = normalize({ name: 'email.opened', data: { ...data.payload, eventId: 991 }, timestamp: 0 });
    expect(event.envelope.id).toBe('991');
  });
});

describe('normalizeJob: errors', () => {
  it.each([
    ['a string', 'hello', 'job data must be an object, got string'],
    ['an array', [1, 2], 'job data must be an object, got an array'],
    ['null', null, 'job data must be an object, got null'],
  ])('rejects %s as invalid_envelope', (_label, data, message) => {
    const error = failure(envelopeJob(data));
    expect(error.reason).toBe('invalid_envelope');
    expect(error.message).toBe(message);
    expect(error.step).toBe('parse');
  });

  it('rejects undefined job data as invalid_envelope', () => {
    expect(failure(envelopeJob(undefined))).toMatchObject({ reason: 'invalid_envelope', message: 'job data is empty' });
  });

  it('names every failing envelope path', () => {
    const data = { ...envelopeFixture('scl.member.created'), tenantId: undefined, timestamp: 'yesterday' };
    const error = failure(envelopeJob(data));
    expect(error.reason).toBe('invalid_envelope');
    expect(error.message).toMatch(/^invalid envelope: /);
    expect(error.message).toContain('tenantId:');
    expect(error.message).toContain('timestamp:');
    expect(error.message).not.toContain('payload');
  });

  it('rejects a flat job without a tenant as invalid_envelope naming tenantId', () => {
    const { data } = flatFixture('contact.deleted');
    const { tenantId: _tenant, ...rest } = data.payload;
    const error = failure({ name: 'contact.deleted', data: { payload: rest }, timestamp: 0 });
    expect(error.reason).toBe('invalid_envelope');
    expect(error.message).toContain('tenantId:');
  });

  it('rejects an object that is neither format', () => {
    const error = failure({ name: 'contact.created', data: { contactId: 'ctc_1', tenantId: 't' }, timestamp: 0 });
    expect(error.reason).toBe('invalid_envelope');
    expect(error.message).toBe('job "contact.created" is neither an envelope (no "type") nor a flat Messaging event (no "eventId")');
  });

  it('rejects bodies over 64 KiB as invalid_envelope', () => {
    const data = envelopeFixture('scl.member.updated');
    (data.payload as Record<string, unknown>).notes = 'x'.repeat(MAX_EVENT_BYTES);
    const error = failure(envelopeJob(data));
    expect(error.reason).toBe('invalid_envelope');
    expect(error.message).toMatch(/^job data is \d+ bytes; the limit is 65536$/);
  });

  it('accepts a body just under the limit', () => {
    const data = envelopeFixture('scl.member.updated');
    const size = Buffer.byteLength(JSON.stringify(data));
    (data.payload as Record<string, unknown>).notes = 'x'.repeat(MAX_EVENT_BYTES - size - 20);
    expect(normalize(envelopeJob(data)).definition.type).toBe('scl.member.updated');
  });

  it.each(['2.0', '0.9', '10'])('rejects version %s as unsupported_version', (version) => {
    const error = failure(envelopeJob({ ...envelopeFixture('scl.payment.failed'), version }));
    expect(error.reason).toBe('unsupported_version');
    expect(error.message).toBe(
      `version ${version} of scl.payment.failed is not supported (supported major versions: 1)`,
    );
  });

  it('accepts minor versions of a supported major', () => {
    const event = normalize(envelopeJob({ ...envelopeFixture('scl.payment.failed'), version: '1.3' }));
    expect(event.envelope.version).toBe('1.3');
  });

  it('rejects an unknown type as unknown_event_type', () => {
    const error = failure(envelopeJob({ ...envelopeFixture('scl.payment.failed'), type: 'scl.member.merged' }));
    expect(error.reason).toBe('unknown_event_type');
    expect(error.message).toBe('unknown event type "scl.member.merged" from scl');
  });

  it('rejects an unknown flat Messaging job name as unknown_event_type', () => {
    const { data } = flatFixture('contact.created');
    const error = failure({ name: 'contact.merged', data, timestamp: 0 });
    expect(error.reason).toBe('unknown_event_type');
    expect(error.message).toBe('unknown event type "messaging.contact.merged" from messaging');
  });

  it('rejects a bad payload as invalid_payload naming the fields', () => {
    const data = envelopeFixture('scl.payment.received');
    Object.assign(data.payload as object, { amount: 450.5, paidAt: '02/12/2025' });
    const error = failure(envelopeJob(data));
    expect(error.reason).toBe('invalid_payload');
    expect(error.message).toMatch(/^scl\.payment\.received payload: /);
    expect(error.message).toContain('amount:');
    expect(error.message).toContain('paidAt:');
    expect(error.message).not.toContain('currency:');
  });

  it('does not decide identity: a person event without any identity still normalises', () => {
    const data = { ...envelopeFixture('scl.payment.received'), identity: {} };
    const event = normalize(envelopeJob(data));
    expect(event.effects.identities).toEqual({});
    expect(event.envelope.identity).toEqual({});
  });
});

describe('normalizeJob: future timestamps', () => {
  it('clamps an envelope timestamp more than 5 minutes ahead, and the effect dates that use it', () => {
    const data = envelopeFixture('scl.member.status.changed');
    data.timestamp = '2026-01-10T13:00:00Z';
    delete (data.payload as Record<string, unknown>).effectiveAt; // the event time is then the envelope's
    const event = normalize(envelopeJob(data));
    expect(event.warnings).toEqual(['timestamp_in_future']);
    expect(event.envelope.timestamp).toBe(NOW.toISOString());
    expect(event.effects.writes[0].at).toEqual(NOW);
    expect(event.effects.activity?.occurredAt).toEqual(NOW);
  });

  it('clamps future times inside the payload (write time, event-time fields, activity time)', () => {
    const data = envelopeFixture('teetime.handicap.updated');
    (data.payload as Record<string, unknown>).effectiveDate = '2026-03-01';
    const event = normalize(envelopeJob(data));
    expect(event.warnings).toEqual(['timestamp_in_future']);
    expect(event.envelope.timestamp).toBe('2025-12-08T03:00:00Z');
    expect(event.effects.writes[0]).toEqual({
      rank: 2,
      at: NOW,
      fields: { handicap: 11.8, handicapUpdatedAt: NOW },
    });
    expect(event.effects.activity?.occurredAt).toEqual(NOW);
  });

  it('leaves a timestamp within the 5-minute tolerance alone', () => {
    const data = envelopeFixture('scl.member.status.changed');
    data.timestamp = '2026-01-10T12:04:00Z';
    (data.payload as Record<string, unknown>).effectiveAt = '2026-01-10T12:04:30Z';
    const event = normalize(envelopeJob(data));
    expect(event.warnings).toEqual([]);
    expect(event.envelope.timestamp).toBe('2026-01-10T12:04:00Z');
    expect(event.effects.writes[0].at).toEqual(new Date('2026-01-10T12:04:30Z'));
  });

  it('never clamps a competition start date (it is meant to be in the future)', () => {
    const data = envelopeFixture('teetime.competition.published');
    const event = normalize(envelopeJob(data));
    expect(event.warnings).toEqual([]);
    expect(event.effects.competition?.startsAt).toEqual(new Date('2026-02-14T05:00:00Z'));
  });
});

describe('eventSourceOf', () => {
  it('reads an envelope, even an invalid one', () => {
    expect(eventSourceOf('event', { id: 'evt_1', type: 'scl.member.created', tenantId: 'club-a' }, '42')).toEqual({
      source: 'scl',
      eventId: 'evt_1',
      type: 'scl.member.created',
      tenantId: 'club-a',
    });
    expect(eventSourceOf('event', { type: 'teetime.booked', source: 'teetime', version: '9' }, '43')).toEqual({
      source: 'teetime',
      eventId: '43',
      type: 'teetime.booked',
      tenantId: null,
    });
  });

  it('reads flat Messaging jobs at data.payload and at data', () => {
    const job = flatFixture('email.clicked');
    const expected = { source: 'messaging', eventId: 'msg_evt_7f3a9c09', type: 'messaging.email.clicked', tenantId: 'fixture-club' };
    expect(eventSourceOf(job.name, job.data, '7')).toEqual(expected);
    expect(eventSourceOf(job.name, job.data.payload, '7')).toEqual(expected);
  });

  it('falls back to source unknown, the job id and the job name', () => {
    expect(eventSourceOf('mystery', 'not an object', 'job-9')).toEqual({
      source: 'unknown',
      eventId: 'job-9',
      type: 'mystery',
      tenantId: null,
    });
  });

  it('without a job id, derives a stable id from the job content', () => {
    const first = eventSourceOf('mystery', { foo: 1 });
    expect(first.eventId).toMatch(/^job-[0-9a-f]{24}$/);
    expect(eventSourceOf('mystery', { foo: 1 }).eventId).toBe(first.eventId);
    expect(eventSourceOf('mystery', { foo: 2 }).eventId).not.toBe(first.eventId);
  });

  it('returns the key as PostgreSQL can store it, NUL and lone surrogates replaced', () => {
    const guess = eventSourceOf('event\u0000', { id: 'nul\u0000inside', source: 'messaging', tenantId: 'club\ud800' }, '1');
    for (const value of [guess.eventId, guess.type, guess.tenantId ?? '']) expect(value).not.toMatch(/\u0000|\ud800/);
    expect(guess.eventId).toMatch(/^nul.inside$/);
  });
});
