/**
 * V8 heap settings for every worker process (`npm run worker`, the demo, tests, bench and chaos runs). Under a
 * backlog the pipeline's live heap stays near 60 MB, but left to its own sizing V8 let the heap grow to ~250 MB of
 * mostly garbage and the process to a 400 MB peak RSS; a limit on the old space makes it collect sooner. The young
 * generation is set explicitly, because an old-space limit alone shrinks it, which cost ~20 % more CPU per event.
 *
 * V8's flags are process-wide: they size the pipeline thread's heap as well as the main thread's, and they win over
 * a thread's own `resourceLimits` (a thread given 192 / 96 MB by `resourceLimits` under these flags reports the
 * flags' limit in `v8.getHeapStatistics()`), so both threads have these limits; GET /metrics shows each one's.
 * 32 MB semi-spaces let most of a batch's objects die young: at ~1,800 events/s the pipeline thread allocates
 * ~220 MB/s, and with 16 MB semi-spaces it ran a scavenge every ~55 ms (~7 ms each, 10 % of its time) and promoted
 * ~2.5 MB of a batch still in flight each time, which then needed a mark-compact every ~0.45 s. Five alternating
 * pairs of `npm run bench -- --only backlog --events 100000 --workers 1` against 128 / 16 MB: 1,912 vs 1,727
 * events/s on average (ahead in 4 of 5), less worker CPU per event in every pair (0.50 vs 0.58 ms), peak RSS
 * 358–373 MB against 292–303 MB.
 */
export const WORKER_NODE_FLAGS = ['--max-old-space-size=192', '--max-semi-space-size=32'] as const;

/** The built worker (workers/build.ts), relative to the repository root. */
export const WORKER_ENTRY = 'dist/worker/main.mjs';

/** Node's arguments to run the built worker (workers/build.ts) from the repository root. */
export function workerNodeArgs(extra: readonly string[] = []): string[] {
  return [...WORKER_NODE_FLAGS, ...extra, WORKER_ENTRY];
}
