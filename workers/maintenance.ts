import { sql, type SQLWrapper } from 'drizzle-orm';
import type { Database } from '@/server/db/client';
import { errorMessage } from '@/server/errors';
import type { Logger } from '@/server/logger';

/**
 * Often enough that a table growing from empty (a new club's backlog) is analyzed within seconds and the profiles
 * every batch rewrites are vacuumed before their dead versions pile up: statement plans are cached per connection and
 * made again after each ANALYZE, and a plan made on a near-empty table scans it whole.
 */
const EVERY_MS = 5_000;

export interface TableActivity {
  table: string;
  live: number;
  dead: number;
  modifiedSinceAnalyze: number;
  /** Live rows when this process last analyzed the table; null when it has not (yet). */
  liveAtLastAnalyze: number | null;
  /** Since the table's last analyze by anyone; null if it never had one. */
  msSinceAnalyze: number | null;
}

/** A table whose size holds still is analyzed at most this often, however much its rows change. */
export const RESAMPLE_STILL_TABLE_MS = 10 * 60_000;

/**
 * What a table needs: a vacuum once the dead row versions pass 1,000 + 20 % of the live rows (autovacuum's own scale
 * factor, with a floor of 1,000 rows), an analyze once the changes since the last one pass 1,000 + 50 % and the last
 * sample is stale (below); both when both are due. The pipeline rewrites every profile a batch touches, so without
 * vacuums `profiles` holds ten dead versions per live row within minutes and every lock, read and write-back of a
 * profile slows down with it. Not sooner: each vacuum of `profiles` reads every page and every index, the trigram index
 * among them (a backfill of new people touches every page between two vacuums), and at 10 % a 60,000-person backfill
 * spent a fifth of Postgres's statement time vacuuming it, ~0.8 s every ~7 s. Analyzing is for plans, and the
 * pipeline's hot look-ups are index probes whatever the plan; autovacuum's 10 % analyzed a backlog's growing sync log
 * and activities every 5 s, up to 0.7 s of a core each time (a 30,000-row sample with its jsonb columns). A vacuum does
 * not analyze on its own account: live traffic has `profiles` past its dead-row mark every few seconds, and an analyze
 * each time sampled the whole table and made every connection plan its statements on profiles again.
 */
export function maintenanceFor(t: TableActivity): 'vacuum' | 'vacuum analyze' | 'analyze' | null {
  const vacuum = t.dead > 1000 + 0.2 * t.live;
  const analyze = t.modifiedSinceAnalyze > 1000 + 0.5 * t.live && sampleIsStale(t);
  if (vacuum) return analyze ? 'vacuum analyze' : 'vacuum';
  return analyze ? 'analyze' : null;
}

/**
 * Whether the last sample can no longer stand for the table: it never had one, this process has not sampled it, its
 * size moved by a quarter since, or it is ten minutes old. Changes alone are not enough: `profiles`, their rankings
 * and the outbox change thousands of rows a minute at a steady size, and each analyze cost Postgres a core for up to
 * 0.2 s and made every connection plan its statements on the table again (in a live soak, each stretch of slow
 * events followed one, as they did the analyze of the growing sync log and activities).
 */
function sampleIsStale(t: TableActivity): boolean {
  if (t.msSinceAnalyze === null || t.liveAtLastAnalyze === null) return true;
  if (Math.abs(t.live - t.liveAtLastAnalyze) >= 0.25 * Math.max(t.liveAtLastAnalyze, 1000)) return true;
  return t.msSinceAnalyze >= RESAMPLE_STILL_TABLE_MS;
}

const STATEMENTS = {
  vacuum: (table: SQLWrapper) => sql`vacuum (skip_locked) ${table}`,
  'vacuum analyze': (table: SQLWrapper) => sql`vacuum (analyze, skip_locked) ${table}`,
  analyze: (table: SQLWrapper) => sql`analyze (skip_locked) ${table}`,
};

/**
 * Stands in for autovacuum when the server runs without it (`autovacuum = off`, as on this project's CI machines):
 * every 5 s, vacuums (and analyzes) or analyzes the tables that need it, one at a time. With autovacuum on it does
 * nothing but check again later. VACUUM needs the tables' owner, so `ownerDb` connects as the URL's own user
 * (createDb({ owner: true })); SKIP_LOCKED lets a second worker process pass over a table the first is vacuuming.
 */
export function startMaintenance(options: { ownerDb: Database; logger: Logger; everyMs?: number }) {
  const { ownerDb, logger } = options;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const liveAtAnalyze = new Map<string, number>();

  async function pass(): Promise<void> {
    const [setting] = await ownerDb.execute<{ autovacuum: string }>(sql`select current_setting('autovacuum') as autovacuum`);
    if (setting?.autovacuum === 'on') return;
    const tables = await ownerDb.execute<{ table: string; live: number; dead: number; modified: number; since_analyze_ms: number | null }>(sql`
      select relname as table, n_live_tup::int as live, n_dead_tup::int as dead, n_mod_since_analyze::int as modified,
        (extract(epoch from now() - greatest(last_analyze, last_autoanalyze)) * 1000)::float8 as since_analyze_ms
      from pg_stat_user_tables where schemaname = 'public' order by n_dead_tup desc`);
    for (const t of tables) {
      if (stopped) return;
      const needed = maintenanceFor({
        table: t.table,
        live: t.live,
        dead: t.dead,
        modifiedSinceAnalyze: t.modified,
        liveAtLastAnalyze: liveAtAnalyze.get(t.table) ?? null,
        msSinceAnalyze: t.since_analyze_ms,
      });
      if (!needed) continue;
      const started = performance.now();
      const name = sql.identifier(t.table);
      await ownerDb.execute(STATEMENTS[needed](name));
      if (needed !== 'vacuum') liveAtAnalyze.set(t.table, t.live);
      logger.info({ table: t.table, action: needed, dead: t.dead, live: t.live, ms: Math.round(performance.now() - started) }, 'table maintenance');
    }
  }

  const timer = setInterval(() => {
    running = running.then(() =>
      pass().catch((error: unknown) => logger.warn({ err: { message: errorMessage(error) } }, 'table maintenance failed; next pass')),
    );
  }, options.everyMs ?? EVERY_MS);
  timer.unref();

  return {
    /** Runs one pass now, after any pass in progress; its failure is the caller's, the timer's passes go on. */
    runOnce(): Promise<void> {
      const pass$ = running.then(pass);
      running = pass$.catch(() => {});
      return pass$;
    },
    async close() {
      stopped = true;
      clearInterval(timer);
      await running.catch(() => {});
    },
  };
}
