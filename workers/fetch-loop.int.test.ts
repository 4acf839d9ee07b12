import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis } from '@/server/queue/connection';
import { createTestContext, type TestContext } from '@/test/harness';
import { waitFor } from '@/test/worker-process';

// BullMQ's worker loop as patched (patches/bullmq+6.7.0.patch): a job it fetched starts at once. Unpatched, the loop
// fetched every job waiting (up to the worker's concurrency), one round trip each, before starting the first, so
// under live traffic each event waited for the fetches of those that arrived after it.

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext('fetch-loop');
});
afterAll(() => ctx.cleanup());

describe("the worker's fetch loop", () => {
  it('starts the first job while the others still wait in the queue', async () => {
    const connection = createRedis();
    const workerConnection = createRedis({ forWorker: true });
    const queue = new Queue('fetch-loop', { connection, prefix: ctx.prefix });
    const jobs = 300;
    await queue.addBulk(Array.from({ length: jobs }, (_, i) => ({ name: 'event', data: { i } })));

    let first = true;
    let waitingWhenFirstStarted = -1;
    let done = 0;
    const worker = new Worker(
      'fetch-loop',
      async () => {
        if (first) {
          first = false;
          waitingWhenFirstStarted = await queue.getWaitingCount();
        }
        done++;
      },
      { connection: workerConnection, prefix: ctx.prefix, concurrency: 1000 },
    );
    try {
      await waitFor(async () => done === jobs, 20_000, 'every job processed');
      // Unpatched: 0, every job fetched before the first started.
      expect(waitingWhenFirstStarted).toBeGreaterThan(jobs / 2);
    } finally {
      await worker.close();
      await queue.close();
      connection.disconnect();
      workerConnection.disconnect();
    }
  });
});
