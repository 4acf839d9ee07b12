import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEAD_LETTER_REASONS, tenants } from '@/server/db/schema';
import { NonRetryableError } from '@/server/errors';
import { envelopeFixture, envelopeFixtureTypes, flatFixture, flatFixtureNames } from '@/server/events/fixtures';
import { eventSourceOf, normalizeJob } from '@/server/events/normalize';
import { createTestContext, type TestContext } from '@/test/harness';
import { journalOutbox } from '@/test/outbox-journal';
import { memberCreated } from '@/test/events';
import { count, createTenantRow, queues, startInProcessWorker } from '@/test/pipeline';
import { waitFor } from '@/test/worker-process';

vi.hoisted(() => {
  // Retries of poisoned events log warnings by design; the assertions below are what matters.
  process.env.LOG_LEVEL = 'silent';
});

/*
 * Hostile input through the WHOLE pipeline: random and mutated jobs (every fixture type, envelope and flat
 * Messaging format) go through the real consumer on a real database. Whatever a producer sends, the worker keeps
 * running, every job ends SUCCESS or DEAD_LETTERED with a reason, and an event that ends dead-lettered leaves no
 * row of its own behind. Most events get a club of their own, so "its own rows" is exact: everything in that club.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const HUGE = [5_000, 40_000, 70_000];

/** Strings producers get wrong: control characters, lone surrogates, scripts, SQL, right-to-left text, emoji. */
const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  'nul\u0000inside',
  '\ud800',
  'tail\udfff',
  '🏌️‍♀️ Zoë Ñúñez',
  '\u202egnp.exe',
  'zero\u200bwidth',
  "' or 1=1 --",
  '; drop table profiles; --',
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  'null',
  'undefined',
  '0',
  '-1',
  'NaN',
];

const BAD_EMAILS = ['not-an-email', 'a@', '@b.example', 'a@@b.example', ' ', `${'x'.repeat(400)}@example.org`, 'thandi.nkosi@example.org\u0000', 'ZOË@EXAMPLE.ORG'];
const BAD_PHONES = ['+2700', '0000000000', '+999999999999999999999', 'call me', '082 123 4567 ext 9', '+27 82 123 4567\u0000', '١٢٣٤٥٦٧٨٩'];
const TIMESTAMPS = [
  '9999-12-31T23:59:59.999Z',
  '+275760-09-13T00:00:00.000Z',
  '0001-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '1970-01-01T00:00:00Z',
  '2025-13-45T25:61:61Z',
  '2025-12-01 08:15:02',
  8.64e15,
  -1,
];
const BAD_TYPES = ['scl.locker.rented', 'teetime.booking.created', 'messaging.contact.deleted', 'SCL.MEMBER.CREATED', '', '.', 'x'.repeat(300)];
const BAD_VERSIONS = ['2.0', '0.9', '1.0.0', '1', 'v1', 'banana', '', 1, 1.5, null];

const nastyString = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(...HUGE).map((n) => 'x'.repeat(n)),
  fc.constantFrom(...HUGE).map((n) => 'é🏌'.repeat(Math.floor(n / 6))),
);

/** A value of the wrong shape for almost any field. */
const wrongValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  nastyString,
  fc.integer(),
  fc.constantFrom(1e308, -1e308, 0.5, -0, Number.MAX_SAFE_INTEGER + 2),
  fc.boolean(),
  fc.constant<Json>([]),
  fc.constant<Json>({}),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
);

