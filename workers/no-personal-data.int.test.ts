import { Queue } from 'bullmq';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '@/server/admin/tenants';
import { segments } from '@/server/db/schema';
import { envelopeFixture, envelopeFixtureTypes, flatFixture, flatFixtureNames } from '@/server/events/fixtures';
import { normalizePhone } from '@/server/identity/normalize';
import { createRedis, INBOUND_QUEUE, OUTBOUND_QUEUE, SWEEP_QUEUE } from '@/server/queue/connection';
import { createTestContext, type TestContext } from '@/test/harness';
import { count } from '@/test/pipeline';
import { startWorkerProcess, waitFor, type WorkerProcess } from '@/test/worker-process';
import { createSegmentQueue, enqueueSegmentRecompute } from './segment-recompute';

/*
 * No raw email or phone number in what the CRM itself writes outside the database: a real worker process at debug
 * level runs every fixture (emails and phones in every format, valid and dead-lettered events), a segment
 * recompute, a scoring sweep and the outbox relay; then its whole log output and every Redis key it wrote are
 * searched for them. The exceptions are by contract and documented (README, security): job data on crm-events
 * is what the producers sent, and crm-outbound events carry contact details for the consumers that need them.
 */

const TENANT = 'pii-club';
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every email and phone number in a value (the fixtures), phones also as E.164 and bare digits. */
function personalData(value: Json, key = '', out = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    if (/@/.test(value)) {
      out.add(value);
      out.add(value.toLowerCase());
    } else if (/phone/i.test(key) && /\d{3}/.test(value)) {
      out.add(value);
      out.add(value.replace(/\D/g, ''));
      const e164 = normalizePhone(value, 'ZA');
      if (e164) out.add(e164);
    }
  } else if (Array.isArray(value)) value.forEach((v) => personalData(v, key, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) personalData(v, k, out);
  return out;
}

function jobs(): { name: string; data: Json }[] {
  const out: { name: string; data: Json }[] = [];
  for (const type of envelopeFixtureTypes()) {
    const data = envelopeFixture(type) as { [key: string]: Json };
    data.tenantId = TENANT;
    out.push({ name: 'event', data });
  }
  for (const name of flatFixtureNames()) {
    const job = flatFixture(name);
    job.data.payload.tenantId = TENANT;
    out.push({ name: job.name, data: job.data as unknown as Json });
  }
  const member = envelopeFixture('scl.member.created') as { [key: string]: Json };
  // Dead-lettered on purpose, with personal data inside: an invalid payload, an unknown club, no identity.
  out.push({ name: 'event', data: { ...member, id: 'pii-bad-payload', payload: { email: 'refused.payload@example.org', phoneNumber: '083 444 5566' } } });
  out.push({ name: 'event', data: { ...member, id: 'pii-unknown-club', tenantId: 'no-such-club', identity: { email: 'lost.club@example.org', phoneNumber: '+27834445577' } } });
  out.push({ name: 'event', data: { ...member, id: 'pii-no-identity', identity: { email: 'not-an-email', phoneNumber: '+2700' }, payload: { ...(member.payload as object), id: null, email: null, phoneNumber: null } } });
  return out;
}

