import { deaths, drain, progressAfter, startStack, verdict } from './stack';
import type { Scenario } from './types';
import { seconds, sleep, waitUntil } from './wait';
import { feed } from './workload';

const FEED_RATE = 300;
const OUTAGE_MS = 20_000;
const RESUME_LIMIT_MS = 30_000;

/**
 * 4. Redis unreachable for 20 s the way a network partition makes it: the proxy between the workers and Redis
 * stops forwarding (open connections go silent, new ones hang) while producers keep publishing. Afterwards every
 * worker must consume again by itself: none may sit on a dead connection.
 */
export const redisUnreachable: Scenario = {
  id: 4,
  name: 'Redis unreachable for 20 s (partition)',
  usesModel: true,
  timeoutMs: () => 6 * 60_000,
  async run(ctx) {
    const { workload } = ctx;
    const stack = await startStack(ctx, 's4', { proxyRedis: true });
    const proxy = stack.redisProxy!;
    const workers = [await stack.spawnWorker(), await stack.spawnWorker()];
    await Promise.all(workers.map((w) => w.ready(60_000, ctx.signal)));
    const feeder = feed(stack.queue, workload.jobs, { rate: FEED_RATE, signal: ctx.signal });
    const problems: string[] = [];

    await sleep(8000, ctx.signal);
    proxy.freeze();
    const atCut = await stack.settled();
    ctx.log(`Redis unreachable for the workers (${atCut.toLocaleString()} settled)`);
    await sleep(OUTAGE_MS, ctx.signal);
    const baseline = await stack.settled();
    const backlog = await stack.pending();
    const restoredAt = Date.now();
    const died = deaths(workers);
    if (died.length) throw new Error(died.join('; '));
    await proxy.up();
    const resumeMs = await progressAfter(ctx, stack, baseline, 120_000);
    ctx.log(`reachable again; processing resumed after ${seconds(resumeMs)}`);
    if (resumeMs > RESUME_LIMIT_MS) problems.push(`processing resumed only after ${seconds(resumeMs)}`);

    // No stuck worker: each process must complete jobs again, not just one of them.
    const names = new Map(workers.map((w) => [`crm-worker-${w.pid}`, w.name]));
    const seen = new Set<string>();
    const everyWorkerMs = await waitUntil('every worker to complete jobs again', async () => {
      for (const job of await stack.queue.getCompleted(0, 300)) {
        if ((job.finishedOn ?? 0) > restoredAt && job.processedBy) seen.add(job.processedBy);
      }
      return [...names.keys()].every((n) => seen.has(n));
    }, { timeoutMs: 60_000, everyMs: 500, signal: ctx.signal }).catch(() => {
      problems.push(`stuck worker: ${[...names].filter(([n]) => !seen.has(n)).map(([, w]) => w).join(', ')} completed nothing after the outage`);
      return null;
    });
    problems.push(...deaths(workers));

    await feeder.done;
    await drain(ctx, stack, workload.unique + workload.bad, 180_000);
    return verdict(ctx, stack, {
      recovery: `${seconds(resumeMs)} to resume`,
      notes: [
        `workers cut off ${seconds(OUTAGE_MS)} (${(baseline - atCut).toLocaleString()} events settled meanwhile, ${backlog.toLocaleString()} jobs waiting at the end); consumption resumed ${seconds(resumeMs)} after; ${everyWorkerMs === null ? 'not every worker resumed' : `every worker completing jobs again after ${seconds(everyWorkerMs)}`}`,
      ],
      problems,
    });
  },
};
