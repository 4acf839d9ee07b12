import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logger } from '@/server/logger';
import { bookingCreated } from '@/test/events';
import { createTestContext, type TestContext } from '@/test/harness';
import { createTenantRow, eventItem } from '@/test/pipeline';
import type { PipelineItem } from './types';
import { Batcher } from './batcher';

// How the batcher schedules its lanes: one transaction at a time, serving every lane, until each lane has a full batch
// waiting; then the lanes' transactions run side by side.

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext('batcher-lanes');
  await createTenantRow(ctx.db);
});
afterAll(() => ctx.cleanup());

/** A batcher whose every batch takes at least `holdMs` (before its statements), recording batch sizes and overlap. */
function observedBatcher(lanes: number, maxBatch: number, holdMs: number) {
  const seen = { sizes: [] as number[], running: 0, mostAtOnce: 0 };
  const batcher = new Batcher({
    db: ctx.appDb,
    logger,
    lanes,
    maxBatch,
    beforeBatch: async (items: PipelineItem[]) => {
      seen.sizes.push(items.length);
      seen.running++;
      seen.mostAtOnce = Math.max(seen.mostAtOnce, seen.running);
      await new Promise((r) => setTimeout(r, holdMs));
      seen.running--;
    },
  });
  return { batcher, seen };
}

let people = 0;
/** Bookings of `n` people never seen before: spread over the lanes by their player ids. */
function newPeople(n: number) {
  return Array.from({ length: n }, () => eventItem(bookingCreated({ email: `lanes-${++people}@example.com` })));
}

/**
 * Submits `items`, then (after 20 ms, while the first batch runs) `duringFirstBatch`, and waits until the batcher is
 * idle: every event must have succeeded.
 */
async function submitAll(batcher: Batcher, items: PipelineItem[], duringFirstBatch: PipelineItem[] = []) {
  const outcomes = items.map((item) => batcher.submit(item));
  if (duringFirstBatch.length > 0) {
    await new Promise((r) => setTimeout(r, 20));
    outcomes.push(...duringFirstBatch.map((item) => batcher.submit(item)));
  }
  const settled = await Promise.all(outcomes);
  await batcher.idle();
  expect(settled.every((o) => o.status === 'SUCCESS')).toBe(true);
}

describe('the batcher with two lanes', () => {
  it('runs live traffic as one transaction at a time, each batch taking the events of both lanes', async () => {
    const { batcher, seen } = observedBatcher(2, 50, 150);
    // Ten people arrive while the first batch runs: whichever lane they are routed to, they wait for it together.
    await submitAll(batcher, newPeople(1), newPeople(10));
    expect(seen.sizes).toEqual([1, 10]);
    expect(seen.mostAtOnce).toBe(1);
  });

  it('runs two transactions side by side once both lanes have a full batch waiting', async () => {
    const { batcher, seen } = observedBatcher(2, 3, 150);
    await submitAll(batcher, newPeople(1), newPeople(40));
    expect(seen.mostAtOnce).toBe(2);
    expect(seen.sizes.reduce((a, b) => a + b, 0)).toBe(41);
    // Every batch is full but the first (alone) and each lane's last.
    expect(seen.sizes.filter((size) => size < 3).length).toBeLessThanOrEqual(3);
  });
});

describe('the batcher with one lane', () => {
  it('runs one transaction at a time: the first event alone, then full batches', async () => {
    const { batcher, seen } = observedBatcher(1, 3, 50);
    await submitAll(batcher, newPeople(12));
    expect(seen.mostAtOnce).toBe(1);
    expect(seen.sizes).toEqual([1, 3, 3, 3, 2]);
  });
});
