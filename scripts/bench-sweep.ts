/**
 * Scoring sweep benchmark: a fresh database with one club of N profiles (default 200,000) and realistic activity
 * histories (≈ 12 activities a person, generated with set-based SQL), then
 *   - the first sweep (every profile gets its first scores: history rows and crm.profile.updated for all),
 *   - the next night's sweep (only real changes are written),
 * each with its duration and profiles per second, and the plan of the facts query (it must use the activities
 * timeline index). Prints a report, or one JSON line with --json. The database is dropped at the end.
 *
 *   npx tsx scripts/bench-sweep.ts [--profiles 200000] [--batch-size 2000] [--json] [--keep]
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createDb, type Database } from '@/server/db/client';
import { ensureDatabase, migrateDatabase } from '@/server/db/migrate';
import { env } from '@/server/env';
import { DAY_MS } from '@/server/scoring/facts';
import { scoringFactsQuery } from '@/server/scoring/load-facts';
import { DEFAULT_SWEEP_BATCH, DEFAULT_SWEEP_LANES, runSweep, type SweepResult } from '@/server/scoring/sweep';
import { withoutIndexes } from './bench/bulk-load';

const TENANT = 'bench-club';
/** The night swept; every generated history is relative to it. */
const AS_OF = new Date('2026-06-01T00:00:00Z');

const program = new Command()
  .name('bench-sweep')
  .option('--profiles <n>', 'profiles in the club', (v) => Number.parseInt(v, 10), 200_000)
  .option('--batch-size <n>', 'profiles per sweep batch', (v) => Number.parseInt(v, 10), DEFAULT_SWEEP_BATCH)
  .option('--lanes <n>', 'batches in flight at once', (v) => Number.parseInt(v, 10), DEFAULT_SWEEP_LANES)
  .option('--json', 'print one JSON line instead of the report')
  .option('--keep', 'keep the database (its name is printed)')
  .parse();
const opts = program.opts<{ profiles: number; batchSize: number; lanes: number; json?: boolean; keep?: boolean }>();

function log(message: string) {
  if (!opts.json) console.error(message);
}

async function timed<T>(label: string, fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await fn();
  const ms = performance.now() - start;
  log(`  ${label}: ${(ms / 1000).toFixed(1)} s`);
  return [result, ms];
}

/**
 * Five kinds of people, by n mod 20 (profile ids are md5-derived from n, so every statement can name them):
 *   0–3   regular golfers: a booking and its round every 14 days for 180 days, two opens, a payment (some no-shows)
 *   4–6   lapsing golfers: the same rhythm (and newsletter opens) until they stopped 10–70 days ago; some failed
 *         payments and downgrades
 *   7–11  email readers: a monthly campaign for 6 months, the latest 3 opened, one click
 *   12–15 social members: joined, invoiced twice (half never paid the second), two campaigns
 *   16–19 dormant: two updates 200–300 days ago (outside the scan), a few hard bounces; long-lapsed golfers
 */
