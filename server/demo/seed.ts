import type { Queue } from 'bullmq';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import type { Publisher } from '../events/publisher';
import { itemType, toPublishable, type DemoItem } from './emit';

/**
 * Publishes the generated history through the typed publisher and waits for the real worker to process it.
 *
 * Real producers publish an entity's `*.created` event the moment it exists, long before anything else happens to
 * it. The demo replays 18 months in a few minutes, and the queue's priorities would let a high-priority payment
 * failure overtake its member's creation. So the events that introduce a person (and the club's competitions) go
 * first, and everything else follows once they are processed: causal order, as the sources keep it in real time.
 */

const INTRODUCING_TYPES = /(member\.created|player\.created|contact\.created|competition\.published)$/;

export function splitIntroductions(items: DemoItem[]): { introductions: DemoItem[]; history: DemoItem[] } {
  const introductions: DemoItem[] = [];
  const history: DemoItem[] = [];
  for (const item of items) (INTRODUCING_TYPES.test(itemType(item)) ? introductions : history).push(item);
  return { introductions, history };
}

const PENDING_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

/** Events of this tenant with a final sync-log status. */
export async function countSettled(db: Db, tenantId: string): Promise<number> {
  const [row] = await db.execute<{ n: number }>(
    sql`select count(*)::int as n from sync_log where tenant_id = ${tenantId} and status in ('SUCCESS', 'DEAD_LETTERED', 'SKIPPED')`,
  );
  return row?.n ?? 0;
}

export interface DrainOptions {
  queue: Queue;
  db: Db;
  tenantId: string;
  onProgress?: (settled: number) => void;
  /** Give up when nothing has settled for this long (the worker is stuck or not running). */
  stallMs?: number;
  pollMs?: number;
}

/** Resolves once the queue has nothing left to do (two polls in a row), reporting settled events as it goes. */
export async function waitForDrain(options: DrainOptions): Promise<number> {
  const { queue, db, tenantId, onProgress, stallMs = 120_000, pollMs = 500 } = options;
  let lastSettled = -1;
  let lastChange = Date.now();
  let idlePolls = 0;
  for (;;) {
    const counts = await queue.getJobCounts(...PENDING_STATES);
    const pending = Object.values(counts).reduce((sum, n) => sum + n, 0);
    const settled = await countSettled(db, tenantId);
    onProgress?.(settled);
    if (settled !== lastSettled) {
      lastSettled = settled;
      lastChange = Date.now();
    }
    idlePolls = pending === 0 ? idlePolls + 1 : 0;
    if (idlePolls >= 2) return settled;
    if (Date.now() - lastChange > stallMs) {
      throw new Error(`the queue still holds ${pending} jobs but nothing was processed for ${Math.round(stallMs / 1000)} s — is the worker running?`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

export interface SeedProgress {
  phase: 'introductions' | 'history';
  stage: 'publishing' | 'processing';
  done: number;
  total: number;
}

export interface SeedResult {
  published: number;
  rejected: Array<{ id: string | null; type: string; error: string }>;
  settled: number;
}

/** Publishes in two phases (introductions, then the rest) and waits for the worker after each. */
export async function seedDemoEvents(options: {
  db: Db;
  publisher: Publisher;
  tenantId: string;
  items: DemoItem[];
  onProgress?: (progress: SeedProgress) => void;
  stallMs?: number;
}): Promise<SeedResult> {
  const { db, publisher, tenantId, items, onProgress, stallMs } = options;
  const { introductions, history } = splitIntroductions(items);
  const result: SeedResult = { published: 0, rejected: [], settled: 0 };

  for (const [phase, batch] of [
    ['introductions', introductions],
    ['history', history],
  ] as const) {
    const publishable = batch.map(toPublishable);
    const { published, rejected } = await publisher.publishMany(publishable, (done, total) =>
      onProgress?.({ phase, stage: 'publishing', done, total }),
    );
    result.published += published;
    for (const r of rejected) result.rejected.push({ id: r.id, type: itemType(batch[r.index]!), error: r.error });
    // On a re-run every event is already settled: the worker skips them and the phase ends at once.
    const target = phase === 'introductions' ? introductions.length : items.length;
    result.settled = await waitForDrain({
      queue: publisher.queue,
      db,
      tenantId,
      stallMs,
      onProgress: (settled) => onProgress?.({ phase, stage: 'processing', done: Math.min(target, settled), total: target }),
    });
  }
  return result;
}
