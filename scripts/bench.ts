/**
 * npm run bench — the pipeline against this machine's own ceiling.
 *
 *   npm run bench -- [--events 100000] [--people N] [--rate 500] [--seconds 20] [--warmup 3] [--preload 10000] [--workers 1,2]
 *                    [--warm-events 20000] [--json] [--trace] [--only latency|backlog]
 *
 * 1. Ceiling: BullMQ consuming no-op jobs with the worker's queue settings (same process count, concurrency).
 * 2. Backlog: N events of the demo's mix (aliases, flat Messaging jobs, ~1 % duplicates, some out of order, a few
 *    bad events) drained by 1 and by 2 worker processes; events/s from first to last commit. The workers first
 *    process a warm-up history of another club (`--warm-events`), so the figure is a running worker's, as the
 *    ceiling's is BullMQ's warm loop; the queue is paused while the backlog is published, then resumed whole.
 * 3. Latency: events offered at a fixed rate to one worker; enqueue → effects committed (sync log processed_at).
 * Every run ends with a correctness check; a fast wrong pipeline is not a result.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Queue } from 'bullmq';
import { SingleBar, Presets } from 'cli-progress';
import { sql, type SQL } from 'drizzle-orm';
import { normalizeJob } from '@/server/events/normalize';
import { itemId, itemTime } from '@/server/demo/emit';
import { generateDemo, toPublishable, type DemoItem } from '@/server/demo/generate';
import { CastBook } from '@/server/demo/people';
import { createTenant } from '@/server/admin/tenants';
import { env } from '@/server/env';
import { createRedis, INBOUND_QUEUE } from '@/server/queue/connection';
import { inboundJobOptions } from '@/server/queue/job-options';
import { buildWorker } from '@/workers/build';
import { WORKER_NODE_FLAGS } from '@/workers/node-flags';
import { extraWorkerFlags } from '@/test/worker-process';
import { cpuShares, cpuSnapshot, formatCpu, machineTicks, stealPct, type CpuShares, type CpuSnapshot, type MachineTicks } from './bench/cpu';
import { formatWal, walCost, walSnapshot, type WalCost } from './bench/wal';
import { stepPercentiles } from './bench/steps';
import { BENCH_TENANT, freshBenchEnv, percentile, startWorker, waitUntil, type BenchEnv } from './bench/setup';

// `npm run bench -- --read`: read latency through the HTTP API instead (scripts/bench/read.ts).
if (process.argv.includes('--read')) {
  const { runReadBench } = await import('./bench/read');
  process.exit(await runReadBench(process.argv.slice(2).filter((a) => a !== '--read')));
}

interface Args {
  events: number;
  rate: number;
  seconds: number;
  /** Seconds the rate is offered before latency is measured (the worker's first events: cold JIT, caches, statements). */
  warmup: number;
  /** Events of the club's history processed (as a backlog) before the rate is offered: live traffic meets known people. */
  preload: number;
  /** Latency per second and per pipeline step. */
  trace: boolean;
  only: 'latency' | 'backlog' | null;
  workers: number[];
  /** People the events are about (default: events / 25, the demo's ~25 events per person). */
  people: number | undefined;
  /** Events of another club each backlog stage's workers process first (0: the backlog meets cold workers). */
  warmEvents: number;
  json: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { events: 100_000, rate: 500, seconds: 20, warmup: 3, preload: 10_000, workers: [1, 2], people: undefined, warmEvents: 20_000, json: false, trace: false, only: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--events') args.events = Number(value());
    else if (a === '--rate') args.rate = Number(value());
    else if (a === '--seconds') args.seconds = Number(value());
    else if (a === '--warmup') args.warmup = Number(value());
    else if (a === '--preload') args.preload = Number(value());
    else if (a === '--people') args.people = Number(value());
    else if (a === '--warm-events') args.warmEvents = Number(value());
    else if (a === '--trace') args.trace = true;
    else if (a === '--only') {
      const stage = value();
      if (stage !== 'latency' && stage !== 'backlog') throw new Error('--only takes: latency, backlog');
      args.only = stage;
    } else if (a === '--workers') args.workers = value().split(',').map(Number);
    else if (a === '--json') args.json = true;
    else throw new Error(`Unknown option ${a}`);
  }
  if (args.people !== undefined && !(args.people >= 1)) throw new Error('Bad numbers');
  if (!(args.events > 0) || !(args.rate > 0) || !(args.warmup >= 0) || !(args.preload >= 0) || !(args.warmEvents >= 0) || args.workers.some((w) => !(w >= 1))) throw new Error('Bad numbers');
  return args;
}

