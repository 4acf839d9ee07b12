import { Queue, Worker } from 'bullmq';
import { sql } from 'drizzle-orm';
import { OUTBOUND_QUEUE } from '@/server/queue/connection';
import { LatencyHistogram } from '../bench/latency-histogram';
import { percentile } from '../bench/setup';
import { stepPercentiles } from '../bench/steps';
import { soakSource } from './soak-source';
import { drain, startStack, type Stack } from './stack';
import type { Scenario, ScenarioContext } from './types';
import { seconds, sleep } from './wait';
import type { ChaosWorker } from './workers';

const TENANT = 'chaos-soak';
const MEASURE_EVENTS = 20_000;
const SAMPLE_MS = 5000;
const LOCK_MS = 30_000;
const P99_TARGET_MS = 150;
/** Publishing ticks, as the benchmark offers its rate: live sources add an event as it happens, not a burst every 20 ms. */
const OFFER_TICK_MS = 2;
/**
 * Flat = the median of the last third of the samples within 20 % and 30 MB of the first third's. The first 20 % of
 * the soak (at least a minute, at most half) is warm-up and not judged: JIT, pools, and BullMQ's retained completed
 * jobs (1,000) and event stream (~10,000 entries) filling to their caps. Medians, because heapUsed saws up and down
 * by tens of MB between collections; a leak moves the median.
 */
const FLAT_RATIO = 1.2;
const FLAT_BYTES = 30 * 1024 * 1024;
const warmUpMs = (soakMs: number) => Math.min(soakMs / 2, Math.max(soakMs * 0.2, 60_000));

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);

/** Publishes MEASURE_EVENTS with the queue paused and resumes it, so the worker meets them as one backlog. */
async function publishBacklog(stack: Stack, source: ReturnType<typeof soakSource>) {
  const jobs = source.take(MEASURE_EVENTS);
  await stack.queue.pause();
  for (let i = 0; i < jobs.length; i += 1000) await stack.queue.addBulk(jobs.slice(i, i + 1000));
  await stack.queue.resume();
}

/**
 * The maximum rate of one worker, as the benchmark measures backlog throughput: a first backlog of MEASURE_EVENTS
 * warms the worker (JIT, pools, the club's first tables: a cold worker's first ~10 s run slower, and two cold
 * measurements 5 minutes apart on 2026-12-07 read 2,037 and 2,812 events/s), then a second one is timed from its
 * first to its last commit.
 */
async function measureMaxRate(ctx: ScenarioContext, stack: Stack, source: ReturnType<typeof soakSource>): Promise<{ max: number; worker: ChaosWorker }> {
  const worker = await stack.spawnWorker();
  await worker.ready(60_000, ctx.signal);
  await publishBacklog(stack, source);
  await drain(ctx, stack, MEASURE_EVENTS, 600_000);
  const [warm] = await stack.db.execute<{ last: string }>(sql`select max(processed_at) as last from sync_log`);
  await publishBacklog(stack, source);
  await drain(ctx, stack, 2 * MEASURE_EVENTS, 600_000);
  const [span] = await stack.db.execute<{ first: string; last: string }>(sql`
    select min(processed_at) as first, max(processed_at) as last from sync_log where processed_at > ${warm.last}::timestamptz`);
  const max = Math.round(MEASURE_EVENTS / ((new Date(span.last).getTime() - new Date(span.first).getTime()) / 1000));
  return { max, worker };
}

function flatness(label: string, samples: { at: number; value: number }[], from: number, to: number) {
  const judged = samples.filter((s) => s.at >= from + warmUpMs(to - from));
  const third = Math.max(1, Math.floor(judged.length / 3));
  const first = median(judged.slice(0, third).map((s) => s.value));
  const last = median(judged.slice(-third).map((s) => s.value));
  const ok = judged.length >= 3 && last <= first * FLAT_RATIO && last - first <= FLAT_BYTES;
  return { ok, text: `${label} ${mb(first)} → ${mb(last)} (median of first vs last third after warm-up, ${judged.length} samples)` };
}

/** Where the events slower than the target fell: the 10-second windows holding most of them, as offsets from the start. */
function slowWindows(slowAt: number[], started: number): string {
  if (!slowAt.length) return `no event slower than ${P99_TARGET_MS} ms`;
  const windows = new Map<number, number>();
  for (const at of slowAt) {
    const w = Math.floor((at - started) / 10_000);
    windows.set(w, (windows.get(w) ?? 0) + 1);
  }
  const worst = [...windows].sort((a, b) => b[1] - a[1]).slice(0, 5);
  const inWorst = worst.reduce((sum, [, n]) => sum + n, 0);
  return (
    `${slowAt.length.toLocaleString()} events over ${P99_TARGET_MS} ms in ${windows.size} of the 10 s windows; ` +
    `the 5 worst hold ${Math.round((inWorst / slowAt.length) * 100)} %: ${worst.map(([w, n]) => `${w * 10}–${w * 10 + 10} s: ${n}`).join(', ')}`
  );
}

