/**
 * Segment evaluation benchmark: a fresh database with N profiles (default 200,000) of one club, inserted in bulk
 * (scripts/bench/seed-club.ts), then
 *   - the count of each system segment (compiled SQL, p50 / p95 over --runs runs),
 *   - the full recompute of each system segment (first run: every member enters; second run: nothing changes),
 *   - updateMemberships for one profile touching every field (the per-event cost in the pipeline).
 * Prints a table, or one JSON line with --json. The database is dropped at the end.
 *
 *   npx tsx scripts/bench-segments.ts [--profiles 200000] [--runs 20] [--json] [--keep]
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import { count, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createDb, type Database } from '@/server/db/client';
import { ensureDatabase, migrateDatabase } from '@/server/db/migrate';
import { profiles, tenants } from '@/server/db/schema';
import { env } from '@/server/env';
import { segmentWhere } from '@/server/segments/compile';
import { validateCriteria } from '@/server/segments/criteria';
import { updateMemberships } from '@/server/segments/membership';
import { recomputeSegment } from '@/server/segments/recompute';
import { ensureSystemSegments } from '@/server/segments/system';
import { seedClub } from './bench/seed-club';

const TENANT = 'bench-club';

interface SegmentFigures {
  name: string;
  members: number;
  countP50Ms: number;
  countP95Ms: number;
  recomputeMs: number;
  recomputeUnchangedMs: number;
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await fn();
  return [result, performance.now() - start];
}

/** The shared bench club (scripts/bench/seed-club.ts): the demo cast's people with what the pipeline derives. */
async function insertProfiles(db: Database, n: number): Promise<void> {
  await seedClub(db, { tenantId: TENANT, profiles: n });
  await db.execute(sql`vacuum analyze profiles`);
}

async function bench(db: Database, n: number, runs: number) {
  await db.insert(tenants).values({ id: TENANT, name: 'Bench Golf Club' });
  const [, insertMs] = await timed(() => insertProfiles(db, n));
  const { segments } = await ensureSystemSegments(db, TENANT);
  const now = new Date();
  const figures: SegmentFigures[] = [];
  for (const segment of segments) {
    const checked = validateCriteria(segment.criteria);
    if (!checked.ok) throw new Error(`system segment ${segment.name} is invalid`);
    const where = segmentWhere(TENANT, checked.criteria, now);
    const countOnce = () => db.select({ n: count() }).from(profiles).where(where);
    await countOnce(); // warm-up
    const samples: number[] = [];
    let members = 0;
    for (let i = 0; i < runs; i += 1) {
      const [[row], ms] = await timed(countOnce);
      members = row.n;
      samples.push(ms);
    }
    const [, recomputeMs] = await timed(() => recomputeSegment(db, { tenantId: TENANT, segmentId: segment.id, now }));
    const [, recomputeUnchangedMs] = await timed(() =>
      recomputeSegment(db, { tenantId: TENANT, segmentId: segment.id, now }),
    );
    figures.push({
      name: segment.name,
      members,
      countP50Ms: percentile(samples, 50),
      countP95Ms: percentile(samples, 95),
      recomputeMs,
      recomputeUnchangedMs,
    });
  }

  // Per-event cost: one profile, every segment re-evaluated, inside a transaction (rolled back to keep data fixed).
  const sampleIds = await db.execute<{ id: string }>(
    sql`select id from profiles where tenant_id = ${TENANT} order by id limit ${Math.max(runs * 5, 50)}`,
  );
  const perEvent: number[] = [];
  for (const { id } of sampleIds) {
    const [, ms] = await timed(() =>
      db
        .transaction(async (tx) => {
          await updateMemberships(tx, { tenantId: TENANT, profileIds: [id], touchedFields: 'all', at: now, correlationId: null });
          tx.rollback();
        })
        .catch(() => {}),
    );
    perEvent.push(ms);
  }
  return {
    profiles: n,
    /** The machine is shared: the 1-minute load average at the end says how quiet it was. */
    loadAverage: Number(loadavg()[0].toFixed(2)),
    insertMs,
    segments: figures,
    updateMembershipsP50Ms: percentile(perEvent, 50),
    updateMembershipsP95Ms: percentile(perEvent, 95),
  };
}

function printTable(result: Awaited<ReturnType<typeof bench>>, runs: number) {
  const f = (ms: number) => ms.toFixed(1).padStart(9);
  console.log(`Segment evaluation over ${result.profiles.toLocaleString('en')} profiles (inserted in ${(result.insertMs / 1000).toFixed(1)} s)`);
  console.log(
    `${'segment'.padEnd(32)} ${'members'.padStart(8)} ${'count p50'.padStart(9)} ${'p95'.padStart(9)} ${'recompute'.padStart(9)} ${'no-change'.padStart(9)}   (ms; count over ${runs} runs)`,
  );
  for (const s of result.segments) {
    console.log(
      `${s.name.padEnd(32)} ${String(s.members).padStart(8)} ${f(s.countP50Ms)} ${f(s.countP95Ms)} ${f(s.recomputeMs)} ${f(s.recomputeUnchangedMs)}`,
    );
  }
  console.log(`1-minute load average at the end: ${result.loadAverage}`);
  console.log(
    `updateMemberships, one profile, all segments: p50 ${result.updateMembershipsP50Ms.toFixed(2)} ms, p95 ${result.updateMembershipsP95Ms.toFixed(2)} ms`,
  );
}

async function main() {
  const program = new Command()
    .name('bench-segments')
    .option('--profiles <n>', 'profiles to insert', (v) => Number.parseInt(v, 10), 200_000)
    .option('--runs <n>', 'timed runs per count', (v) => Number.parseInt(v, 10), 20)
    .option('--json', 'print one JSON line instead of a table', false)
    .option('--keep', 'keep the database afterwards (its name is printed) to look at query plans', false)
    .parse();
  const opts = program.opts<{ profiles: number; runs: number; json: boolean; keep: boolean }>();

  const url = new URL(env().DATABASE_URL);
  const name = `crm_bench_segments_${randomBytes(4).toString('hex')}`;
  url.pathname = `/${name}`;
  await ensureDatabase(url.toString());
  let db: Database | null = null;
  try {
    await migrateDatabase(url.toString());
    db = createDb({ url: url.toString(), max: 4, owner: true });
    const result = await bench(db, opts.profiles, opts.runs);
    if (opts.json) console.log(JSON.stringify(result));
    else printTable(result, opts.runs);
  } finally {
    await db?.$client.end({ timeout: 5 });
    if (opts.keep) {
      console.error(`kept database ${name}`);
      return;
    }
    const admin = new URL(url);
    admin.pathname = '/postgres';
    const client = postgres(admin.toString(), { max: 1, onnotice: () => {} });
    try {
      await client.unsafe(`drop database if exists "${name}" with (force)`);
    } finally {
      await client.end();
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