type Mutation =
  | { kind: 'drop'; path: number[] }
  | { kind: 'set'; path: number[]; value: Json }
  | { kind: 'field'; field: string; value: Json | undefined };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('drop' as const), path: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('set' as const), path: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), value: wrongValue }) },
  {
    weight: 5,
    arbitrary: fc.oneof(
      fc.record({ kind: fc.constant('field' as const), field: fc.constantFrom('email', 'identity.email', 'payload.email'), value: fc.constantFrom<Json>(...BAD_EMAILS) }),
      fc.record({ kind: fc.constant('field' as const), field: fc.constantFrom('phoneNumber', 'identity.phoneNumber', 'payload.phoneNumber'), value: fc.constantFrom<Json>(...BAD_PHONES) }),
      fc.record({ kind: fc.constant('field' as const), field: fc.constantFrom('timestamp', 'payload.createdAt', 'payload.occurredAt', 'payload.teeTime', 'payload.openedAt'), value: fc.constantFrom<Json>(...TIMESTAMPS) }),
      fc.record({ kind: fc.constant('field' as const), field: fc.constant('type'), value: fc.constantFrom<Json>(...BAD_TYPES) }),
      fc.record({ kind: fc.constant('field' as const), field: fc.constant('version'), value: fc.constantFrom<Json>(...BAD_VERSIONS) }),
      fc.record({ kind: fc.constant('field' as const), field: fc.constantFrom('payload.firstName', 'payload.lastName', 'payload.membershipTierName', 'payload.clubName', 'payload.subject'), value: nastyString as fc.Arbitrary<Json> }),
      fc.record({ kind: fc.constant('field' as const), field: fc.constantFrom('identity', 'payload', 'identity.sclMemberId', 'payload.id', 'payload.handicap', 'payload.amount', 'source', 'tenantId'), value: fc.option(wrongValue, { nil: undefined }) }),
    ),
  },
);

interface Blueprint {
  fixture: number;
  /** In the run's shared club (merges and conflicts between events) instead of a club of its own. */
  shared: boolean;
  mutations: Mutation[];
}

const blueprint: fc.Arbitrary<Blueprint> = fc.record({
  fixture: fc.nat(),
  shared: fc.nat({ max: 3 }).map((n) => n === 0),
  mutations: fc.array(mutation, { maxLength: 3 }),
});

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object/array at `path` (each step picks an entry modulo the entries there), and the key to change in it. */
function locate(root: JsonObject, path: number[]): { parent: JsonObject | Json[]; key: string | number } | null {
  let parent: JsonObject | Json[] = root;
  for (let i = 0; i < path.length; i++) {
    const keys: (string | number)[] = Array.isArray(parent) ? parent.map((_, n) => n) : Object.keys(parent);
    if (keys.length === 0) return null;
    const key = keys[path[i] % keys.length];
    const child: Json = (parent as Record<string | number, Json>)[key];
    if (i === path.length - 1 || child === null || typeof child !== 'object') return { parent, key };
    parent = child;
  }
  return null;
}

