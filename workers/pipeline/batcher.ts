import type { Database } from '@/server/db/client';
import type { StepTiming } from '@/server/db/schema';
import { errorMessage, isConnectivityError, isTransientDbError } from '@/server/errors';
import type { Logger } from '@/server/logger';
import { LaneRouter } from './lanes';
import { processBatch } from './process-batch';
import type { ItemOutcome, PipelineItem } from './types';

interface Pending {
  item: PipelineItem;
  /** The lane its identifiers routed it to: a batch that took it from there gives it back there if it defers it. */
  lane: number;
  /** performance.now() when submitted: the wait for a lane is recorded as the event's batch_wait step. */
  submittedAt: number;
  resolve: (outcome: ItemOutcome) => void;
  reject: (error: unknown) => void;
  /** Batches that left it for the next one (another worker held its person). */
  deferrals: number;
}

export interface BatcherOptions {
  db: Database;
  logger: Logger;
  /** Parallel transactions. */
  lanes: number;
  /** Most events in one transaction. */
  maxBatch: number;
  /** Test hook: runs before each batch transaction. */
  beforeBatch?: (items: PipelineItem[]) => Promise<void> | void;
}

const TRANSIENT_RETRIES = 5;
/**
 * A batch passes over people another worker's transaction holds (they go first into the next batch), unless one of
 * its events was passed over this often already: then it waits for the locks, so every event gets its turn.
 */
const MAX_DEFERRALS = 3;
/** Longest a lane's events wait for a full batch while another lane runs; then they go in a batch of their own. */
const MAX_LANE_WAIT_MS = 1_000;

/**
 * Amortises commits: events submitted while a lane's transaction runs wait and go together into its next one.
 * At low rates a batch is one event (no added latency); under load batches fill up to `maxBatch`. A failed batch
 * is split so each event's failure stays its own.
 *
 * With several lanes, events are routed to lanes by person (LaneRouter), but a lane opens a second transaction only
 * for a full batch: while the others are idle it serves every lane's queue, its own first, as one lane would. Live
 * traffic thus keeps one transaction's whole batches (two lanes that each took half of them cost 2.4 times the p99
 * in a soak at 1,216 events/s), and a backlog, where every lane has a full batch waiting, runs them side by side on
 * the CPU one transaction leaves idle while it waits for Postgres.
 */
export class Batcher {
  private readonly queues: Pending[][];
  private readonly busy: boolean[];
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly router: LaneRouter;

  constructor(private readonly options: BatcherOptions) {
    this.queues = Array.from({ length: options.lanes }, () => []);
    this.busy = Array.from({ length: options.lanes }, () => false);
    this.router = new LaneRouter(options.lanes);
  }

  submit(item: PipelineItem): Promise<ItemOutcome> {
    const lane = this.router.laneFor(item);
    return new Promise((resolve, reject) => {
      this.queues[lane].push({ item, lane, submittedAt: performance.now(), resolve, reject, deferrals: 0 });
      this.inFlight++;
      void this.drain(lane);
    });
  }

