/**
 * npm run bench -- --read [--profiles 200000] [--requests 200] [--warmup 20] [--json] [--keep]
 *
 * Read latency through the real HTTP API: a fresh database with a club of N profiles (seed-club, read-seed), one
 * member with 10,000 activities, the system segments computed; the built web app (`next start`) on a free local
 * port; an API key per request kind (each stays far below the per-key rate limit). Each kind is warmed up, then
 * timed over `--requests` sequential requests (latency, not throughput) with varied values: search by name prefix,
 * by email, by phone; the profile; the timeline's first page and deep keyset pages; the churn list's first page;
 * the members list filtered by tier and churn level, and its page 201; each system segment's count. Prints p50/p95
 * against the issue's targets (the members list has none); `--json` adds one JSON object as the
 * last line. Exits 1 when any request fails (non-2xx); a missed target is reported, not an error.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createApiKey } from '@/server/admin/api-keys';
import { Rng } from '@/server/demo/random';
import { BENCH_TENANT, freshBenchEnv, percentile } from './setup';
import { HEAVY_ACTIVITIES, seedReadData, type ReadData } from './read-seed';
import { ensureWebBuild, startWebApp } from './read-web';

interface Args {
  profiles: number;
  requests: number;
  warmup: number;
  json: boolean;
  keep: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { profiles: 200_000, requests: 200, warmup: 20, json: false, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0) throw new Error(`${a} needs a whole number`);
      return v;
    };
    if (a === '--profiles') args.profiles = value();
    else if (a === '--requests') args.requests = value();
    else if (a === '--warmup') args.warmup = value();
    else if (a === '--json') args.json = true;
    else if (a === '--keep') args.keep = true;
    else throw new Error(`Unknown option ${a}`);
  }
  if (args.profiles < 1000 || args.requests < 1) throw new Error('--profiles must be ≥ 1000 and --requests ≥ 1');
  return args;
}

type Body = { data: unknown; meta?: { total?: number; nextCursor?: string | null } };

/** One timed sample: the requests a screen or caller makes, in order; `check` says whether the answer is right. */
interface Probe {
  name: string;
  /** The issue's p95 target in ms, where it sets one. */
  targetMs?: number;
  paths(i: number): string[];
  check(bodies: Body[], i: number): boolean;
  /** What the right answer looked like, for the table. */
  note?: string;
}

interface Row {
  name: string;
  p50Ms: number;
  p95Ms: number;
  targetMs: number | null;
  pass: boolean | null;
  samples: number;
  errors: number;
  wrong: number;
  note: string;
}

const ids = (body: Body) => (Array.isArray(body.data) ? body.data.map((r: { id?: string }) => r.id) : []);
const rowsOf = (body: Body) => (Array.isArray(body.data) ? body.data.length : -1);

/** "082 123 4567" for half the numbers (as typed at the front desk), E.164 for the rest. */
function typedPhone(e164: string, i: number): string {
  if (i % 2) return e164;
  const national = `0${e164.slice(3)}`;
  return `${national.slice(0, 3)} ${national.slice(3, 6)} ${national.slice(6)}`;
}

async function walkTimeline(call: (path: string) => Promise<Body>, heavyId: string): Promise<string[]> {
  const cursors: string[] = [];
  let cursor: string | null | undefined;
  do {
    const body = await call(`/api/v1/customers/${heavyId}/activities?take=50${cursor ? `&cursor=${cursor}` : ''}`);
    cursor = body.meta?.nextCursor;
    if (cursor) cursors.push(cursor);
  } while (cursor);
  return cursors;
}

