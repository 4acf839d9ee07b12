import { sampleHealth } from './health';
import { deaths, drain, progressAfter, startStack, verdict } from './stack';
import type { Scenario } from './types';
import { seconds, sleep, waitUntil } from './wait';
import { feed } from './workload';

const FEED_RATE = 300;
const DOWN_MS = 10_000;
const RESUME_LIMIT_MS = 30_000;
/** Judged: readings sent at least 1 s after the kill and answered before the restart (the probe waits up to 2 s). */
const HEALTH_GRACE_MS = 1000;

/**
 * 3. The scenario's redis-server is SIGKILLed mid-run and started again 10 s later from its AOF (appendfsync
 * always: every acknowledged job survives). The workers must resume by themselves within 30 s, and their health
 * endpoint must say "unhealthy" while Redis is gone.
 */
export const redisRestart: Scenario = {
  id: 3,
  name: 'Redis SIGKILLed and restarted (AOF, appendfsync always)',
  usesModel: true,
  timeoutMs: () => 6 * 60_000,
  async run(ctx) {
    const { workload } = ctx;
    const stack = await startStack(ctx, 's3');
    const workers = [await stack.spawnWorker(), await stack.spawnWorker()];
    await Promise.all(workers.map((w) => w.ready(60_000, ctx.signal)));
    const feeder = feed(stack.queue, workload.jobs, { rate: FEED_RATE, signal: ctx.signal });
    const problems: string[] = [];

    await sleep(8000, ctx.signal);
    const health = sampleHealth(() => workers);
    const killedAt = Date.now();
    await stack.redis.kill('SIGKILL');
    ctx.log(`redis-server SIGKILLed (${feeder.sent.toLocaleString()} jobs offered)`);
    await sleep(DOWN_MS, ctx.signal);
    const died = deaths(workers);
    if (died.length) throw new Error(died.join('; '));
    // The outage ends when redis-server is started again (it accepts connections while still loading its AOF).
    const restartingAt = Date.now();
    await stack.redis.start();
    const baseline = await stack.settled();
    ctx.log('redis-server restarted from its AOF');
    const resumeMs = await progressAfter(ctx, stack, baseline, 120_000);
    ctx.log(`processing resumed ${seconds(resumeMs)} after the restart`);
    if (resumeMs > RESUME_LIMIT_MS) problems.push(`processing resumed only after ${seconds(resumeMs)}`);
    const healthyMs = await waitUntil('every worker healthy again', async () => (await Promise.all(workers.map((w) => w.health()))).every((h) => h?.status === 200), {
      timeoutMs: 60_000, signal: ctx.signal,
    });
    await health.stop();

    const during = health.readings.filter((r) => r.at >= killedAt + HEALTH_GRACE_MS && r.until < restartingAt);
    const unhealthy = during.filter((r) => r.reading?.status === 503 && r.reading.body.redis === 'down');
    if (during.length === 0) problems.push('no health readings while Redis was down');
    if (unhealthy.length !== during.length) {
      const wrong = during.find((r) => !(r.reading?.status === 503 && r.reading.body.redis === 'down'));
      const when = wrong ? ` (asked ${seconds(wrong.at - killedAt)} after the kill, answered ${seconds(wrong.until - killedAt)})` : '';
      problems.push(`/health said ${wrong?.reading ? `${wrong.reading.status} ${JSON.stringify(wrong.reading.body)}` : 'nothing'}${when} while Redis was down (${unhealthy.length}/${during.length} readings unhealthy)`);
    }
    problems.push(...deaths(workers));

    await feeder.done;
    await drain(ctx, stack, workload.unique + workload.bad, 180_000);
    return verdict(ctx, stack, {
      recovery: `${seconds(resumeMs)} to resume`,
      notes: [
        `Redis down ${seconds(DOWN_MS)}; /health 503 "Redis is unreachable" in ${unhealthy.length}/${during.length} readings while down; 200 again ${seconds(healthyMs)} after the restart; the producer retried ${feeder.failures} refused chunks`,
      ],
      problems,
    });
  },
};