/**
 * 8. A soak: the maximum rate of one worker is measured on a backlog, then half of it is offered steadily for
 * --soak-minutes. Sampled every 5 s: the worker's heap, Redis memory, the oldest active job; every event's latency
 * from enqueue to its effects committed (sync log processed_at), as the benchmark measures it.
 */
export const soak: Scenario = {
  id: 8,
  name: 'Soak at 50 % of the measured maximum rate',
  usesModel: false,
  timeoutMs: (o) => (o.soakMinutes * 60 + 15 * 60) * 1000,
  async run(ctx) {
    const stack = await startStack(ctx, 's8', { tenants: [TENANT], redis: { appendfsync: 'everysec' } });
    const admin = stack.redis.client();
    ctx.cleanup.add('admin connection', () => admin.disconnect());
    // Production has downstream consumers on crm-outbound; without one its jobs would pile up here by design.
    const outboundConnection = stack.redis.client({ blocking: true });
    const outbound = new Worker(OUTBOUND_QUEUE, async () => {}, { connection: outboundConnection, prefix: stack.target.prefix, concurrency: 20 });
    outbound.on('error', () => {});
    ctx.cleanup.add('outbound consumer', async () => {
      await outbound.close(true).catch(() => {});
      outboundConnection.disconnect();
    });
    const source = soakSource(TENANT, Math.floor(Date.now() / 60_000) * 60_000);
    const problems: string[] = [];

    // The backlogs run with --rate too: they warm the worker (JIT, pools, the club's first tables), so a soak at a
    // given rate meets the same worker as one at half the measured maximum (cold, the first 10 s of a 10-minute soak
    // at 1,482/s held 3,925 of its 11,255 events over the target).
    const { max, worker } = await measureMaxRate(ctx, stack, source);
    let published = 2 * MEASURE_EVENTS;
    const rate = ctx.options.soakRate ?? Math.max(1, Math.round(max / 2));
    ctx.log(`maximum: ${max.toLocaleString()} events/s on a ${MEASURE_EVENTS.toLocaleString()}-event backlog after another as a warm-up → offering ${rate.toLocaleString()}/s${ctx.options.soakRate ? ' (--rate)' : ''}`);

    const enqueuedAt = new Map<string, number>();
    const latencies = new LatencyHistogram();
    // The minute's own p99 beside the running one: a running p99 hides whether the tail grows as the club's tables do.
    let minuteLatencies = new LatencyHistogram();
    // Commit times of the events slower than the target: is the tail a few bursts or spread over the soak?
    const slowAt: number[] = [];
    let watermark = new Date(0);
    async function collectLatencies(ids?: string[]) {
      const rows = ids
        ? await stack.db.execute<{ event_id: string; processed_at: string }>(sql`select event_id, processed_at from sync_log where event_id = any(${sql.param(ids)}::text[])`)
        : // By tenant: sync_log_tenant_processed_idx makes this a range scan (without it, a scan of the whole growing
          // sync log every 5 s, which slowed the very worker it measures).
          await stack.db.execute<{ event_id: string; processed_at: string }>(sql`
            select event_id, processed_at from sync_log
            where tenant_id = ${TENANT} and processed_at >= ${new Date(watermark.getTime() - 5000).toISOString()}::timestamptz`);
      for (const r of rows) {
        const at = new Date(r.processed_at);
        if (at > watermark) watermark = at;
        const sent = enqueuedAt.get(r.event_id);
        if (sent === undefined) continue;
        const latency = at.getTime() - sent;
        latencies.add(latency);
        minuteLatencies.add(latency);
        if (latency > P99_TARGET_MS) slowAt.push(at.getTime());
        enqueuedAt.delete(r.event_id);
      }
    }

    const heap: { at: number; value: number }[] = [];
    const redisMemory: { at: number; value: number }[] = [];
    let longestActiveMs = 0;
    let longestLoopDelayMs = 0;
    // The one worker's own count of stalled jobs (its stalled check sees every job of the queue): cheaper than reading
    // BullMQ's event stream, which costs the harness and Redis a share of the very machine being measured.
    let stalled = 0;
    const soakMs = ctx.options.soakMinutes * 60_000;
    const started = Date.now();
    const sentAtStart = published;
    let nextSample = started;
    let sampling: Promise<void> | null = null;
    let samplingFailed: unknown = null;
    async function sample() {
      const at = Date.now();
      const m = await worker.metrics();
      if (m) {
        stalled = m.stalledJobs;
        heap.push({ at, value: m.heapUsed });
        longestLoopDelayMs = Math.max(longestLoopDelayMs, m.eventLoopDelayMaxMs);
      }
      redisMemory.push({ at, value: await stack.redis.usedMemory(admin) });
      for (const job of await stack.queue.getActive(0, 1000)) longestActiveMs = Math.max(longestActiveMs, at - (job.processedOn ?? at));
      await collectLatencies();
    }
    let nextMinute = started + 60_000;
    while (Date.now() - started < soakMs) {
      const due = Math.floor(((Date.now() - started) / 1000) * rate) - (published - sentAtStart);
      if (due > 0) {
        const jobs = source.take(Math.min(due, 2000));
        await stack.queue.addBulk(jobs);
        const now = Date.now();
        for (const j of jobs) enqueuedAt.set(String(j.opts.jobId), now);
        published += jobs.length;
      }
      if (samplingFailed) throw samplingFailed;
      if (Date.now() >= nextSample && !sampling) {
        // Sampled beside the publishing, not in its way: a pause here would offer the rate in bursts. A failed sample
        // fails the scenario on the loop's next turn, as it did when the loop awaited it.
        nextSample += SAMPLE_MS;
        sampling = sample()
          .catch((error: unknown) => void (samplingFailed = error))
          .finally(() => (sampling = null));
      }
      if (Date.now() >= nextMinute) {
        nextMinute += 60_000;
        const minute = minuteLatencies;
        minuteLatencies = new LatencyHistogram();
        ctx.log(`${Math.round((Date.now() - started) / 60_000)} min: ${published.toLocaleString()} published, p99 ${latencies.percentile(99)} ms (this minute's ${minute.percentile(99)}), heap ${mb(heap.at(-1)?.value ?? 0)}, longest event-loop delay so far ${Math.round(longestLoopDelayMs)} ms, Redis ${mb(redisMemory.at(-1)?.value ?? 0)}`);
      }
      await sleep(OFFER_TICK_MS, ctx.signal);
    }
    await sampling;
    if (samplingFailed) throw samplingFailed;
    stalled = (await worker.metrics())?.stalledJobs ?? stalled;
    const ended = Date.now();
    const offered = (published - sentAtStart) / ((ended - started) / 1000);
    await drain(ctx, stack, published, 300_000);
    const pending = [...enqueuedAt.keys()];
    for (let i = 0; i < pending.length; i += 5000) await collectLatencies(pending.slice(i, i + 5000));

    const [r] = await stack.db.execute<{ success: number; dead: number; dup: number }>(sql`
      select (select count(*)::int from sync_log where status = 'SUCCESS') as success,
             (select count(*)::int from dead_letters) as dead,
             (select count(*)::int - count(distinct (source, source_event_id))::int from activities) as dup`);
    const lost = published - r.success - r.dead;
    if (lost) problems.push(`${lost} events not settled`);
    if (r.dead) problems.push(`${r.dead} events dead-lettered`);
    if (r.dup) problems.push(`${r.dup} duplicate activities`);
    if (enqueuedAt.size) problems.push(`${enqueuedAt.size} events without a processed_at`);
    // Where the time went: each pipeline step's p50 / p99 over the soak's events (the sync log records them).
    const steps = (await stepPercentiles(stack.db, new Date(started))).slice(0, 4);
    const [p50, p95, p99] = [50, 95, 99].map((p) => latencies.percentile(p));
    if (!(p99 <= P99_TARGET_MS)) problems.push(`p99 latency ${p99} ms > ${P99_TARGET_MS} ms`);
    if (longestActiveMs >= LOCK_MS) problems.push(`a job was active ${seconds(longestActiveMs)} (lock ${seconds(LOCK_MS)})`);
    if (stalled) problems.push(`${stalled} stalled jobs`);
    // What Redis holds at the end, to tell retention by design from a leak.
    const outboundQueue = new Queue(OUTBOUND_QUEUE, { connection: admin, prefix: stack.target.prefix });
    const held = { inbound: await stack.queue.getJobCounts('completed', 'failed'), outbound: await outboundQueue.getJobCounts('wait', 'completed') };
    await outboundQueue.close();
    const tail = slowWindows(slowAt, started);
    const heapFlat = flatness('worker heap', heap, started, ended);
    const redisFlat = flatness('Redis used_memory', redisMemory, started, ended);
    if (!heapFlat.ok) problems.push(`not flat: ${heapFlat.text}`);
    if (!redisFlat.ok) problems.push(`not flat: ${redisFlat.text}`);

    return {
      events: published,
      lost,
      duplicated: r.dup,
      deadLettered: String(r.dead),
      recovery: `p99 ${p99} ms`,
      notes: [
        `${ctx.options.soakMinutes} min at ${Math.round(offered).toLocaleString()} events/s offered; latency p50 ${p50} / p95 ${p95} / p99 ${p99} ms over ${latencies.count.toLocaleString()} events (target p99 ≤ ${P99_TARGET_MS} ms)`,
        tail,
        `steps p50 / p99: ${steps.map((x) => `${x.step} ${Math.round(x.p50)} / ${Math.round(x.p99)} ms${x.events < latencies.count ? ` (${x.events.toLocaleString()} events)` : ''}`).join(', ')}`,
        `${heapFlat.text}; ${redisFlat.text}`,
        `longest active job ${seconds(longestActiveMs)} (lock ${seconds(LOCK_MS)}); ${stalled} stalled; longest event-loop delay ${Math.round(longestLoopDelayMs)} ms`,
        `Redis holds at the end: crm-events ${held.inbound.completed.toLocaleString()} completed, ${held.inbound.failed} failed; crm-outbound ${held.outbound.completed.toLocaleString()} completed (kept 1 h, at most 10,000, by the relay's removeOnComplete), ${held.outbound.wait.toLocaleString()} waiting`,
      ],
      problems,
    };
  },
};
