import { drain, startStack, verdict } from './stack';
import type { Scenario } from './types';
import { seconds, sleep } from './wait';
import { feed } from './workload';

const FEED_RATE = 300;
const MIN_KILLS = 6;

/**
 * 1. Two worker processes at concurrency 10; every 5 s one of them is SIGKILLed (no shutdown at all) and started
 * again, while events keep arriving. The killed worker's in-flight jobs stall and are redelivered after the lock
 * duration; idempotency must make that invisible in the final state.
 */
export const killWorkers: Scenario = {
  id: 1,
  name: 'SIGKILL a worker every 5 s (2 × concurrency 10)',
  usesModel: true,
  timeoutMs: () => 8 * 60_000,
  async run(ctx) {
    const { workload } = ctx;
    const stack = await startStack(ctx, 's1');
    const env = { WORKER_CONCURRENCY: '10' };
    const workers = [await stack.spawnWorker(env), await stack.spawnWorker(env)];
    await Promise.all(workers.map((w) => w.ready(60_000, ctx.signal)));
    const feeder = feed(stack.queue, workload.jobs, { rate: FEED_RATE, signal: ctx.signal });
    const expected = workload.unique + workload.bad;

    let kills = 0;
    let lastKill = Date.now();
    while (feeder.sent < workload.jobs.length || kills < MIN_KILLS) {
      await sleep(5000, ctx.signal);
      const victim = kills % workers.length;
      const old = workers[victim];
      old.kill('SIGKILL');
      await old.exited;
      lastKill = Date.now();
      kills++;
      workers[victim] = await stack.spawnWorker(env);
      ctx.log(`kill ${kills}: ${old.name} SIGKILLed, ${workers[victim].name} started (${(await stack.settled()).toLocaleString()}/${expected.toLocaleString()} settled)`);
    }
    await feeder.done;
    await drain(ctx, stack, expected, 180_000);
    const recoveryMs = Date.now() - lastKill;
    ctx.log(`drained ${seconds(recoveryMs)} after the last kill`);
    return verdict(ctx, stack, {
      recovery: `${seconds(recoveryMs)} drain after last kill`,
      notes: [`${kills} SIGKILLs, 5 s apart, while ${workload.jobs.length.toLocaleString()} jobs were offered at ${FEED_RATE}/s`],
      problems: [],
    });
  },
};
