import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '@/test/harness';
import { freePort } from '@/test/ports';
import { startWorkerProcess, waitFor, type WorkerProcess } from '@/test/worker-process';
import type { WorkerMetrics } from './health';

// node-flags.ts: V8's heap flags are process-wide, so the pipeline thread runs with the same limits as the main
// thread (a thread's own resourceLimits would lose to them), and neither heap alone can reach the 400 MB RSS target.
describe('worker heap limits', () => {
  let ctx: TestContext;
  let worker: WorkerProcess;

  beforeAll(async () => {
    ctx = await createTestContext('heaplimits');
  });
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await worker?.exited;
    await ctx?.cleanup();
  });

  it('gives both threads of a real worker process the limits of its flags', { timeout: 60_000 }, async () => {
    const port = await freePort();
    worker = startWorkerProcess(ctx.childEnv, { WORKER_HEALTH_PORT: String(port) });
    let metrics: WorkerMetrics | null = null;
    await waitFor(
      async () => {
        metrics = await fetch(`http://127.0.0.1:${port}/metrics`)
          .then((r) => r.json() as Promise<WorkerMetrics>)
          .catch(() => null);
        return (metrics?.heapLimit.pipeline ?? 0) > 0;
      },
      30_000,
      "the pipeline thread's heap report",
    );
    const { main, pipeline } = metrics!.heapLimit;
    expect(pipeline).toBe(main);
    expect(main).toBeGreaterThan(192 * 2 ** 20); // the old space's limit, plus the young generation
    expect(main).toBeLessThan(400e6);
  });
});
