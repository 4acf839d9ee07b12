import { describe, expect, it, vi } from 'vitest';
import type { Database } from '@/server/db/client';
import type { Logger } from '@/server/logger';
import { Batcher } from './batcher';
import { LaneRouter } from './lanes';
import type { PipelineItem } from './types';

// The transaction itself is the integration tests' business: here each batch just succeeds.
vi.mock('./process-batch', () => ({
  processBatch: async (_db: unknown, items: PipelineItem[]) => items.map(() => ({ status: 'DUPLICATE' })),
}));

/** An event reduced to what routing reads (its tenant, id and one identifier). */
function event(n: number): PipelineItem {
  return {
    kind: 'event',
    steps: [],
    normalized: { envelope: { tenantId: 'club-1', id: `e-${n}`, identity: { sclMemberId: `m-${n}` } }, effects: { identities: {} } },
  } as unknown as PipelineItem;
}

/** Events the batcher's router (first sight: by identifier hash) sends to lane 0 and to lane 1. */
function eventsByLane(count: number): [PipelineItem[], PipelineItem[]] {
  const router = new LaneRouter(2);
  const lanes: [PipelineItem[], PipelineItem[]] = [[], []];
  for (let n = 0; lanes[0].length < count || lanes[1].length < count; n++) {
    const item = event(n);
    const lane = router.laneFor(item) as 0 | 1;
    if (lanes[lane].length < count) lanes[lane].push(item);
  }
  return lanes;
}

/** A batcher whose batches wait for `release()`; `batches` lists each batch's event ids as it starts. */
function gatedBatcher(options: { maxBatch: number; backlog?: number }) {
  const batches: string[][] = [];
  let open: () => void = () => {};
  let gate = new Promise<void>((resolve) => (open = resolve));
  const batcher = new Batcher({
    db: {} as Database,
    logger: { debug() {}, warn() {} } as unknown as Logger,
    lanes: 2,
    ...options,
    beforeBatch: async (items) => {
      batches.push(items.map((i) => (i.kind === 'event' ? i.normalized.envelope.id : '')));
      await gate;
    },
  });
  return {
    batcher,
    batches,
    release() {
      open();
      gate = new Promise<void>((resolve) => (open = resolve));
    },
  };
}

const ids = (items: PipelineItem[]) => items.map((i) => (i.kind === 'event' ? i.normalized.envelope.id : ''));
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('Batcher lanes', () => {
  it('runs one transaction at a time in live traffic: what waits in both lanes goes into one batch', async () => {
    const [lane0, lane1] = eventsByLane(3);
    const { batcher, batches, release } = gatedBatcher({ maxBatch: 200, backlog: 10 });
    const done = [batcher.submit(lane0[0])];
    await settle();
    done.push(...[...lane0.slice(1), ...lane1].map((item) => batcher.submit(item)));
    await settle();
    expect(batches).toEqual([ids([lane0[0]])]);
    release();
    await settle();
    expect(batches[1]).toEqual([...ids(lane0.slice(1)), ...ids(lane1)]);
    release();
    await Promise.all(done);
    expect(batches).toHaveLength(2);
  });

  it('opens the second lane beside the first once its own events make a backlog', async () => {
    const [lane0, lane1] = eventsByLane(4);
    const { batcher, batches, release } = gatedBatcher({ maxBatch: 200, backlog: 4 });
    const done = [batcher.submit(lane0[0])];
    await settle();
    done.push(...lane1.slice(0, 3).map((item) => batcher.submit(item)));
    await settle();
    expect(batches).toHaveLength(1);
    done.push(batcher.submit(lane1[3]));
    await settle();
    expect(batches).toEqual([ids([lane0[0]]), ids(lane1)]);
    release();
    await Promise.all(done);
  });

  it('never holds more than a batch in one transaction when it gathers every lane', async () => {
    const [lane0, lane1] = eventsByLane(6);
    const { batcher, batches, release } = gatedBatcher({ maxBatch: 4, backlog: 100 });
    const done = [batcher.submit(lane1[0])];
    await settle();
    done.push(...[...lane0, ...lane1.slice(1)].map((item) => batcher.submit(item)));
    for (let i = 0; i < 5; i++) {
      release();
      await settle();
    }
    await Promise.all(done);
    expect(batches.map((b) => b.length)).toEqual([1, 4, 4, 3]);
    expect(batches.flat().sort()).toEqual(ids([...lane0, ...lane1]).sort());
  });
});
