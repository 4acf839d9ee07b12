/**
 * The database pipeline alone, without BullMQ: events normalised up front and fed to processBatch in batches.
 * Shows how fast the SQL side is and how many statements a batch costs. KEEP=1 keeps the database (for EXPLAIN).
 *   npx tsx scripts/bench/pipeline-only.ts [events] [batch]
 */
import { createHash } from 'node:crypto';
import { drizzle } from 'drizzle-orm/postgres-js';
import type { Database } from '@/server/db/client';
import * as schema from '@/server/db/schema';
import { generateDemo, toPublishable } from '@/server/demo/generate';
import { normalizeJob } from '@/server/events/normalize';
import { processBatch } from '@/workers/pipeline/process-batch';
import type { EventItem, PipelineItem } from '@/workers/pipeline/types';
import { BENCH_TENANT, freshBenchEnv } from './setup';

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
    return { kind: 'event', jobId: String(i), jobName: name, jobData: data, normalized, bodyHash: createHash('sha256').update(JSON.stringify(normalized.envelope)).digest('hex'), steps: [] };
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
let statements = 0;
const t0 = performance.now();
const times: number[] = [];
for (let i = 0; i < items.length; i += size) {
  const s = performance.now();
  await processBatch(db, items.slice(i, i + size));
  closeLast(performance.now()); last = null;
  times.push(performance.now() - s);
}
const seconds = (performance.now() - t0) / 1000;
times.sort((a, b) => a - b);
console.log(`${n} events in ${seconds.toFixed(2)} s = ${Math.round(n / seconds)}/s; batch ms p50 ${times[Math.floor(times.length / 2)].toFixed(1)} max ${times[times.length - 1].toFixed(1)}; statements ${statements}`);
statements = [...stats.values()].reduce((a, b) => a + b.n, 0);
console.log(`statements per batch ${(statements / times.length).toFixed(1)}; distinct statement texts ${texts.size}`);
if (process.env.TEXTS) for (const [t, c] of [...texts].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(c, t.replace(/\s+/g, ' ').slice(0, 160));
console.table([...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25).map(([k, v]) => ({ statement: k, n: v.n, totalMs: Math.round(v.ms), avgMs: +(v.ms / v.n).toFixed(2) })));
if (process.env.KEEP) console.log(`kept ${benchEnv.databaseUrl}`);
else await benchEnv.drop();
process.exit(0);