async function generate(db: Database, n: number): Promise<number> {
  const asOf = AS_OF.toISOString();
  const pid = sql.raw(`md5('p' || n)::uuid`);
  const day = (expr: string) => sql.raw(`(${expr}) * interval '1 day'`);
  await db.execute(sql`insert into tenants (id, name, time_zone) values (${TENANT}, 'Bench Golf Club', 'Africa/Johannesburg')`);
  await timed(`${n.toLocaleString()} profiles`, () =>
    db.execute(sql`
      insert into profiles (id, tenant_id, display_name, status, lifecycle_stage, lifetime_value, last_booking_at,
        last_activity_at, created_at)
      select ${pid}, ${TENANT}, 'Member ' || n, case when n % 50 = 0 then 'INACTIVE' else 'ACTIVE' end, 'MEMBER',
        case when n % 20 < 7 then 50000 + (n % 5) * 10000 when n % 20 < 16 then 15000 else 0 end,
        case when n % 20 >= 16 then ${asOf}::timestamptz - ${day('250 + n % 100')} end,
        case when n % 20 >= 16 then ${asOf}::timestamptz - ${day('200 + n % 100')} end,
        ${asOf}::timestamptz - interval '400 days'
      from generate_series(1, ${n}) n`),
  );

  const statements: [string, ReturnType<typeof sql>][] = [
    [
      'golf (regular and lapsing)',
      sql`
        insert into activities (tenant_id, profile_id, source, source_event_id, event_type, type, title, occurred_at,
          properties)
        select ${TENANT}, ${pid}, 'teetime', 'bk-' || n || '-' || g || '-' || k,
          case k when 0 then 'teetime.booking.created' else 'teetime.booking.completed' end,
          case k when 0 then 'TEETIME_BOOKED' else 'ROUND_PLAYED' end, 'Tee time',
          ${asOf}::timestamptz - ${day('stop + g * 14 + case k when 0 then 2 else 0 end')} - interval '6 hours',
          jsonb_build_object('bookingId', 'bk-' || n || '-' || g)
        from generate_series(1, ${n}) n
        cross join lateral (select case when n % 20 < 4 then n % 14 else 10 + n % 60 end as stop) s
        cross join generate_series(0, 12) g
        cross join (values (0), (1)) kinds(k)
        where n % 20 < 7 and s.stop + g * 14 < 180`,
    ],
    [
      'campaigns, opens and clicks',
      sql`
        insert into activities (tenant_id, profile_id, source, source_event_id, event_type, type, title, occurred_at,
          properties)
        select ${TENANT}, ${pid}, 'messaging', 'msg-' || n || '-' || g || '-' || e.type, e.event_type, e.type, e.type,
          ${asOf}::timestamptz - ${day('g * 30 + n % 30')} + e.after,
          jsonb_build_object('channel', 'EMAIL', 'campaignId', 'c' || g, 'messageId', 'm-' || n || '-' || g)
        from generate_series(1, ${n}) n
        cross join generate_series(0, 5) g
        cross join (values
          ('CAMPAIGN_RECEIVED', 'messaging.campaign.sent', interval '0'),
          ('EMAIL_OPENED', 'messaging.email.opened', interval '3 hours'),
          ('EMAIL_CLICKED', 'messaging.email.clicked', interval '4 hours')) e(type, event_type, after)
        where (n % 20 between 7 and 11 and (e.type = 'CAMPAIGN_RECEIVED' or (e.type = 'EMAIL_OPENED' and g < 3)
                 or (e.type = 'EMAIL_CLICKED' and g = 0)))
           or (n % 20 < 4 and e.type = 'EMAIL_OPENED' and g < 2)
           -- Lapsing golfers read the newsletter until they stopped playing.
           or (n % 20 between 4 and 6 and e.type = 'EMAIL_OPENED' and g * 30 + n % 30 > 10 + n % 60)
           or (n % 20 between 12 and 15 and e.type = 'CAMPAIGN_RECEIVED' and g < 2)`,
    ],
    [
      'membership: joins, invoices, payments, failures, downgrades',
      sql`
        insert into activities (tenant_id, profile_id, source, source_event_id, event_type, type, title, occurred_at,
          properties)
        select ${TENANT}, ${pid}, 'scl', 'scl-' || n || '-' || x.tag, x.event_type, x.type, x.type,
          ${asOf}::timestamptz - ${day('x.days_ago')}, x.props
        from generate_series(1, ${n}) n
        cross join lateral (values
          (n % 20 < 4, 'pay', 'scl.payment.received', 'PAYMENT_RECEIVED', 20 + n % 40,
            jsonb_build_object('paymentId', 'pay-' || n, 'amount', 45000)),
          (n % 20 between 4 and 6 and n % 3 = 0, 'fail', 'scl.payment.failed', 'PAYMENT_FAILED', n % 40,
            jsonb_build_object('paymentId', 'fail-' || n, 'amount', 45000)),
          (n % 20 between 4 and 6 and n % 5 = 0, 'tier', 'scl.member.tier.changed', 'TIER_CHANGED', 30,
            jsonb_build_object('downgrade', true, 'previousTier', 'Gold', 'newTier', 'Social')),
          (n % 20 between 12 and 15, 'join', 'scl.member.created', 'MEMBER_CREATED', 170, '{}'::jsonb),
          (n % 20 between 12 and 15, 'inv1', 'scl.invoice.sent', 'INVOICE_SENT', 120,
            jsonb_build_object('invoiceId', 'inv1-' || n, 'amount', 15000,
              'dueDate', to_char(${asOf}::timestamptz - interval '90 days', 'YYYY-MM-DD'))),
          (n % 20 between 12 and 15, 'pay1', 'scl.payment.received', 'PAYMENT_RECEIVED', 100,
            jsonb_build_object('paymentId', 'pay1-' || n, 'amount', 15000, 'invoiceId', 'inv1-' || n)),
          (n % 20 between 12 and 15, 'inv2', 'scl.invoice.sent', 'INVOICE_SENT', 60,
            jsonb_build_object('invoiceId', 'inv2-' || n, 'amount', 15000,
              'dueDate', to_char(${asOf}::timestamptz - interval '30 days', 'YYYY-MM-DD'))),
          (n % 20 between 12 and 15 and n % 2 = 0, 'pay2', 'scl.payment.received', 'PAYMENT_RECEIVED', 40,
            jsonb_build_object('paymentId', 'pay2-' || n, 'amount', 15000, 'invoiceId', 'inv2-' || n))
        ) x(wanted, tag, event_type, type, days_ago, props)
        where x.wanted`,
    ],
    [
      'no-shows, bounces, old updates',
      sql`
        insert into activities (tenant_id, profile_id, source, source_event_id, event_type, type, title, occurred_at,
          properties)
        select ${TENANT}, ${pid}, x.source, 'misc-' || n || '-' || x.tag, x.event_type, x.type, x.type,
          ${asOf}::timestamptz - ${day('x.days_ago')}, x.props
        from generate_series(1, ${n}) n
        cross join lateral (values
          (n % 20 < 4 and n % 10 = 0, 'noshow', 'teetime', 'teetime.booking.noshow', 'BOOKING_NO_SHOW', 12,
            jsonb_build_object('bookingId', 'ns-' || n)),
          (n % 20 >= 16, 'upd1', 'scl', 'scl.member.updated', 'MEMBER_UPDATED', 200 + n % 100, '{}'::jsonb),
          (n % 20 >= 16, 'upd2', 'teetime', 'teetime.player.updated', 'PLAYER_UPDATED', 210 + n % 100, '{}'::jsonb),
          (n % 20 >= 16 and n % 10 = 6, 'bounce', 'messaging', 'messaging.message.bounced', 'MESSAGE_BOUNCED', 20,
            jsonb_build_object('channel', 'EMAIL', 'bounceType', 'hard'))
        ) x(wanted, tag, source, event_type, type, days_ago, props)
        where x.wanted`,
    ],
  ];
  const rebuildMs = await withoutIndexes(db, 'activities', async () => {
    for (const [label, statement] of statements) await timed(label, () => db.execute(statement));
  });
  log(`  indexes and foreign keys rebuilt: ${(rebuildMs / 1000).toFixed(1)} s`);
  // What autovacuum would long have done in a live database: statistics, visibility map and hint bits.
  await timed('vacuum analyze', () => db.execute(sql`vacuum analyze`));
  const [{ total }] = await db.execute<{ total: number }>(sql`select count(*)::int as total from activities`);
  return total;
}

