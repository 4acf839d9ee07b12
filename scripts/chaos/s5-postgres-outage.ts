import { sql } from 'drizzle-orm';
import { deaths, drain, progressAfter, startStack, verdict } from './stack';
import type { Scenario } from './types';
import { seconds, sleep } from './wait';
import { feed } from './workload';

const FEED_RATE = 150;
const OUTAGE_MS = 60_000;

/**
 * 5. Postgres unreachable for 60 s: the proxy between the workers and Postgres cuts every connection and refuses
 * new ones, while events keep arriving. An unreachable store is not the event's fault: nothing may be
 * dead-lettered for it or spend its retries, and everything is processed once Postgres is back.
 */
export const postgresOutage: Scenario = {
  id: 5,
  name: 'Postgres unreachable for 60 s',
  usesModel: true,
  timeoutMs: () => 7 * 60_000,
  async run(ctx) {
    const { workload } = ctx;
    const stack = await startStack(ctx, 's5', { proxyPostgres: true });
    const proxy = stack.pgProxy!;
    const workers = [await stack.spawnWorker(), await stack.spawnWorker()];
    await Promise.all(workers.map((w) => w.ready(60_000, ctx.signal)));
    const feeder = feed(stack.queue, workload.jobs, { rate: FEED_RATE, signal: ctx.signal });
    const problems: string[] = [];

    await sleep(5000, ctx.signal);
    await proxy.down();
    ctx.log(`Postgres cut off (${(await stack.settled()).toLocaleString()} settled)`);
    await sleep(OUTAGE_MS, ctx.signal);
    const pendingAtEnd = await stack.pending();
    const baseline = await stack.settled();
    const died = deaths(workers);
    if (died.length) throw new Error(died.join('; '));
    await proxy.up();
    const resumeMs = await progressAfter(ctx, stack, baseline, 120_000);
    ctx.log(`Postgres back after ${seconds(OUTAGE_MS)} with ${pendingAtEnd.toLocaleString()} jobs waiting; processing resumed after ${seconds(resumeMs)}`);
    problems.push(...deaths(workers));

    await feeder.done;
    const drainMs = await drain(ctx, stack, workload.unique + workload.bad, 240_000);
    const [retried] = await stack.db.execute<{ n: number }>(
      // Bad events are dead-lettered on their first attempt; any event with attempts > 1 spent a retry on the outage.
      sql`select count(*)::int as n from sync_log where attempts > 1`,
    );
    if (retried.n) problems.push(`${retried.n} events spent a retry on the outage`);
    return verdict(ctx, stack, {
      recovery: `${seconds(resumeMs)} to resume`,
      notes: [
        `${pendingAtEnd.toLocaleString()} jobs waiting when Postgres came back; resumed after ${seconds(resumeMs)}, drained ${seconds(drainMs)} after the feed ended; ${retried.n} events spent a retry`,
      ],
      problems,
    });
  },
};
