import { startStack } from './stack';
import type { Scenario } from './types';
import { seconds, sleep, waitUntil } from './wait';

const EVICTING = 'allkeys-lru';

/**
 * 7. Redis with an evicting maxmemory-policy would drop queued jobs silently under memory pressure. A worker must
 * refuse to start against it, and a running worker whose Redis is switched to such a policy must stop reporting
 * ready; both must say why (the policy by name and the fix).
 */
export const evictingRedis: Scenario = {
  id: 7,
  name: 'Redis with an evicting maxmemory-policy',
  usesModel: false,
  timeoutMs: () => 3 * 60_000,
  async run(ctx) {
    const stack = await startStack(ctx, 's7', { redis: { maxmemory: '64mb', policy: EVICTING } });
    const problems: string[] = [];
    const notes: string[] = [];
    const mentionsPolicy = (text: string) => text.includes(EVICTING) && text.includes('noeviction');

    // At start-up: refuses to run at all.
    const started = Date.now();
    const refused = await stack.spawnWorker();
    const code = await Promise.race([refused.exited, sleep(60_000, ctx.signal).then(() => 'still running' as const)]);
    const startMs = Date.now() - started;
    // main.ts prints the reason as a plain line on stderr (besides its JSON log line).
    const said = refused.output().trim().split('\n').find((l) => l.includes(EVICTING) && !l.startsWith('{')) ?? refused.output().trim().slice(-300);
    if (code === 0 || code === 'still running') problems.push(`a worker against ${EVICTING} did not refuse to start (${code})`);
    else if (!mentionsPolicy(refused.output())) problems.push(`the refusal does not name the policy and the fix: ${said}`);
    else notes.push(`start-up with maxmemory 64mb, ${EVICTING}: exit ${code} after ${seconds(startMs)}, saying: ${said}`);

    // While running: the policy changes under it; /health must turn 503 with the reason, and 200 once fixed.
    const admin = stack.redis.client();
    ctx.cleanup.add('admin connection', () => admin.disconnect());
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    const worker = await stack.spawnWorker();
    await worker.ready(60_000, ctx.signal);
    await admin.config('SET', 'maxmemory-policy', EVICTING);
    let reason = '';
    const notReadyMs = await waitUntil('/health to report the evicting policy', async () => {
      const h = await worker.health();
      reason = h?.body.problems?.join('; ') ?? '';
      return h?.status === 503 && mentionsPolicy(reason);
    }, { timeoutMs: 20_000, signal: ctx.signal }).catch(() => {
      problems.push(`/health did not report the ${EVICTING} policy within 20 s (last: ${reason || 'no answer'})`);
      return null;
    });
    if (notReadyMs !== null) notes.push(`running worker after CONFIG SET maxmemory-policy ${EVICTING}: /health 503 within ${seconds(notReadyMs)}: "${reason}"`);
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    await worker.ready(20_000, ctx.signal).catch(() => problems.push('/health did not return to 200 after the policy was fixed'));

    return {
      events: 0, lost: null, duplicated: null, deadLettered: '—',
      recovery: notReadyMs === null ? '—' : `not ready in ${seconds(notReadyMs)}`,
      notes,
      problems,
    };
  },
};
