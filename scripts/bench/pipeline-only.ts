/**
 * The database pipeline alone, without BullMQ: events normalised up front and fed to processBatch in batches.
 * Shows how fast the SQL side is and how many statements a batch costs, with figures that drift less than a
 * throughput on a shared machine: WAL bytes per event and (ALLOC=1) bytes allocated by Node per event
 * (ALLOC_OUT=<file> also writes the allocation profile, for DevTools).
 * KEEP=1 keeps the database (for EXPLAIN).
 *   npx tsx scripts/bench/pipeline-only.ts [events] [batch]
 */
import { hash } from 'node:crypto';
import { Session } from 'node:inspector/promises';
import { drizzle } from 'drizzle-orm/postgres-js';
import type { Database } from '@/server/db/client';
import * as schema from '@/server/db/schema';
import { generateDemo, toPublishable } from '@/server/demo/generate';
import { normalizeJob } from '@/server/events/normalize';
import { processBatch } from '@/workers/pipeline/process-batch';
import type { EventItem, PipelineItem } from '@/workers/pipeline/types';
import { cpuShares, cpuSnapshot } from './cpu';
import { BENCH_TENANT, freshBenchEnv } from './setup';
import { formatWal, walCost, walSnapshot } from './wal';

const n = Number(process.argv[2] ?? 6000);
const size = Number(process.argv[3] ?? 100);
const benchEnv = await freshBenchEnv('pipe');
const items: PipelineItem[] = generateDemo({ tenantId: BENCH_TENANT, people: Math.ceil(n / Number(process.env.PER_PERSON ?? 25)), seed: 7, now: Date.now() })
  .items.slice(0, n)
  .map(toPublishable)
  .map((p, i) => {
    const name = 'name' in p && !('type' in p) ? (p as { name: string }).name : 'event';
    const data = name === 'event' ? p : (p as { data: unknown }).data;
    const normalized = normalizeJob({ name, data, timestamp: Date.now() });
    return { kind: 'event', jobId: String(i), jobName: name, jobData: data, normalized, bodyHash: hash('sha256', JSON.stringify(normalized.envelope), 'hex'), steps: [] };
  });
// Statement timings: each statement's time runs until the next one starts (the batch runs them in sequence).
const stats = new Map<string, { n: number; ms: number }>();
let last: { key: string; at: number } | null = null;
// Every distinct text is one more statement to prepare (parse + plan): the count should stay flat as batches vary.
const texts = new Map<string, number>();
const closeLast = (at: number) => {
  if (!last) return;
  const e = stats.get(last.key) ?? { n: 0, ms: 0 };
  e.n++; e.ms += at - last.at;
  stats.set(last.key, e);
};
const db = drizzle(benchEnv.db.$client, {
  schema, casing: 'snake_case',
  logger: { logQuery: (query: string) => { texts.set(query, (texts.get(query) ?? 0) + 1); const at = performance.now(); closeLast(at); last = { key: query.replace(/\s+/g, ' ').slice(0, 90), at }; } },
}) as unknown as Database;
// BullMQ delivers by priority (then in order): ORDER=priority feeds batches the way the consumer sees them.
if (process.env.ORDER === 'priority') {
  (items as EventItem[]).sort((a, b) => a.normalized.definition.priority - b.normalized.definition.priority);
}
// ALLOC=1: V8's sampling heap profiler, counting objects collected since too, so its total is what was allocated.
const heapSampler = process.env.ALLOC ? new Session() : null;
if (heapSampler) {
  heapSampler.connect();
  await heapSampler.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
}
const wal0 = await walSnapshot(benchEnv.db);
let statements = 0;
const cpu0 = cpuSnapshot();
const node0 = process.cpuUsage();
const t0 = performance.now();
const times: number[] = [];
for (let i = 0; i < items.length; i += size) {
  const s = performance.now();
  await processBatch(db, items.slice(i, i + size));
  closeLast(performance.now()); last = null;
  times.push(performance.now() - s);
}
const seconds = (performance.now() - t0) / 1000;
const nodeCpu = process.cpuUsage(node0);
const cpu1 = cpuSnapshot();
const shares = cpu0 && cpu1 ? cpuShares(cpu0, cpu1, [process.pid], n) : null;
console.log(`CPU ms per event: Node ${((nodeCpu.user + nodeCpu.system) / 1000 / n).toFixed(3)}${shares ? `, Postgres ${shares.postgresMsPerEvent}` : ''}`);
console.log(formatWal(walCost(wal0, await walSnapshot(benchEnv.db), n), seconds));
if (heapSampler) {
  const { profile } = await heapSampler.post('HeapProfiler.stopSampling');
  const total = (node: { selfSize: number; children: unknown[] }): number => node.selfSize + node.children.reduce<number>((a, c) => a + total(c as typeof node), 0);
  console.log(`Node allocated per event: ${(total(profile.head) / n / 1024).toFixed(1)} KB`);
  if (process.env.ALLOC_OUT) (await import('node:fs')).writeFileSync(process.env.ALLOC_OUT, JSON.stringify(profile));
}
times.sort((a, b) => a - b);
console.log(`${n} events in ${seconds.toFixed(2)} s = ${Math.round(n / seconds)}/s; batch ms p50 ${times[Math.floor(times.length / 2)].toFixed(1)} max ${times[times.length - 1].toFixed(1)}; statements ${statements}`);
statements = [...stats.values()].reduce((a, b) => a + b.n, 0);
console.log(`statements per batch ${(statements / times.length).toFixed(1)}; distinct statement texts ${texts.size}`);
if (process.env.TEXTS) for (const [t, c] of [...texts].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(c, t.replace(/\s+/g, ' ').slice(0, 160));
console.table([...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25).map(([k, v]) => ({ statement: k, n: v.n, totalMs: Math.round(v.ms), avgMs: +(v.ms / v.n).toFixed(2) })));
if (process.env.KEEP) console.log(`kept ${benchEnv.databaseUrl}`);
else await benchEnv.drop();
process.exit(0);