describe('personal data outside the database', () => {
  let ctx: TestContext;
  let worker: WorkerProcess;
  let needles: string[];
  const published = jobs();

  beforeAll(async () => {
    ctx = await createTestContext('nopii');
    await createTenant(ctx.db, { id: TENANT, name: 'PII Club' });
    needles = [...personalData(published.map((j) => j.data))].filter((n) => n.length >= 7);

    worker = startWorkerProcess(ctx.childEnv, { LOG_LEVEL: 'debug' });
    const connection = createRedis({ url: ctx.redisUrl });
    const inbound = new Queue(INBOUND_QUEUE, { connection, prefix: ctx.prefix });
    const sweeps = new Queue(SWEEP_QUEUE, { connection, prefix: ctx.prefix });
    const segmentQueue = createSegmentQueue({ connection, prefix: ctx.prefix });
    try {
      await inbound.addBulk(published.map((j, i) => ({ name: j.name, data: j.data, opts: { jobId: `pii-${i}` } })));
      await waitFor(
        async () => (await count(ctx.db, sql`select count(*) as n from sync_log where status in ('SUCCESS', 'DEAD_LETTERED')`)) >= published.length,
        60_000,
        'every event settled',
      );
      // A recompute of every system segment and a scoring sweep, which write jobs and progress of their own.
      for (const { id } of await ctx.db.select({ id: segments.id }).from(segments)) {
        await enqueueSegmentRecompute(segmentQueue, { tenantId: TENANT, segmentId: id }, { delayMs: 0 });
      }
      await sweeps.add('sweep', { tenantId: TENANT, asOf: new Date().toISOString() });
      await waitFor(async () => (await count(ctx.db, sql`select count(*) as n from sweep_runs where status = 'DONE'`)) === 1, 60_000, 'the sweep');
      const recomputesLeft = async () =>
        (await segmentQueue.getJobs(['waiting', 'active', 'delayed', 'prioritized'])).filter((j) => j.name === 'recompute').length;
      await waitFor(async () => (await recomputesLeft()) === 0, 30_000, 'segment recomputes');
      await waitFor(async () => (await count(ctx.db, sql`select count(*) as n from outbox`)) === 0, 30_000, 'the outbox relayed');
    } finally {
      await Promise.all([inbound.close(), sweeps.close(), segmentQueue.close()]);
      connection.disconnect();
    }
    worker.kill('SIGTERM');
    await worker.exited;
  }, 120_000);

  afterAll(async () => {
    worker?.kill('SIGKILL');
    await ctx?.cleanup();
  });

  it('uses fixtures that really carry emails and phone numbers', () => {
    expect(needles).toContain('thandi.nkosi@example.org');
    expect(needles).toContain('+27821234567');
    expect(needles).toContain('082 123 4567');
    expect(needles.length).toBeGreaterThan(8);
  });

  it('never writes one to the worker’s log, at debug level', () => {
    const output = worker.output();
    // The debug lines are there (the capture works), and so are the segment recompute, sweep and dead letters.
    for (const msg of ['event processed', 'segment recomputed', 'sweep finished', 'worker stopped']) expect(output).toContain(`"msg":"${msg}"`);
    for (const needle of needles) expect(output, needle).not.toContain(needle);
  });

  it('never writes one to a Redis key the CRM writes (crm-outbound carries them by contract)', async () => {
    const redis = createRedis({ url: ctx.redisUrl });
    try {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await redis.scan(cursor, 'MATCH', `${ctx.prefix}:*`, 'COUNT', 1000);
        cursor = next;
        keys.push(...batch);
      } while (cursor !== '0');

      const inboundJob = new RegExp(`^${ctx.prefix}:${INBOUND_QUEUE}:[^:]+$`);
      const outbound = `${ctx.prefix}:${OUTBOUND_QUEUE}:`;
      const internal: Record<string, string> = {};
      let outboundText = '';
      for (const key of keys) {
        const type = await redis.type(key);
        let content: unknown;
        if (type === 'hash') content = await redis.hgetall(key);
        else if (type === 'list') content = await redis.lrange(key, 0, -1);
        else if (type === 'set') content = await redis.smembers(key);
        else if (type === 'zset') content = await redis.zrange(key, '0', '-1', 'WITHSCORES');
        else if (type === 'stream') content = await redis.xrange(key, '-', '+');
        else if (type === 'string') content = await redis.get(key);
        if (key.startsWith(outbound)) {
          outboundText += JSON.stringify(content);
          continue;
        }
        // An inbound job's `data` is the producer's event, as sent; everything else on it the CRM wrote.
        if (inboundJob.test(key) && type === 'hash') delete (content as Record<string, string>).data;
        internal[key] = JSON.stringify(content);
      }

      const names = Object.keys(internal);
      expect(names.some((k) => k.includes(':crm-segment-recompute:'))).toBe(true);
      expect(names.some((k) => k.includes(':crm-sweeps:'))).toBe(true);
      expect(names.some((k) => inboundJob.test(k))).toBe(true);
      for (const [key, text] of Object.entries(internal)) {
        for (const needle of needles) {
          expect(key, needle).not.toContain(needle);
          expect(text, `${key} holds ${needle}`).not.toContain(needle);
        }
      }
      // The documented exception, and proof that the search finds what it looks for.
      expect(outboundText).toContain('thandi.nkosi@example.org');
    } finally {
      redis.disconnect();
    }
  });
});
