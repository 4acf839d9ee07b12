import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '@/test/harness';
import { freePort } from '@/test/ports';
import { startWorkerProcess, waitFor, type WorkerProcess } from '@/test/worker-process';
import type { WorkerMetrics } from './health';
import { PIPELINE_THREAD_LIMITS } from './node-flags';

// node-flags.ts: V8's heap flags are process-wide, so the pipeline thread runs with the main thread's old-space limit
// (a thread's own resourceLimits would lose to them); its young generation, which no flag sets, is its own and
// larger. Neither heap alone can reach the 400 MB RSS target.
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

  it('gives both threads of a real worker process the limits of its flags, and the pipeline thread its larger young generation', { timeout: 60_000 }, async () => {
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
    // V8's heap limit is the old space's plus the young generation, three semi-spaces' worth: 16 MB ones for the main
    // thread (V8's default for this old space), 32 MB ones for the pipeline thread (PIPELINE_THREAD_LIMITS).
    const MB = 2 ** 20;
    expect(main).toBe((192 + 3 * 16) * MB);
    expect(pipeline).toBe((192 + PIPELINE_THREAD_LIMITS.maxYoungGenerationSizeMb) * MB);
    expect(pipeline).toBeLessThan(400e6);
  });
});
