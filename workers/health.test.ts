import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHealthServer, type HealthReport } from './health';

let report: HealthReport = { ok: true, postgres: 'up', redis: 'up', problems: [] };
let stalledJobs = 0;
const server = startHealthServer(0, async () => report, () => ({ stalledJobs, pipelineHeap: { used: 0, total: 0, limit: 0 } }));
let base = '';

beforeAll(async () => {
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('worker health server', () => {
  it('answers /health 200 when events can make progress and 503 with the reasons otherwise', async () => {
    expect((await fetch(`${base}/health`)).status).toBe(200);
    report = { ok: false, postgres: 'down', redis: 'up', problems: ['Postgres is unreachable'] };
    const res = await fetch(`${base}/ready`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ problems: ['Postgres is unreachable'] });
  });

  it('reports how long the event loop was held up since the previous read', async () => {
    await fetch(`${base}/metrics`);
    const until = Date.now() + 250;
    while (Date.now() < until) {
      // A synchronous stretch, as a long GC pause or a CPU-bound step would be.
    }
    // The lag timer notes a stall when it next fires, which can come after a request already waiting.
    await new Promise((resolve) => setTimeout(resolve, 30));
    const held = (await (await fetch(`${base}/metrics`)).json()) as { heapUsed: number; eventLoopDelayMaxMs: number };
    expect(held.heapUsed).toBeGreaterThan(0);
    expect(held.eventLoopDelayMaxMs).toBeGreaterThanOrEqual(200);
    // Read again: the stretch is no longer counted.
    const after = (await (await fetch(`${base}/metrics`)).json()) as { eventLoopDelayMaxMs: number };
    expect(after.eventLoopDelayMaxMs).toBeLessThan(200);
  });

  it("reports the consumer's stalled-job count as it is now", async () => {
    expect(await (await fetch(`${base}/metrics`)).json()).toMatchObject({ stalledJobs: 0 });
    stalledJobs = 3;
    expect(await (await fetch(`${base}/metrics`)).json()).toMatchObject({ stalledJobs: 3 });
  });
});
