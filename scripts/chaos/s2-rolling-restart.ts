import { watchStalled } from './queue-events';
import { drain, startStack, verdict } from './stack';
import type { Scenario } from './types';
import { seconds, sleep } from './wait';
import { feed } from './workload';

const FEED_RATE = 300;
const WORKERS = 2;
const ROUNDS = 2;
const EXIT_LIMIT_MS = 10_000;

/**
 * 2. A rolling restart: each worker in turn gets SIGTERM while events flow, must finish its in-flight events and
 * exit 0 within 10 s, and is replaced before the next one goes. No job may be left stalled (active with no owner).
 */
export const rollingRestart: Scenario = {
  id: 2,
  name: 'Rolling restart, SIGTERM each worker in turn',
  usesModel: true,
  timeoutMs: () => 6 * 60_000,
  async run(ctx) {
    const { workload } = ctx;
    const stack = await startStack(ctx, 's2');
    const watch = await watchStalled(ctx.cleanup, stack.redis, stack.target.prefix);
    const workers = await Promise.all(Array.from({ length: WORKERS }, () => stack.spawnWorker()));
    await Promise.all(workers.map((w) => w.ready(60_000, ctx.signal)));
    const feeder = feed(stack.queue, workload.jobs, { rate: FEED_RATE, signal: ctx.signal });
    const problems: string[] = [];
    const exits: number[] = [];

    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < workers.length; i++) {
        await sleep(4000, ctx.signal);
        const old = workers[i];
        const asked = Date.now();
        old.kill('SIGTERM');
        const code = await Promise.race([old.exited, sleep(EXIT_LIMIT_MS + 5000, ctx.signal).then(() => 'still running' as const)]);
        const tookMs = Date.now() - asked;
        exits.push(tookMs);
        if (code !== 0 || tookMs > EXIT_LIMIT_MS) problems.push(`${old.name} exit ${code} after ${seconds(tookMs)}`);
        workers[i] = await stack.spawnWorker();
        await workers[i].ready(60_000, ctx.signal);
        ctx.log(`${old.name} exited ${code} ${seconds(tookMs)} after SIGTERM; ${workers[i].name} ready (${(await stack.settled()).toLocaleString()} settled)`);
      }
    }
    await feeder.done;
    const drainMs = await drain(ctx, stack, workload.unique + workload.bad, 180_000);
    if (watch.stalled.length) problems.push(`${watch.stalled.length} stalled jobs, e.g. ${watch.stalled.slice(0, 3).join(', ')}`);
    return verdict(ctx, stack, {
      recovery: `exits ≤ ${seconds(Math.max(...exits))}`,
      notes: [
        `${exits.length} SIGTERMs: every worker exited 0 within ${seconds(Math.max(...exits))} (limit 10 s); ${watch.stalled.length} stalled jobs; drained ${seconds(drainMs)} after the feed ended`,
      ],
      problems,
    });
  },
};
