import { sql } from 'drizzle-orm';
import type { Database, Tx } from '@/server/db/client';
import { withTenant } from '@/server/db/scope';
import { isTransientDbError } from '@/server/errors';
import { rescoreProfiles, type ScoreChange } from './rescore';

export const DEFAULT_SWEEP_BATCH = 2000;
/** Batches in flight at once: one per core here, so the database and the scoring overlap. */
export const DEFAULT_SWEEP_LANES = 2;
/** A batch that hits a deadlock or serialization failure is simply run again, this many times in all. */
const BATCH_TRIES = 3;

export type SweepStatus = 'RUNNING' | 'DONE' | 'FAILED';

export interface SweepProgress {
  runId: string;
  processed: number;
  total: number;
  /** Profiles of the batch just committed, and how many of them changed score or level. */
  batchSize: number;
  batchChanged: number;
  batchMs: number;
}

export interface SweepOptions {
  tenantId: string;
  /** The instant every profile is scored at; one sweep_runs row per (tenant, asOf). */
  asOf: Date;
  batchSize?: number;
  /** Batches committed concurrently, each in its own transaction on its own connection. */
  lanes?: number;
  /** Called after each committed batch. */
  onProgress?: (progress: SweepProgress) => void | Promise<void>;
  /** Runs inside each batch's transaction after rescoring (e.g. segment membership for the changed profiles). */
  afterBatch?: (
    tx: Tx,
    batch: { tenantId: string; now: Date; correlationId: string; changes: Map<string, ScoreChange> },
  ) => Promise<void>;
  /** Stops between batches; the run stays RUNNING with its cursor, and the next run for the same asOf resumes. */
  signal?: AbortSignal;
}

export interface SweepResult {
  runId: string;
  /** INTERRUPTED: stopped by the signal before the end; run again to resume. */
  status: 'DONE' | 'INTERRUPTED';
  processed: number;
  total: number;
  /** Profiles whose score or level changed in this call (not counting batches of earlier, crashed calls). */
  changed: number;
  durationMs: number;
}

interface RunRow extends Record<string, unknown> {
  id: string;
  status: SweepStatus;
  cursor: string | null;
  processed: number;
  total: number;
}

/** Outbound events of a sweep carry this as their correlation id: stable across resumes of the same run. */
export function sweepCorrelationId(runId: string): string {
  return `sweep-${runId}`;
}

/**
 * Rescores every ACTIVE and INACTIVE profile of a tenant as of `asOf`, in batches of profile ids taken in keyset
 * order, one transaction per batch, `lanes` batches at a time. The run's cursor in sweep_runs only ever covers
 * batches that committed (it moves in the committing batch's own transaction), so a crashed sweep resumes after
 * them and redoes at most the few batches that were in flight — harmlessly, since rescoring at the same asOf
 * finds nothing changed and writes nothing. A finished run is not run again. Every statement runs in the tenant's
 * scope (row-level security), each batch in a transaction of its own, so it takes the database, not a transaction.
 */
export async function runSweep(db: Database, options: SweepOptions): Promise<SweepResult> {
  const started = performance.now();
  const { tenantId, asOf, signal } = options;
  const batchSize = options.batchSize ?? DEFAULT_SWEEP_BATCH;
  const inTenant = <T>(fn: (tx: Tx) => Promise<T>) => withTenant(db, tenantId, fn);
  const run = await inTenant((tx) => startRun(tx, tenantId, asOf));
  const ledger = new BatchLedger(run.cursor, run.processed);
  const result = (status: SweepResult['status'], changed: number): SweepResult => ({
    runId: run.id,
    status,
    processed: ledger.processed,
    total: Math.max(run.total, ledger.processed),
    changed,
    durationMs: Math.round(performance.now() - started),
  });
  if (run.status === 'DONE') return result('DONE', 0);

  const correlationId = sweepCorrelationId(run.id);
  let changed = 0;
  let failure: { error: unknown } | null = null;
  let exhausted = false;

  // Claims are taken one at a time so batches never overlap and stay in id order.
  let claiming: Promise<unknown> = Promise.resolve();
  const claimNext = (): Promise<Batch | null> => {
    const claim = claiming.then(async () => {
      if (exhausted) return null;
      const ids = await inTenant((tx) => nextIds(tx, tenantId, ledger.claimedUpTo, batchSize));
      if (ids.length === 0) exhausted = true;
      return ids.length === 0 ? null : ledger.claim(ids);
    });
    claiming = claim.catch(() => undefined);
    return claim;
  };

  const lane = async () => {
    while (!signal?.aborted && !failure) {
      const batch = await claimNext();
      if (!batch) return;
      const batchStarted = performance.now();
      const batchChanged = await withRetry(() =>
        inTenant(async (tx) => {
          // Settings for this transaction only (it is the sweep's own). The facts query of a big batch looks
          // expensive enough to the planner to JIT-compile it, which costs more than running it. And a batch need
          // not wait for its WAL flush: if a crash loses the last commits, the cursor (lost with them) sends the
          // sweep back over those batches, which recomputes the same scores and the same outbound ids.
          await tx.execute(sql`set local jit = off`);
          await tx.execute(sql`set local synchronous_commit = off`);
          const changes = await rescoreProfiles(tx, {
            tenantId,
            profileIds: batch.ids,
            now: asOf,
            correlationId,
            emitProfileUpdated: true,
          });
          await options.afterBatch?.(tx, { tenantId, now: asOf, correlationId, changes });
          const mark = ledger.markIfCommitted(batch);
          if (mark) {
            await tx.execute(sql`
              update sweep_runs set cursor = greatest(cursor, ${mark.cursor}::uuid),
                processed = greatest(processed, ${mark.processed})
              where id = ${run.id}`);
          }
          return changes.size;
        }),
      );
      ledger.committed(batch);
      changed += batchChanged;
      await options.onProgress?.({
        runId: run.id,
        processed: ledger.processed,
        total: Math.max(run.total, ledger.processed),
        batchSize: batch.ids.length,
        batchChanged,
        batchMs: Math.round(performance.now() - batchStarted),
      });
    }
  };

  const lanes = Math.max(1, options.lanes ?? DEFAULT_SWEEP_LANES);
  await Promise.all(
    Array.from({ length: lanes }, () =>
      lane().catch((error) => {
        failure ??= { error };
      }),
    ),
  );
  if (failure) {
    const markFailed = sql`update sweep_runs set status = 'FAILED' where id = ${run.id} and status = 'RUNNING'`;
    await inTenant((tx) => tx.execute(markFailed)).catch(() => undefined);
    throw (failure as { error: unknown }).error;
  }
  if (!exhausted) return result('INTERRUPTED', changed);
  await inTenant((tx) =>
    tx.execute(sql`
      update sweep_runs set status = 'DONE', finished_at = now(), processed = ${ledger.processed},
        cursor = coalesce(${ledger.claimedUpTo}::uuid, cursor)
      where id = ${run.id}`),
  );
  return result('DONE', changed);
}