/** The club whose history warms each backlog stage's workers (`--warm-events`); every figure counts BENCH_TENANT's. */
const WARMUP_TENANT = 'bench-warmup-club';

/** The injected bad events' ids (and job ids): the same in every workload, so only one workload may carry them. */
const BAD_ID_PREFIX = 'bench-bad-';
const isInjectedBad = (job: Job) => String(job.opts.jobId).startsWith(BAD_ID_PREFIX);

interface Job {
  name: string;
  data: unknown;
  opts: ReturnType<typeof inboundJobOptions>;
}

interface Workload {
  jobs: Job[];
  unique: number;
  duplicates: number;
  bad: number;
  personless: number;
  contactUpdates: number;
}

/** People generated at once: a cast's whole history is built in memory before it is cut. */
const PEOPLE_PER_CAST = 5_000;

/**
 * The first `events` of the history of `people` people, in time order. Bigger clubs are generated a cast at a time
 * (one book of member numbers, emails and phones, so no two casts share a person's identifiers), and each cast
 * gives its share of the earliest history: a backfill of many people, most of them seen for the first time.
 */
function demoItems(events: number, people: number, seed: number, tenantId: string): DemoItem[] {
  const now = Date.now();
  if (people <= PEOPLE_PER_CAST) return generateDemo({ tenantId, people, seed, now }).items.slice(0, events);
  const book = new CastBook();
  const kept: { item: DemoItem; key: string }[] = [];
  for (let first = 0, cast = 0; first < people; first += PEOPLE_PER_CAST, cast++) {
    const count = Math.min(PEOPLE_PER_CAST, people - first);
    const { items } = generateDemo({ tenantId, people: count, seed: seed + cast, now, book });
    for (const item of items.slice(0, Math.ceil((events * count) / people))) kept.push({ item, key: `${itemTime(item)}|${itemId(item)}` });
  }
  kept.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return kept.slice(0, events).map((k) => k.item);
}

/** Without --people: as many people as the events take at the demo's ~25 events each. */
const defaultPeople = (events: number) => Math.max(50, Math.ceil(events / 25));

/** The demo's distribution for `people` people of `tenantId`, with the bench's impurities. */
function buildWorkload(events: number, seed: number, people = defaultPeople(events), tenantId = BENCH_TENANT): Workload {
  const items = demoItems(events, people, seed, tenantId);
  const jobs: Job[] = [];
  let personless = 0;
  let contactUpdates = 0;
  for (const item of items) {
    const publishable = toPublishable(item);
    const isFlat = 'name' in publishable && 'data' in publishable && !('type' in publishable);
    const name = isFlat ? (publishable as { name: string }).name : 'event';
    const data = isFlat ? (publishable as { data: unknown }).data : publishable;
    const normalized = normalizeJob({ name, data, timestamp: Date.now() });
    if (normalized.definition.personless) personless++;
    if (normalized.definition.type === 'messaging.contact.updated') contactUpdates++;
    jobs.push({ name, data, opts: inboundJobOptions(normalized.envelope.id, normalized.definition.priority) });
  }
  // Some out of order: shuffle within windows of 40 events.
  let state = seed;
  const rand = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let start = 0; start < jobs.length; start += 40) {
    if (rand() > 0.3) continue;
    const end = Math.min(jobs.length, start + 40);
    for (let i = end - 1; i > start; i--) {
      const j = start + Math.floor(rand() * (i - start + 1));
      [jobs[i], jobs[j]] = [jobs[j], jobs[i]];
    }
  }
  // ~1 % delivered twice, with a new job id (BullMQ cannot dedupe them; the sync log must).
  const duplicates = Math.round(jobs.length / 100);
  for (let i = 0; i < duplicates; i++) {
    const original = jobs[Math.floor(rand() * jobs.length)];
    jobs.splice(Math.floor(rand() * jobs.length), 0, { ...original, opts: { ...original.opts, jobId: `${original.opts.jobId}-dup${i}` } });
  }
  // A few bad events that must be dead-lettered, not lost.
  const bad = Math.max(3, Math.round(items.length / 10_000));
  for (let i = 0; i < bad; i++) {
    jobs.push({
      name: 'event',
      data: { id: `${BAD_ID_PREFIX}${i}`, type: 'scl.member.created', version: '1.0', timestamp: new Date().toISOString(), tenantId, source: 'scl', identity: {}, payload: { id: 'not-a-number' } },
      opts: inboundJobOptions(`${BAD_ID_PREFIX}${i}`, 2),
    });
  }
  return { jobs, unique: items.length, duplicates, bad, personless, contactUpdates };
}

