/**
 * Where the pipeline spends its time: average step durations from the sync log of a small in-process run.
 *   npx tsx scripts/bench/profile-steps.ts [events]   (CONCURRENCY, LANES, BATCH override the worker settings)
 */
import { sql } from 'drizzle-orm';
import { generateDemo, toPublishable } from '@/server/demo/generate';
import { createPublisher } from '@/server/events/publisher';
import { logger } from '@/server/logger';
import { startConsumer } from '@/workers/consumer';
import { BENCH_TENANT, freshBenchEnv, waitUntil } from './setup';

const n = Number(process.argv[2] ?? 3000);
const benchEnv = await freshBenchEnv('steps');
const publisher = createPublisher({ prefix: benchEnv.prefix });
const items = generateDemo({ tenantId: BENCH_TENANT, people: Math.ceil(n / 25), seed: 7, now: Date.now() }).items.slice(0, n);
await publisher.publishMany(items.map(toPublishable));
await publisher.close();
const t0 = performance.now();
const consumer = startConsumer({ databaseUrl: benchEnv.databaseUrl, logger, prefix: benchEnv.prefix, concurrency: Number(process.env.CONCURRENCY ?? 50), lanes: Number(process.env.LANES ?? 4), maxBatch: Number(process.env.BATCH ?? 50) });
await waitUntil(async () => {
  const [r] = await benchEnv.db.execute<{ n: number }>(sql`select count(*)::int as n from sync_log where status in ('SUCCESS','DEAD_LETTERED')`);
  return r.n >= n;
}, 600_000);
const seconds = (performance.now() - t0) / 1000;
console.log(`${n} events in ${seconds.toFixed(1)} s = ${Math.round(n / seconds)}/s`);
const rows = await benchEnv.db.execute(sql`
  select regexp_replace(s->>'step', ' \\(batch of \\d+\\)', '') as step, round(avg((s->>'ms')::numeric), 2) as avg_ms, count(*)::int as n
  from sync_log, jsonb_array_elements(steps) s group by 1 order by 2 desc`);
console.table(rows);
const [b] = await benchEnv.db.execute(sql`
  select round(avg(substring(s->>'step' from 'batch of (\\d+)')::int), 1) as avg_batch_size_per_event
  from sync_log, jsonb_array_elements(steps) s where s->>'step' like 'prefetch%'`);
console.log(b);
await consumer.close();
await benchEnv.drop();
process.exit(0);