interface Batch {
  seq: number;
  ids: string[];
  lastId: string;
}

/**
 * Which batches are claimed and which committed. The persisted cursor may only cover the longest run of committed
 * batches from the start (a later batch can commit before an earlier one when lanes run side by side).
 */
class BatchLedger {
  private readonly batches: (Batch & { done: boolean })[] = [];
  /** Batches before this index are all committed. */
  private prefix = 0;
  private committedProfiles = 0;

  constructor(
    private readonly startCursor: string | null,
    private readonly startProcessed: number,
  ) {}

  get claimedUpTo(): string | null {
    return this.batches.at(-1)?.lastId ?? this.startCursor;
  }

  /** Profiles committed so far (this call's batches plus those a crashed call committed before). */
  get processed(): number {
    return this.startProcessed + this.committedProfiles;
  }

  claim(ids: string[]): Batch {
    const batch = { seq: this.batches.length, ids, lastId: ids[ids.length - 1], done: false };
    this.batches.push(batch);
    return batch;
  }

  /** Where the cursor may move once `batch` commits (null if an earlier batch is still open). */
  markIfCommitted(batch: Batch): { cursor: string; processed: number } | null {
    let end = this.prefix;
    let profiles = this.prefixProfiles();
    while (end < this.batches.length && (this.batches[end].done || this.batches[end].seq === batch.seq)) {
      profiles += this.batches[end].ids.length;
      end += 1;
    }
    if (end === this.prefix) return null;
    return { cursor: this.batches[end - 1].lastId, processed: this.startProcessed + profiles };
  }

  committed(batch: Batch): void {
    this.batches[batch.seq].done = true;
    this.committedProfiles += batch.ids.length;
    while (this.prefix < this.batches.length && this.batches[this.prefix].done) this.prefix += 1;
  }

  private prefixProfiles(): number {
    return this.batches.slice(0, this.prefix).reduce((n, b) => n + b.ids.length, 0);
  }
}

/** Creates the run, or picks up the existing one for (tenant, asOf): a FAILED or crashed run resumes. */
async function startRun(db: Tx, tenantId: string, asOf: Date): Promise<RunRow> {
  const [{ total }] = await db.execute<{ total: number }>(sql`
    select count(*)::int as total from profiles where tenant_id = ${tenantId} and status in ('ACTIVE', 'INACTIVE')`);
  const [run] = await db.execute<RunRow>(sql`
    insert into sweep_runs (tenant_id, as_of, status, total)
    values (${tenantId}, ${asOf.toISOString()}::timestamptz, 'RUNNING', ${total})
    on conflict (tenant_id, as_of) do update set
      status = case when sweep_runs.status = 'DONE' then 'DONE' else 'RUNNING' end,
      total = case when sweep_runs.status = 'DONE' then sweep_runs.total else excluded.total end
    returning id, status, cursor, processed, total`);
  return run;
}

/** The next batch of sweepable profile ids after `after`, in id order (keyset on profiles (tenant_id, id)). */
async function nextIds(db: Tx, tenantId: string, after: string | null, limit: number): Promise<string[]> {
  const rows = await db.execute<{ id: string }>(sql`
    select id from profiles
    where tenant_id = ${tenantId} and status in ('ACTIVE', 'INACTIVE') ${after ? sql`and id > ${after}::uuid` : sql``}
    order by id limit ${limit}`);
  return rows.map((r) => r.id);
}

async function withRetry<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      if (attempt >= BATCH_TRIES || !(isTransientDbError(error) || isTransientDbError(cause))) throw error;
    }
  }
}