async function publish(queue: Queue, jobs: Job[], bar?: SingleBar) {
  for (let i = 0; i < jobs.length; i += 1000) {
    await queue.addBulk(jobs.slice(i, i + 1000));
    bar?.update(Math.min(jobs.length, i + 1000));
  }
}

async function redisMemory(): Promise<number> {
  const redis = createRedis();
  const info = await redis.info('memory');
  redis.disconnect();
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

/**
 * The ceiling's young generation: 32 MB semi-spaces, with which BullMQ's no-op loop is fastest here. The worker's main
 * thread runs BullMQ with V8's default 16 MB ones (workers/node-flags.ts), where the same loop costs ~30–50 % more
 * CPU per job (three alternating pairs of 50,000 jobs, 2026-12-07 22:08: 0.100–0.128 against 0.066–0.091 CPU ms,
 * 8,132–9,635 against 10,307–15,230 jobs/s); a ceiling run that way would flatter the ratio by the worker's own heap
 * choice, so the bar stays at BullMQ's best.
 */
const CEILING_SEMI_SPACE = '--max-semi-space-size=32';

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/**
 * BullMQ alone: no-op jobs with the same job options and worker concurrency, consumed by a process of its own started
 * with the worker's Node flags (scripts/bench/ceiling-consumer.ts), as the pipeline's worker is, and with BullMQ's
 * fastest young generation (CEILING_SEMI_SPACE).
 */
async function measureCeiling(
  n: number,
  concurrency: number,
  log: (s: string) => void,
): Promise<{ perSec: number; stealPct: number | null }> {
  const prefix = `bench:ceiling:${process.pid}`;
  const connection = createRedis();
  const queue = new Queue(INBOUND_QUEUE, { connection, prefix });
  const jobs = Array.from({ length: n }, (_, i) => ({ name: 'event', data: { i, pad: 'x'.repeat(600) }, opts: inboundJobOptions(`noop-${i}`, 2) }));
  await publish(queue, jobs);
  // CRM_WORKER_FLAGS (a flag under test) applies to both sides of the ratio, and wins over CEILING_SEMI_SPACE.
  const child = spawn(process.execPath, [...WORKER_NODE_FLAGS, CEILING_SEMI_SPACE, ...extraWorkerFlags(), '--import', 'tsx', path.join(import.meta.dirname, 'bench/ceiling-consumer.ts')], {
    env: { ...process.env, CEILING_PREFIX: prefix, CEILING_JOBS: String(n), CEILING_CONCURRENCY: String(concurrency) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  // As the backlog stages wait at most 10 minutes for their events.
  const timeout = setTimeout(() => child.kill(), 600_000);
  let cpuStart: CpuSnapshot | null = null;
  let result: { perSec: number; cpuMsPerJob: number } | null = null;
  let cpuEnd: CpuSnapshot | null = null;
  for await (const line of createInterface({ input: child.stdout! })) {
    if (line === 'ready') cpuStart = cpuSnapshot();
    else if (line.startsWith('{')) {
      cpuEnd = cpuSnapshot();
      result = JSON.parse(line) as { perSec: number; cpuMsPerJob: number };
    }
  }
  const code = await exited;
  clearTimeout(timeout);
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  if (!result) throw new Error(`The ceiling's consumer exited (code ${code}) without a result`);
  // The ratio compares two stages run minutes apart: steal in one and not the other moves it.
  const shares = cpuStart && cpuEnd ? cpuShares(cpuStart, cpuEnd, [child.pid!], n) : null;
  const perJob = shares ? `consumer ${result.cpuMsPerJob.toFixed(3)}, Redis ${shares.redisMsPerEvent} CPU ms per job; ` : '';
  log(`  ceiling: ${n.toLocaleString()} no-op jobs at ${result.perSec.toLocaleString()}/s (${perJob}steal ${shares?.stealPct ?? '?'} % of the machine)`);
  return { perSec: result.perSec, stealPct: shares?.stealPct ?? null };
}

async function settledCount(env: BenchEnv, tenantId = BENCH_TENANT): Promise<number> {
  const [row] = await env.db.execute<{ n: number }>(sql`select count(*)::int as n from sync_log where tenant_id = ${tenantId} and status in ('SUCCESS','DEAD_LETTERED')`);
  return row.n;
}

interface Correctness {
  ok: boolean;
  problems: string[];
}

async function checkCorrectness(env: BenchEnv, w: Workload, expectedSettled: number): Promise<Correctness> {
  const problems: string[] = [];
  const [r] = await env.db.execute<{ success: number; dead: number; activities: number; dup: number; with_activity: number; contact_updates_without: number }>(sql`
    select
      (select count(*)::int from sync_log where tenant_id = ${BENCH_TENANT} and status = 'SUCCESS') as success,
      (select count(*)::int from dead_letters) as dead,
      (select count(*)::int from activities where tenant_id = ${BENCH_TENANT}) as activities,
      (select count(*)::int from (select 1 from activities group by tenant_id, source, source_event_id having count(*) > 1) d) as dup,
      (select count(*)::int from sync_log where tenant_id = ${BENCH_TENANT} and status = 'SUCCESS' and activity_id is not null) as with_activity,
      (select count(*)::int from sync_log where tenant_id = ${BENCH_TENANT} and status = 'SUCCESS' and activity_id is null and event_type = 'messaging.contact.updated') as contact_updates_without`);
  if (r.success !== expectedSettled - w.bad) problems.push(`${r.success} events succeeded, expected ${expectedSettled - w.bad}`);
  if (r.dead !== w.bad) problems.push(`${r.dead} dead letters, expected exactly the ${w.bad} injected bad events`);
  if (r.dup !== 0) problems.push(`${r.dup} duplicated activities`);
  // Activities = events − duplicates − club-level events − contact updates that changed nothing.
  const expectedActivities = w.unique - w.personless - r.contact_updates_without;
  if (r.activities !== expectedActivities) problems.push(`${r.activities} activities, expected ${expectedActivities}`);
  return { ok: problems.length === 0, problems };
}

/** Exact row counts of every non-empty table, largest first (the statistics' n_live_tup is only an estimate). */
async function rowsPerTable(env: BenchEnv): Promise<Record<string, number>> {
  const tables = await env.db.execute<{ table: string }>(sql`select relname as table from pg_stat_user_tables where schemaname = 'public'`);
  const counts: [string, number][] = [];
  for (const { table } of tables) {
    const [row] = await env.db.execute<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(table)}`);
    if (row.n > 0) counts.push([table, row.n]);
  }
  return Object.fromEntries(counts.sort((a, b) => b[1] - a[1]));
}

interface BacklogResult {
  workers: number;
  events: number;
  seconds: number;
  eventsPerSec: number;
  rssStartMb: number;
  rssEndMb: number;
  rssPeakMb: number;
  heapStartMb: number;
  heapEndMb: number;
  redisStartMb: number;
  redisEndMb: number;
  /** Where the machine's CPU went while the workers drained the backlog (null off Linux). */
  cpu: CpuShares | null;
  /** What the drain wrote to Postgres's WAL, and the checkpoints it started. */
  wal: WalCost;
  correctness: Correctness;
  rows: Record<string, number>;
}

/** The size of the batch each event committed in (the prefetch step names it), for events processed since `since`. */
async function batchSizes(db: BenchEnv['db'], since: Date): Promise<string> {
  const [sizes] = await db.execute<{ p50: number; avg: number }>(sql`
    select percentile_disc(0.5) within group (order by substring(s->>'step' from '(\\d+)')::int) as p50,
      round(avg(substring(s->>'step' from '(\\d+)')::int), 1)::float8 as avg
    from sync_log, jsonb_array_elements(steps) s
    where s->>'step' like 'prefetch (batch of %' and processed_at >= ${since.toISOString()}::timestamptz`);
  return `batch size seen by an event: p50 ${sizes.p50}, mean ${sizes.avg}`;
}

/**
 * The backlog's events committed in each window of `seconds` from its first commit, and the people it saw for the
 * first time in each (profiles created): a backfill meets most of its people in its first seconds, and an event that
 * creates a person costs about three times one about a known person, so the first window is the slowest even on warm
 * workers (README, "What sets the pace").
 */
async function ratePerWindow(
  db: BenchEnv['db'],
  span: { first: string; last: string },
  seconds: number,
): Promise<{ events: number[]; created: number[]; lastWindowSeconds: number }> {
  const { first } = span;
  // A profile's created_at is its transaction's start, which can fall before the first commit: counted in window 0.
  const window = (column: SQL) => sql`greatest(0, floor(extract(epoch from ${column} - ${first}::timestamptz) / ${seconds}))::int`;
  const [events, created] = await Promise.all([
    db.execute<{ w: number; n: number }>(sql`
      select ${window(sql`processed_at`)} as w, count(*)::int as n
      from sync_log where tenant_id = ${BENCH_TENANT} and status = 'SUCCESS' group by w order by w`),
    db.execute<{ w: number; n: number }>(sql`
      select ${window(sql`created_at`)} as w, count(*)::int as n from profiles where tenant_id = ${BENCH_TENANT} group by w`),
  ]);
  // Every window from 0 to the last, a window without commits as 0, so the lists (and steal's) line up by position.
  const windows = Array.from({ length: (events.at(-1)?.w ?? -1) + 1 }, (_, w) => w);
  const committedIn = new Map(events.map((r) => [r.w, r.n]));
  const createdIn = new Map(created.map((r) => [r.w, r.n]));
  // The drain ends inside the last window: its rate is over the part of it the drain lasted, not the whole window.
  const drainSeconds = (new Date(span.last).getTime() - new Date(first).getTime()) / 1000;
  const lastWindowSeconds = Math.min(seconds, Math.max(0.1, drainSeconds - (windows.length - 1) * seconds));
  return {
    events: windows.map((w) => Math.round((committedIn.get(w) ?? 0) / (w === windows.length - 1 ? lastWindowSeconds : seconds))),
    created: windows.map((w) => createdIn.get(w) ?? 0),
    lastWindowSeconds: Math.round(lastWindowSeconds * 10) / 10,
  };
}

/**
 * Steal (the hypervisor giving this machine's cores to another) in each window of `seconds` from `firstMs`, from the
 * machine's ticks read while the backlog drained: a burst of it slows a window for reasons outside the product.
 */
function stealPerWindow(readings: { at: number; ticks: MachineTicks }[], firstMs: number, windows: number, seconds: number): number[] {
  const at = (ms: number) => {
    let reading = readings[0];
    for (const r of readings) if (r.at <= ms) reading = r;
    return reading.ticks;
  };
  const steal: number[] = [];
  for (let w = 0; w < windows; w++) steal.push(stealPct(at(firstMs + w * seconds * 1000), at(firstMs + (w + 1) * seconds * 1000)));
  return steal;
}

async function runBacklog(workload: Workload, warm: Workload | null, workers: number, log: (s: string) => void, progress: boolean, trace = false): Promise<BacklogResult> {
  const benchEnv = await freshBenchEnv(`backlog${workers}`);
  try {
    const connection = createRedis();
    const queue = new Queue(INBOUND_QUEUE, { connection, prefix: benchEnv.prefix });
    const redisStart = await redisMemory();
    const handles = Array.from({ length: workers }, () => startWorker(benchEnv));
    await waitUntil(async () => (await Promise.all(handles.map((h) => h.memory()))).every(Boolean), 60_000);
    const startMem = await Promise.all(handles.map((h) => h.memory()));
    if (warm) {
      // A new worker's first ~10 s run cold (V8 compiles the pipeline while it runs: ~7 s of TurboFan compile time in
      // the first 12 s of a cold backlog on 2026-12-07): another club's history, in its own tenant, warms them first.
      await createTenant(benchEnv.db, { id: WARMUP_TENANT, name: 'Warm-up Country Club', country: 'ZA' });
      const warmJobs = warm.jobs.filter((j) => !isInjectedBad(j));
      await publish(queue, warmJobs);
      await waitUntil(async () => (await settledCount(benchEnv, WARMUP_TENANT)) >= warm.unique, 600_000);
      log(`  warm-up: ${warm.unique.toLocaleString()} events of another club processed first`);
    }
    // Published while the queue is paused, so the workers meet the whole backlog at once, as on a cold start.
    await queue.pause();
    const bar = progress ? new SingleBar({ format: `  publish   [{bar}] {value}/{total}`, hideCursor: true }, Presets.shades_classic) : undefined;
    bar?.start(workload.jobs.length, 0);
    await publish(queue, workload.jobs, bar);
    bar?.stop();

    const expected = workload.unique + workload.bad;
    const cpuStart = cpuSnapshot();
    const walStart = await walSnapshot(benchEnv.db);
    const resumedAt = new Date();
    await queue.resume();
    let peak = 0;
    const readings: { at: number; ticks: MachineTicks }[] = [];
    const readMachine = () => {
      const ticks = machineTicks();
      if (ticks) readings.push({ at: Date.now(), ticks });
    };
    readMachine();
    const drain = progress ? new SingleBar({ format: `  ${workers} worker${workers > 1 ? 's' : ' '} [{bar}] {value}/{total} jobs`, hideCursor: true }, Presets.shades_classic) : undefined;
    drain?.start(workload.jobs.length, 0);
    // Progress from the queue's counters (O(1) in Redis): counting the sync log every 250 ms would scan a table that
    // grows with the run, on the cores the workers use. The count is read once the queue is empty.
    const queued = async () => Object.values(await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized')).reduce((a, b) => a + b, 0);
    await waitUntil(async () => {
      const left = await queued();
      drain?.update(Math.max(0, workload.jobs.length - left));
      return left === 0 && (await settledCount(benchEnv)) >= expected;
    }, 3_600_000, async () => {
      readMachine();
      for (const m of await Promise.all(handles.map((h) => h.memory()))) peak = Math.max(peak, m?.rss ?? 0);
    });
    readMachine();
    drain?.stop();
    const cpuEnd = cpuSnapshot();
    const [span] = await benchEnv.db.execute<{ first: string; last: string }>(sql`
      select min(processed_at) as first, max(processed_at) as last from sync_log where tenant_id = ${BENCH_TENANT} and status = 'SUCCESS'`);
    const seconds = (new Date(span.last).getTime() - new Date(span.first).getTime()) / 1000;
    const endMem = await Promise.all(handles.map((h) => h.memory()));
    await Promise.all(handles.map((h) => h.stop()));
    // After the workers' connections closed: a backend reports its WAL figures when idle, at most once a second.
    const walEnd = await walSnapshot(benchEnv.db);
    const correctness = await checkCorrectness(benchEnv, workload, expected);
    const rows = await rowsPerTable(benchEnv);
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
    const redisEnd = await redisMemory();
    const sum = (xs: ({ rss: number; heapUsed: number } | null)[], k: 'rss' | 'heapUsed') => xs.reduce((a, m) => a + (m?.[k] ?? 0), 0) / xs.length;
    const result: BacklogResult = {
      workers,
      events: workload.unique,
      seconds: Math.round(seconds * 10) / 10,
      eventsPerSec: Math.round(workload.unique / seconds),
      rssStartMb: mb(sum(startMem, 'rss')),
      rssEndMb: mb(sum(endMem, 'rss')),
      rssPeakMb: mb(peak),
      heapStartMb: mb(sum(startMem, 'heapUsed')),
      heapEndMb: mb(sum(endMem, 'heapUsed')),
      redisStartMb: mb(redisStart),
      redisEndMb: mb(redisEnd),
      cpu: cpuStart && cpuEnd ? cpuShares(cpuStart, cpuEnd, handles.map((h) => h.child.pid!), workload.unique) : null,
      wal: walCost(walStart, walEnd, workload.unique),
      correctness,
      rows,
    };
    log(`  ${workers} worker process${workers > 1 ? 'es' : ''}: ${result.eventsPerSec.toLocaleString()} events/s (${result.seconds} s)${correctness.ok ? '' : ' — WRONG: ' + correctness.problems.join('; ')}`);
    if (result.cpu) log(`    ${formatCpu(result.cpu)}`);
    log(`    ${formatWal(result.wal, result.seconds)}`);
    log(`    worker RSS ${result.rssStartMb} → ${result.rssEndMb} MB (peak ${result.rssPeakMb} MB), heap ${result.heapStartMb} → ${result.heapEndMb} MB; Redis ${result.redisStartMb} → ${result.redisEndMb} MB`);
    if (trace) {
      const windows = await ratePerWindow(benchEnv.db, span, 5);
      log(`    events/s in each 5 s: ${windows.events.join(' ')} (the last over its ${windows.lastWindowSeconds} s)`);
      log(`    people created in each 5 s: ${windows.created.join(' ')}`);
      if (readings.length > 1) log(`    steal % in each 5 s: ${stealPerWindow(readings, new Date(span.first).getTime(), windows.events.length, 5).join(' ')}`);
      log(`    ${await batchSizes(benchEnv.db, resumedAt)}`);
      for (const st of await stepPercentiles(benchEnv.db, resumedAt)) log(`    step ${st.step}: p50 ${st.p50} ms, p99 ${st.p99} ms (${st.events.toLocaleString()} events)`);
    }
    return result;
  } finally {
    await benchEnv.drop();
  }
}

/**
 * Events offered at `rate`, one add per couple of milliseconds as live traffic arrives, to one worker; each event's
 * latency is enqueue → its sync log row (written in the transaction that commits its effects). The first `warmup`
 * seconds are offered but not counted (a new worker's first events run cold: JIT, connection caches, statements
 * prepared per connection); their figures are printed apart. Live traffic meets a club whose people the CRM already
 * knows, so the first `preload` events of the history are processed as a backlog before the rate is offered (with
 * `--preload 0` every offered event starts from an empty club, nearly all of them new people).
 */
async function runLatency(workload: Workload, args: Pick<Args, 'rate' | 'seconds' | 'warmup' | 'preload' | 'trace'>, log: (s: string) => void) {
  const { rate, seconds, warmup } = args;
  const benchEnv = await freshBenchEnv('latency');
  try {
    const connection = createRedis();
    const queue = new Queue(INBOUND_QUEUE, { connection, prefix: benchEnv.prefix });
    const handle = startWorker(benchEnv);
    await waitUntil(async () => Boolean(await handle.memory()), 60_000);
    const usable = workload.jobs.filter((j) => !String(j.opts.jobId).includes('-dup') && !isInjectedBad(j));
    const offered = Math.round(rate * (warmup + seconds));
    const preload = Math.min(args.preload, Math.max(0, usable.length - offered));
    if (preload > 0) {
      await publish(queue, usable.slice(0, preload));
      await waitUntil(async () => (await settledCount(benchEnv)) >= preload, 600_000);
      log(`  the club's history first: ${preload.toLocaleString()} events processed as a backlog`);
    }
    const jobs = usable.slice(preload, preload + offered);
    const enqueued = new Map<string, number>();
    const tickMs = 2;
    const started = performance.now();
    const t0 = Date.now();
    // The per-second figures count from here; the clock time matches them to a worker's log (BENCH_WORKER_LOG).
    if (args.trace) log(`    offering starts at ${new Date(t0).toISOString()}`);
    const cpuStart = cpuSnapshot();
    let sent = 0;
    while (sent < jobs.length) {
      const due = Math.min(jobs.length, Math.floor(((performance.now() - started) / 1000) * rate) + 1);
      const batch = jobs.slice(sent, due);
      const now = Date.now();
      if (batch.length) {
        await queue.addBulk(batch);
        for (const j of batch) enqueued.set(j.opts.jobId!, now);
      }
      sent = due;
      await new Promise((r) => setTimeout(r, tickMs));
    }
    await waitUntil(async () => (await settledCount(benchEnv)) >= preload + jobs.length, 300_000);
    const cpuEnd = cpuSnapshot();
    const rows = await benchEnv.db.execute<{ event_id: string; processed_at: string }>(sql`select event_id, processed_at from sync_log where status = 'SUCCESS'`);
    const measured: number[] = [];
    const warm: number[] = [];
    const perSecond = new Map<number, number[]>();
    for (const r of rows) {
      const t = enqueued.get(r.event_id);
      if (t === undefined) continue;
      const latency = new Date(r.processed_at).getTime() - t;
      (t - t0 < warmup * 1000 ? warm : measured).push(latency);
      const second = Math.floor((t - t0) / 1000);
      const list = perSecond.get(second);
      if (list) list.push(latency);
      else perSecond.set(second, [latency]);
    }
    for (const list of [measured, warm]) list.sort((a, b) => a - b);
    if (args.trace) {
      for (const [second, list] of [...perSecond].sort((a, b) => a[0] - b[0])) {
        list.sort((a, b) => a - b);
        log(`    second ${second}${second < warmup ? ' (warm-up)' : ''}: ${list.length} events, p50 ${percentile(list, 50)} ms, p99 ${percentile(list, 99)} ms`);
      }
      // Live traffic's cost per event (other = this process offering the rate, mostly).
      if (cpuStart && cpuEnd) log(`    ${formatCpu(cpuShares(cpuStart, cpuEnd, [handle.child.pid!], jobs.length))}`);
      log(`    ${await batchSizes(benchEnv.db, new Date(t0))}`);
      const steps = await stepPercentiles(benchEnv.db, new Date(t0));
      for (const s of steps) log(`    step ${s.step}: p50 ${s.p50} ms, p99 ${s.p99} ms (${s.events.toLocaleString()} events)`);
    }
    await handle.stop();
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
    const result = {
      rate,
      preload,
      events: measured.length,
      p50Ms: percentile(measured, 50),
      p95Ms: percentile(measured, 95),
      p99Ms: percentile(measured, 99),
      warmupP50Ms: percentile(warm, 50),
      warmupP99Ms: percentile(warm, 99),
    };
    log(`  latency at ${rate}/s offered: p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms, p99 ${result.p99Ms} ms (${result.events} events after a ${warmup} s warm-up; during it p50 ${result.warmupP50Ms} ms, p99 ${result.warmupP99Ms} ms)`);
    return result;
  } finally {
    await benchEnv.drop();
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const config = env();
  const log = (s: string) => (args.json ? process.stderr.write(`${s}\n`) : console.log(s));
  log(`Clubhouse CRM pipeline benchmark — ${args.events.toLocaleString()} events, worker concurrency ${config.WORKER_CONCURRENCY}, lanes ${config.WORKER_LANES}, batch ${config.WORKER_BATCH_SIZE}`);
  await buildWorker();
  log('Generating the workload (the demo generator\'s mix)…');
  const workload = buildWorkload(args.events, 4242, args.people);
  log(`  ${workload.unique.toLocaleString()} events of ${(args.people ?? defaultPeople(args.events)).toLocaleString()} people + ${workload.duplicates} duplicates + ${workload.bad} bad; ${workload.personless} club-level`);

  if (args.only === 'latency') {
    log('Latency at a fixed offered rate…');
    const latency = await runLatency(workload, args, log);
    if (args.json) console.log(JSON.stringify(latency));
    process.exit(0);
  }
  const warm = args.warmEvents > 0 ? buildWorkload(args.warmEvents, 777, undefined, WARMUP_TENANT) : null;
  if (args.only === 'backlog') {
    log('Backlog throughput…');
    const results: BacklogResult[] = [];
    for (const w of args.workers) results.push(await runBacklog(workload, warm, w, log, !args.json, args.trace));
    if (args.json) console.log(JSON.stringify(results));
    process.exit(results.every((r) => r.correctness.ok) ? 0 : 1);
  }

  log('Measuring the ceiling (BullMQ no-op consumption)…');
  const ceiling = await measureCeiling(Math.min(args.events, 50_000), config.WORKER_CONCURRENCY, log);
  const ceilingPerSec = ceiling.perSec;

  log('Backlog throughput…');
  const backlog: BacklogResult[] = [];
  for (const w of args.workers) backlog.push(await runBacklog(workload, warm, w, log, !args.json, args.trace));

  log('Latency at a fixed offered rate…');
  const latency = await runLatency(workload, args, log);

  const one = backlog.find((b) => b.workers === 1) ?? backlog[0];
  const summary = {
    events: workload.unique,
    eventsPerSec: one.eventsPerSec,
    eventsPerSecByWorkers: Object.fromEntries(backlog.map((b) => [b.workers, b.eventsPerSec])),
    backlogWarmEvents: args.warmEvents,
    ceilingPerSec,
    ceilingStealPct: ceiling.stealPct,
    stealPctByWorkers: Object.fromEntries(backlog.map((b) => [b.workers, b.cpu?.stealPct ?? null])),
    walByWorkers: Object.fromEntries(backlog.map((b) => [b.workers, b.wal])),
    ratio: Math.round((one.eventsPerSec / ceilingPerSec) * 1000) / 1000,
    p50Ms: latency.p50Ms,
    p95Ms: latency.p95Ms,
    p99Ms: latency.p99Ms,
    warmupSeconds: args.warmup,
    preloadEvents: latency.preload,
    warmupP50Ms: latency.warmupP50Ms,
    warmupP99Ms: latency.warmupP99Ms,
    offeredRate: args.rate,
    workerRssMb: Math.max(...backlog.map((b) => b.rssPeakMb)),
    workerRssStartMb: one.rssStartMb,
    workerRssEndMb: one.rssEndMb,
    workerHeapStartMb: one.heapStartMb,
    workerHeapEndMb: one.heapEndMb,
    redisStartMb: one.redisStartMb,
    redisEndMb: one.redisEndMb,
    correct: backlog.every((b) => b.correctness.ok),
    rows: one.rows,
  };

  log('');
  log('Result');
  const table: [string, string][] = [
    ['events (unique)', summary.events.toLocaleString()],
    ...backlog.map((b) => [`throughput, ${b.workers} worker${b.workers > 1 ? 's' : ''}`, `${b.eventsPerSec.toLocaleString()} events/s`] as [string, string]),
    ['  workers warmed first by', args.warmEvents ? `${args.warmEvents.toLocaleString()} events of another club` : 'nothing (cold start)'],
    ['ceiling (BullMQ no-op)', `${ceilingPerSec.toLocaleString()} jobs/s`],
    ['ratio (1 worker / ceiling)', String(summary.ratio)],
    [`latency p50/p95/p99 at ${args.rate}/s`, `${summary.p50Ms} / ${summary.p95Ms} / ${summary.p99Ms} ms`],
    [`  in the first ${args.warmup} s (not counted)`, `p50 ${summary.warmupP50Ms} / p99 ${summary.warmupP99Ms} ms`],
    ['worker RSS start → end (peak)', `${summary.workerRssStartMb} → ${summary.workerRssEndMb} MB (${summary.workerRssMb} MB)`],
    ['worker heap start → end', `${summary.workerHeapStartMb} → ${summary.workerHeapEndMb} MB`],
    ['Redis memory start → end', `${summary.redisStartMb} → ${summary.redisEndMb} MB`],
    ['correct', summary.correct ? 'yes' : `NO: ${backlog.flatMap((b) => b.correctness.problems).join('; ')}`],
  ];
  for (const [k, v] of table) log(`  ${k.padEnd(34)} ${v}`);
  log(`  rows per table${args.warmEvents ? ' (the warm-up club\'s included)' : ''}: ` + Object.entries(summary.rows).map(([t, n]) => `${t} ${n.toLocaleString()}`).join(', '));
  if (args.json) console.log(JSON.stringify(summary));
  process.exit(summary.correct ? 0 : 1);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