function probes(data: ReadData, deepCursors: string[], n: number): Probe[] {
  const rng = new Rng(7);
  const live = data.people.filter((p) => p.status === 'ACTIVE');
  const sample = (filter: (p: (typeof live)[number]) => boolean) => {
    const pool = live.filter(filter);
    return Array.from({ length: n }, () => rng.pick(pool));
  };
  const named = sample(() => true);
  const prefixes = named.map((p, i) => {
    const word = i % 3 === 0 ? p.lastName : p.firstName;
    return word.slice(0, Math.min(word.length, 3 + (i % 4)));
  });
  const emailed = sample((p) => p.email !== null);
  const phoned = sample((p) => p.phone !== null);
  const viewed = sample(() => true);
  const heavy = data.heavyMemberId;
  const firstPage = `/api/v1/customers/${heavy}/activities?take=50`;
  // The cursor after page k + 1 starts row (k + 1) × 50: the second half of the timeline, varied.
  const deepFrom = Math.floor(deepCursors.length / 2);
  const deep = deepCursors.slice(deepFrom);
  const list: Probe[] = [
    {
      name: 'search: name prefix',
      targetMs: 50,
      paths: (i) => [`/api/v1/customers?q=${encodeURIComponent(prefixes[i]!)}`],
      check: ([b]) => rowsOf(b!) > 0,
    },
    {
      name: 'search: email',
      targetMs: 50,
      paths: (i) => [`/api/v1/customers?q=${encodeURIComponent(emailed[i]!.email!)}`],
      check: ([b], i) => ids(b!).includes(emailed[i]!.id),
    },
    {
      name: 'search: phone',
      targetMs: 50,
      paths: (i) => [`/api/v1/customers?q=${encodeURIComponent(typedPhone(phoned[i]!.phone!, i))}`],
      check: ([b], i) => ids(b!).includes(phoned[i]!.id),
    },
    {
      name: 'profile',
      paths: (i) => [`/api/v1/customers/${viewed[i]!.id}`],
      check: ([b], i) => (b!.data as { id?: string }).id === viewed[i]!.id,
    },
    {
      name: `timeline first page (${HEAVY_ACTIVITIES.toLocaleString('en')})`,
      paths: () => [firstPage],
      check: ([b]) => rowsOf(b!) === 50,
    },
    {
      name: 'profile + timeline first page',
      targetMs: 50,
      paths: () => [`/api/v1/customers/${heavy}`, firstPage],
      check: ([p, t]) => (p!.data as { id?: string }).id === heavy && rowsOf(t!) === 50,
    },
    {
      name: `timeline deep page (rows ${((deepFrom + 1) * 50).toLocaleString('en')}–${(deepCursors.length * 50).toLocaleString('en')})`,
      targetMs: 50,
      paths: (i) => [`/api/v1/customers/${heavy}/activities?take=50&cursor=${deep[i % deep.length]}`],
      check: ([b]) => rowsOf(b!) > 0,
    },
    {
      name: 'churn list first page',
      targetMs: 75,
      paths: () => ['/api/v1/churn-risk'],
      check: ([b]) => rowsOf(b!) === 25,
    },
    // The members list as staff filter and page it: no target in the issue, printed so it is watched.
    {
      name: 'members list: tier + churn level',
      paths: () => ['/api/v1/customers?tier=Gold&churnLevel=HIGH'],
      check: ([b]) => rowsOf(b!) > 0,
    },
    {
      name: 'members list: page 201',
      paths: () => ['/api/v1/customers?skip=5000'],
      check: ([b]) => rowsOf(b!) === 25,
    },
  ];
  for (const segment of data.segments) {
    list.push({
      name: `segment count: ${segment.name}`,
      paths: () => [`/api/v1/segments/${segment.id}`],
      check: ([b]) => (b!.data as { memberCount?: number }).memberCount === segment.memberCount,
      note: `${segment.memberCount.toLocaleString('en')} members`,
    });
  }
  return list;
}

async function measure(baseUrl: string, key: string, probe: Probe, args: Args): Promise<Row> {
  const samples: number[] = [];
  let errors = 0;
  let wrong = 0;
  for (let i = 0; i < args.warmup + args.requests; i++) {
    const bodies: Body[] = [];
    const start = performance.now();
    for (const path of probe.paths(i % args.requests)) {
      const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });
      const text = await res.text();
      if (!res.ok) {
        errors++;
        if (errors === 1) process.stderr.write(`  ${probe.name}: ${res.status} ${text.slice(0, 300)}\n`);
      }
      bodies.push(res.ok ? (JSON.parse(text) as Body) : { data: null });
    }
    const ms = performance.now() - start;
    if (i < args.warmup) continue;
    samples.push(ms);
    if (!probe.check(bodies, i % args.requests)) wrong++;
  }
  samples.sort((a, b) => a - b);
  const p95 = percentile(samples, 95);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    name: probe.name,
    p50Ms: round(percentile(samples, 50)),
    p95Ms: round(p95),
    targetMs: probe.targetMs ?? null,
    pass: probe.targetMs === undefined ? null : p95 <= probe.targetMs,
    samples: samples.length,
    errors,
    wrong,
    note: [probe.note, wrong ? `${wrong} wrong answers` : ''].filter(Boolean).join('; '),
  };
}