/** The facts query for one batch, explained: which index reads activities. */
async function factsPlan(db: Database, batchSize: number): Promise<string> {
  const ids = await db.execute<{ id: string }>(
    sql`select id from profiles where tenant_id = ${TENANT} order by id limit ${batchSize}`,
  );
  const rows = await db.execute<{ 'QUERY PLAN': string }>(
    sql`explain ${scoringFactsQuery({ tenantId: TENANT, profileIds: ids.map((r) => r.id), now: AS_OF })}`,
  );
  return rows
    .map((r) => r['QUERY PLAN'].trim())
    .filter((line) => /on activities/.test(line))
    .map((line) => line.replace(/^->\s*/, '').replace(/\s+\(cost.*$/, ''))
    .join('; ');
}

async function sweep(db: Database, label: string, asOf: Date): Promise<SweepResult & { loadAverage: number }> {
  let nextReport = 0.2;
  const loadBefore = loadavg()[0];
  const result = await runSweep(db, {
    tenantId: TENANT,
    asOf,
    batchSize: opts.batchSize,
    lanes: opts.lanes,
    onProgress: ({ processed, total }) => {
      if (processed / total >= nextReport) {
        log(`    ${label}: ${processed.toLocaleString()} / ${total.toLocaleString()}`);
        nextReport += 0.2;
      }
    },
  });
  // The machine is shared: the 1-minute load average around the run says how much of it the sweep had.
  const loadAverage = Math.round(((loadBefore + loadavg()[0]) / 2) * 10) / 10;
  log(`  ${label}: ${(result.durationMs / 1000).toFixed(1)} s, ${rate(result)} profiles/s, ${result.changed} changed`);
  return { ...result, loadAverage };
}

const rate = (r: SweepResult) => Math.round(r.processed / (r.durationMs / 1000));
const figuresOf = (r: SweepResult & { loadAverage: number }) => ({
  seconds: r.durationMs / 1000,
  profilesPerSecond: rate(r),
  changed: r.changed,
  loadAverage: r.loadAverage,
});

async function main() {
  const base = new URL(env().DATABASE_URL);
  const name = `crm_bench_sweep_${randomBytes(4).toString('hex')}`;
  const url = new URL(base);
  url.pathname = `/${name}`;
  await ensureDatabase(url.toString());
  await migrateDatabase(url.toString());
  const db = createDb({ url: url.toString(), max: 4, owner: true });
  try {
    log(`database ${name}: generating`);
    const [activityCount, loadMs] = await timed('load total', () => generate(db, opts.profiles));
    const plan = await factsPlan(db, opts.batchSize);
    log(`facts query reads activities via: ${plan}`);

    log('sweeping');
    const first = await sweep(db, 'first sweep', AS_OF);
    const next = await sweep(db, 'next night', new Date(AS_OF.getTime() + DAY_MS));
    const [{ high, changed }] = await db.execute<{ high: number; changed: number }>(sql`
      select count(*) filter (where type = 'crm.churn.risk.high')::int as high,
             count(*) filter (where type = 'crm.churn.risk.changed')::int as changed from outbox`);
    const levels = await db.execute<{ level: string; n: number }>(sql`
      select churn_risk_level as level, count(*)::int as n from profiles where tenant_id = ${TENANT}
      group by 1 order by min(churn_risk_score)`);

    const figures = {
      profiles: opts.profiles,
      activities: activityCount,
      batchSize: opts.batchSize,
      lanes: opts.lanes,
      cores: availableParallelism(),
      loadSeconds: Math.round(loadMs / 100) / 10,
      firstSweep: figuresOf(first),
      nextNight: figuresOf(next),
      outbox: { churnRiskHigh: high, churnRiskChanged: changed },
      churnLevels: Object.fromEntries(levels.map((l) => [l.level, l.n])),
      factsPlan: plan,
      usesTimelineIndex: plan.includes('activities_timeline_idx'),
    };
    if (opts.json) {
      console.log(JSON.stringify(figures));
    } else {
      const line = (label: string, f: ReturnType<typeof figuresOf>) =>
        console.log(
          `  ${label} ${f.seconds.toFixed(1)} s — ${f.profilesPerSecond.toLocaleString()} profiles/s ` +
            `(${f.changed.toLocaleString()} changed; load average ${f.loadAverage} on ${figures.cores} cores)`,
        );
      console.log(
        `Sweep of ${opts.profiles.toLocaleString()} profiles (${activityCount.toLocaleString()} activities), ` +
          `batches of ${opts.batchSize}, ${opts.lanes} in flight`,
      );
      line('first sweep:', figures.firstSweep);
      line('next night: ', figures.nextNight);
      console.log(`  churn levels: ${JSON.stringify(figures.churnLevels)}; outbox: ${high} high, ${changed} changed`);
      console.log(`  facts query: ${plan}`);
    }
  } finally {
    await db.$client.end({ timeout: 5 });
    if (opts.keep) {
      log(`kept database ${name}`);
    } else {
      const maintenance = new URL(base);
      maintenance.pathname = '/postgres';
      const admin = postgres(maintenance.toString(), { max: 1, onnotice: () => {} });
      await admin.unsafe(`drop database if exists "${name}" with (force)`).finally(() => admin.end());
    }
  }
}

await main();