function setField(target: JsonObject, dotted: string, value: Json | undefined): void {
  const parts = dotted.split('.');
  let node: JsonObject = target;
  for (const part of parts.slice(0, -1)) {
    if (!isObject(node[part])) node[part] = {};
    node = node[part] as JsonObject;
  }
  const last = parts.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

function applyMutation(target: JsonObject, m: Mutation): void {
  if (m.kind === 'field') return setField(target, m.field, m.value);
  const at = locate(target, m.path);
  if (!at) return;
  if (Array.isArray(at.parent)) {
    if (m.kind === 'drop') at.parent.splice(at.key as number, 1);
    else at.parent[at.key as number] = m.value;
  } else if (m.kind === 'drop') delete at.parent[at.key];
  else at.parent[at.key] = m.value;
}

const ENVELOPE_TYPES = envelopeFixtureTypes();
const FLAT_NAMES = flatFixtureNames();

interface GeneratedJob {
  name: string;
  data: JsonObject;
  jobId: string;
  /** The club the job was written for (it may have been mutated away). */
  tenantId: string;
  ownTenant: boolean;
}

/** Builds a job from a fixture with a unique id and club, then applies the mutations to the object producers send. */
function buildJob(run: string, index: number, bp: Blueprint): GeneratedJob {
  const eventId = `${run}-e${index}`;
  const tenantId = bp.shared ? `${run}-shared` : `${run}-t${index}`;
  const pick = bp.fixture % (ENVELOPE_TYPES.length + FLAT_NAMES.length);
  if (pick < ENVELOPE_TYPES.length) {
    const data = envelopeFixture(ENVELOPE_TYPES[pick]) as JsonObject;
    data.id = eventId;
    data.tenantId = tenantId;
    for (const m of bp.mutations) applyMutation(data, m);
    return { name: 'event', data, jobId: eventId, tenantId, ownTenant: !bp.shared };
  }
  const job = flatFixture(FLAT_NAMES[pick - ENVELOPE_TYPES.length]);
  const flat = job.data.payload as JsonObject;
  flat.eventId = eventId;
  flat.tenantId = tenantId;
  for (const m of bp.mutations) applyMutation(flat, m);
  return { name: job.name, data: job.data as unknown as JsonObject, jobId: eventId, tenantId, ownTenant: !bp.shared };
}

/** Where the consumer files the job's outcome: the envelope's (source, id), or its best guess for a refused job. */
function outcomeKey(job: GeneratedJob, receivedAt: number): { source: string; eventId: string; tenantId: string | null } {
  try {
    const { envelope } = normalizeJob({ name: job.name, data: job.data, timestamp: receivedAt });
    return { source: envelope.source, eventId: envelope.id, tenantId: envelope.tenantId };
  } catch (error) {
    if (!(error instanceof NonRetryableError)) throw error;
    const guess = eventSourceOf(job.name, job.data, job.jobId);
    return { source: guess.source, eventId: guess.eventId, tenantId: guess.tenantId };
  }
}

describe('hostile input through the whole pipeline', () => {
  let ctx: TestContext;
  let q: ReturnType<typeof queues>;
  let worker: Awaited<ReturnType<typeof startInProcessWorker>>;
  const workerErrors: unknown[] = [];
  let runNo = 0;

  beforeAll(async () => {
    ctx = await createTestContext('hostile');
    // The relay runs and deletes what it sends: outbound events are read back from the journal.
    await journalOutbox(ctx.db);
    await createTenantRow(ctx.db, 'sentinel-club');
    q = queues(ctx);
    worker = await startInProcessWorker(ctx, { concurrency: 20, lanes: 2, maxBatch: 20 });
    worker.consumer.worker.on('error', (error) => workerErrors.push(error));
  });
  afterAll(async () => {
    await worker?.close();
    await q?.close();
    await ctx?.cleanup();
  });

  async function unsettled(): Promise<number> {
    const counts = await q.inbound.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
    return Object.values(counts).reduce((a, b) => a + b, 0);
  }

  /** One batch of generated jobs, published together, then every promise checked. */
  async function runBatch(blueprints: Blueprint[]): Promise<void> {
    const run = `hx${++runNo}`;
    const jobs = blueprints.map((bp, i) => buildJob(run, i, bp));
    await ctx.db
      .insert(tenants)
      .values([...new Set(jobs.map((j) => j.tenantId))].map((id) => ({ id, name: `${id} (hostile)`, country: 'ZA' })))
      .onConflictDoNothing();

    const receivedAt = Date.now();
    await q.inbound.addBulk(jobs.map((j) => ({ name: j.name, data: j.data, opts: { jobId: j.jobId } })));
    await waitFor(async () => (await unsettled()) === 0, 45_000, `${run}: every job settled`);

    // The worker is alive and nothing ended outside the pipeline's two outcomes.
    expect(worker.consumer.worker.isRunning()).toBe(true);
    expect(workerErrors).toEqual([]);
    const failed = await q.inbound.getFailed();
    expect(failed.map((j) => `${j.id}: ${j.failedReason}`)).toEqual([]);
    const stuck = await ctx.db.execute<{ event_id: string; status: string; error: string | null }>(
      sql`select event_id, status, error from sync_log where status not in ('SUCCESS', 'DEAD_LETTERED')`,
    );
    expect(stuck).toEqual([]);
    expect(
      await count(ctx.db, sql`select count(*) as n from sync_log l where l.status = 'DEAD_LETTERED' and (l.error_code is null or not exists (
        select 1 from dead_letters d where d.source = l.source and d.event_id = l.event_id))`),
    ).toBe(0);
    const reasons = await ctx.db.execute<{ reason: string; error: string }>(sql`select reason, error from dead_letters`);
    for (const dl of reasons) {
      expect(DEAD_LETTER_REASONS).toContain(dl.reason);
      expect(dl.error.length).toBeGreaterThan(0);
    }

    const keys = jobs.map((job) => outcomeKey(job, receivedAt));
    const keyCount = new Map<string, number>();
    for (const k of keys) keyCount.set(`${k.source}|${k.eventId}`, (keyCount.get(`${k.source}|${k.eventId}`) ?? 0) + 1);
    // An outbound event names its cause by event id and tenant, not source: another source's event of the same id
    // (in this run's tenant; earlier runs use other tenants) may own rows with that correlation id.
    const idCount = new Map<string, number>();
    for (const k of keys) idCount.set(`${k.tenantId}|${k.eventId}`, (idCount.get(`${k.tenantId}|${k.eventId}`) ?? 0) + 1);

    for (const [i, job] of jobs.entries()) {
      const key = keys[i];
      const [settled] = await ctx.db.execute<{ status: string }>(
        sql`select status from sync_log where source = ${key.source} and event_id = ${key.eventId}`,
      );
      const [deadLetter] = await ctx.db.execute<{ reason: string }>(
        sql`select reason from dead_letters where source = ${key.source} and event_id = ${key.eventId} and resolved_at is null`,
      );
      const label = `${job.jobId} (${key.source}/${key.eventId.slice(0, 60)})`;
      expect(settled?.status ?? deadLetter?.reason, `${label} has an outcome`).toBeDefined();
      if (settled) expect(['SUCCESS', 'DEAD_LETTERED'], label).toContain(settled.status);
      const dead = settled ? settled.status === 'DEAD_LETTERED' : Boolean(deadLetter);
      // Another job of this batch mutated into the same id owns whatever that id wrote.
      if (!dead || keyCount.get(`${key.source}|${key.eventId}`)! > 1) continue;

      expect(
        await count(ctx.db, sql`select count(*) as n from activities where source = ${key.source} and source_event_id = ${key.eventId}`),
        `${label}: no activity`,
      ).toBe(0);
      if (idCount.get(`${key.tenantId}|${key.eventId}`) === 1) {
        const outbound = sql`select count(*) as n from outbox_journal
          where envelope->>'correlationId' = ${key.eventId} and envelope->>'tenantId' = ${key.tenantId}`;
        expect(await count(ctx.db, outbound), `${label}: no outbox row`).toBe(0);
      }
      if (job.ownTenant) {
        const own = job.tenantId;
        for (const table of ['profiles', 'profile_identities', 'activities', 'outbox_journal'] as const) {
          expect(await count(ctx.db, sql`select count(*) as n from ${sql.identifier(table)} where tenant_id = ${own}`), `${label}: no ${table} row`).toBe(0);
        }
      }
    }

    // A well-formed event right after the storm is processed normally.
    const sentinel = memberCreated({ memberId: 900_000 + runNo, email: `sentinel.${run}@example.org`, id: `${run}-sentinel`, tenantId: 'sentinel-club' });
    await q.inbound.add('event', sentinel);
    await waitFor(
      async () => (await count(ctx.db, sql`select count(*) as n from sync_log where event_id = ${sentinel.id} and status = 'SUCCESS'`)) === 1,
      15_000,
      `${run}: the sentinel processed`,
    );
  }

  it('settles every random or mutated job as SUCCESS or DEAD_LETTERED, never crashes, never leaves partial rows', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(blueprint, { minLength: 50, maxLength: 90 }), async (blueprints) => {
        await runBatch(blueprints);
      }),
      { numRuns: 3, endOnFailure: true },
    );
  }, 60_000);

  it('settles random JSON thrown at the queue under any job name', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ name: fc.oneof(fc.constantFrom('event', 'contact.created', 'email.opened', 'messaging.message.sent'), fc.string({ maxLength: 30 })), data: fc.jsonValue({ maxDepth: 4 }) }), {
          minLength: 20,
          maxLength: 40,
        }),
        async (raw) => {
          const run = `rj${++runNo}`;
          await q.inbound.addBulk(raw.map((r, i) => ({ name: r.name || 'event', data: r.data, opts: { jobId: `${run}-${i}` } })));
          await waitFor(async () => (await unsettled()) === 0, 30_000, `${run}: every job settled`);
          expect(worker.consumer.worker.isRunning()).toBe(true);
          expect((await q.inbound.getFailed()).map((j) => `${j.id}: ${j.failedReason}`)).toEqual([]);
          expect(await count(ctx.db, sql`select count(*) as n from sync_log where status not in ('SUCCESS', 'DEAD_LETTERED')`)).toBe(0);
        },
      ),
      { numRuns: 2, endOnFailure: true },
    );
  }, 60_000);
});