function table(rows: Row[]): string {
  const head = ['request', 'p50 ms', 'p95 ms', 'target', 'result', 'note'];
  const cells = rows.map((r) => [
    r.name,
    r.p50Ms.toFixed(1),
    r.p95Ms.toFixed(1),
    r.targetMs === null ? '—' : `≤ ${r.targetMs}`,
    r.errors ? `ERRORS (${r.errors})` : r.pass === null ? '—' : r.pass ? 'PASS' : 'FAIL',
    r.note,
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c]!.length)));
  const line = (row: string[]) => row.map((cell, c) => (c >= 1 && c <= 2 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** Runs the benchmark; answers the exit code (1 on failed requests or when it cannot run, with the reason). */
export async function runReadBench(argv: string[]): Promise<number> {
  try {
    return await run(parseArgs(argv));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    return 1;
  }
}

async function run(args: Args): Promise<number> {
  const log = (s: string) => (args.json ? process.stderr.write(`${s}\n`) : console.log(s));
  log(`Read benchmark — ${args.profiles.toLocaleString('en')} profiles, ${args.requests} timed requests per kind after ${args.warmup} warm-up`);
  const env = await freshBenchEnv('read');
  let web: Awaited<ReturnType<typeof startWebApp>> | null = null;
  try {
    log('Seeding (bulk, set-based) and building the web app if needed…');
    const seedStart = performance.now();
    // Both finish before anything is cleaned up, even when one fails.
    const [seeded, built] = await Promise.allSettled([seedReadData(env.db, { tenantId: BENCH_TENANT, profiles: args.profiles }), ensureWebBuild(log)]);
    if (seeded.status === 'rejected') throw seeded.reason;
    if (built.status === 'rejected') throw built.reason;
    const data = seeded.value;
    const seedSeconds = Math.round((performance.now() - seedStart) / 100) / 10;
    log(`  ${args.profiles.toLocaleString('en')} profiles, ${data.activities.toLocaleString('en')} activities in ${seedSeconds} s (${Object.entries(data.timings).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)} s`).join(', ')})`);

    web = await startWebApp({ databaseUrl: env.databaseUrl, queuePrefix: env.prefix });
    const actor = { id: 'bench', label: 'npm run bench -- --read' };
    const newKey = async (name: string) =>
      (await createApiKey(env.db, { tenantId: BENCH_TENANT, name: name.slice(0, 100), scopes: ['crm:read'], createdBy: actor })).key;
    const walkKey = await newKey('timeline walk');
    const baseUrl = web.baseUrl;
    const deepCursors = await walkTimeline(async (path) => {
      const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${walkKey}` } });
      if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as Body;
    }, data.heavyMemberId);
    log(`  walked the ${HEAVY_ACTIVITIES.toLocaleString('en')}-activity timeline: ${deepCursors.length + 1} pages of 50`);

    const rows: Row[] = [];
    for (const probe of probes(data, deepCursors, args.requests)) {
      rows.push(await measure(baseUrl, await newKey(probe.name), probe, args));
      log(`  ${probe.name}: p50 ${rows.at(-1)!.p50Ms} ms, p95 ${rows.at(-1)!.p95Ms} ms`);
    }
    const load = loadavg().map((l) => Math.round(l * 100) / 100);
    const errors = rows.reduce((n, r) => n + r.errors, 0);
    const summary = {
      profiles: args.profiles,
      activities: data.activities,
      heavyMemberActivities: HEAVY_ACTIVITIES,
      requestsPerKind: args.requests,
      warmup: args.warmup,
      seedSeconds,
      /** The machine is shared: the load average at the end says how quiet it was. */
      loadAverage: load,
      rows,
      allTargetsMet: rows.every((r) => r.pass !== false),
      errors,
    };
    console.log(`\n${table(rows)}\n\nLoad average at the end (1/5/15 min): ${load.join(' / ')}`);
    if (args.json) console.log(JSON.stringify(summary));
    return errors > 0 ? 1 : 0;
  } finally {
    await web?.stop();
    if (args.keep) {
      await env.db.$client.end({ timeout: 5 });
      log(`kept database ${new URL(env.databaseUrl).pathname.slice(1)}`);
    } else {
      await env.drop();
    }
  }
}