  /** Resolves when nothing is queued or running (graceful shutdown). */
  async idle(): Promise<void> {
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private settle(count: number) {
    this.inFlight -= count;
    if (this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  private async drain(lane: number): Promise<void> {
    if (this.busy[lane]) return;
    this.busy[lane] = true;
    let ran = false;
    try {
      for (let batch = this.take(lane); batch.length > 0; batch = this.take(lane)) {
        ran = true;
        const deferred = await this.run(batch, lane);
        // Back to their lanes, in their order, ahead of what arrived meanwhile (a person's later events stay behind them).
        for (let n = deferred.length - 1; n >= 0; n--) this.queues[deferred[n].lane].unshift(deferred[n]);
        this.settle(batch.length - deferred.length);
        this.wakeOthers(lane);
      }
    } finally {
      this.busy[lane] = false;
    }
    // Only a lane that ran wakes the others: two idle lanes that each found nothing to take must not wake each other.
    if (ran) this.wakeOthers(lane);
  }

  /**
   * The lane's next batch: a full one of its own whenever it has one; less than that only while no other lane runs
   * (then topped up from the other lanes' queues: one transaction serves them all) or once its oldest event has
   * waited MAX_LANE_WAIT_MS; otherwise none, and a running lane takes its events in its next batch.
   */
  private take(lane: number): Pending[] {
    const max = this.options.maxBatch;
    const own = this.queues[lane];
    if (own.length >= max) return own.splice(0, max);
    const othersRunning = this.busy.some((busy, l) => busy && l !== lane);
    if (othersRunning) return own.length > 0 && performance.now() - own[0].submittedAt >= MAX_LANE_WAIT_MS ? own.splice(0) : [];
    const batch = own.splice(0);
    for (let l = 0; l < this.queues.length && batch.length < max; l++) {
      if (l !== lane) batch.push(...this.queues[l].splice(0, max - batch.length));
    }
    return batch;
  }

  /** Gives the idle lanes with events a turn: a full batch, or (once this one stops) everything. */
  private wakeOthers(lane: number) {
    for (let l = 0; l < this.queues.length; l++) if (l !== lane && !this.busy[l] && this.queues[l].length > 0) void this.drain(l);
  }

  /** Runs one batch; returns the events it deferred, still pending. */
  private async run(batch: Pending[], lane: number, { mayDefer = true } = {}): Promise<Pending[]> {
    const startedAt = performance.now();
    const items: PipelineItem[] = [];
    let yieldLocked = mayDefer;
    for (const p of batch) {
      items.push(p.item);
      if (p.deferrals >= MAX_DEFERRALS) yieldLocked = false;
      if (p.item.kind === 'event' && !findStep(p.item.steps, 'batch_wait')) {
        p.item.steps.push({ step: 'batch_wait', ms: Math.round((startedAt - p.submittedAt) * 100) / 100 });
      }
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.beforeBatch?.(items);
        const outcomes = await processBatch(this.options.db, items, { yieldLocked });
        const deferred: Pending[] = [];
        for (let n = 0; n < batch.length; n++) {
          const p = batch[n];
          const outcome = outcomes[n];
          if (outcome.status === 'DEFERRED') {
            p.deferrals++;
            deferred.push(p);
            // The event trace shows the time it waited for whoever held its person (another worker, a staff merge, the
            // nightly sweep): the batches that passed it over, added up.
            if (p.item.kind === 'event') addStepTime(p.item.steps, 'person_held_elsewhere', performance.now() - startedAt);
            continue;
          }
          this.router.learn(p.item, outcome, p.lane);
          p.resolve(outcome);
        }
        return deferred;
      } catch (error) {
        if (isConnectivityError(error)) {
          // Nobody can make progress: every event waits for the database, none is blamed.
          for (const p of batch) p.reject(error);
          return [];
        }
        if (isTransientDbError(error) && attempt < TRANSIENT_RETRIES) {
          this.options.logger.debug({ err: { message: errorMessage(error) }, attempt, size: batch.length }, 'batch hit a deadlock; running it again');
          continue;
        }
        if (batch.length === 1) {
          batch[0].reject(error);
          return [];
        }
        // Isolate the culprit: every event runs alone (waiting for locks, so each gets its answer here), so only the
        // failing one fails.
        this.options.logger.warn({ err: { message: errorMessage(error) }, size: batch.length }, 'batch failed; running its events one by one');
        for (const p of batch) await this.run([p], lane, { mayDefer: false });
        return [];
      }
    }
  }
}

function findStep(steps: StepTiming[], step: string): StepTiming | undefined {
  for (const s of steps) if (s.step === step) return s;
  return undefined;
}

function addStepTime(steps: StepTiming[], step: string, ms: number): void {
  const existing = findStep(steps, step);
  const total = (existing?.ms ?? 0) + ms;
  if (existing) existing.ms = Math.round(total * 100) / 100;
  else steps.push({ step, ms: Math.round(total * 100) / 100 });
}
