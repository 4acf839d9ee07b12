/**
 * V8 heap settings for every worker process (`npm run worker`, the demo, tests, bench and chaos runs). Under a
 * backlog the pipeline's live heap stays near 60 MB, but left to its own sizing V8 let the heap grow to ~250 MB of
 * mostly garbage and the process to a 400 MB peak RSS; a limit on the old space makes it collect sooner. The young
 * generation is set explicitly, because an old-space limit alone shrinks it, which cost ~20 % more CPU per event.
 *
 * The process has two heaps: the main thread's (BullMQ, the relay, the schedulers: a few tens of MB, so small limits)
 * and the pipeline thread's (PIPELINE_THREAD_LIMITS). A 200,000-event backlog (`npm run bench -- --only backlog
 * --events 200000 --people 40000 --workers 1`) peaked at 387 MB RSS with both heaps at the single heap's old limits
 * (320 MB old space, 32 MB semi-spaces), 321 MB with these, 373 MB with the main thread's semi-spaces at 32 MB.
 * `package.json`'s `worker` script repeats the flags; a unit test keeps the two equal.
 */
export const WORKER_NODE_FLAGS = ['--max-old-space-size=128', '--max-semi-space-size=16'] as const;

/** The pipeline thread's heap, given as `resourceLimits`; V8's young generation is three semi-spaces (32 MB each). */
export const PIPELINE_THREAD_LIMITS = { maxOldGenerationSizeMb: 192, maxYoungGenerationSizeMb: 96 };

/** Node's arguments to run the worker from the repository root (TypeScript through tsx). */
export function workerNodeArgs(extra: readonly string[] = []): string[] {
  return [...WORKER_NODE_FLAGS, ...extra, '--import', 'tsx', 'workers/main.ts'];
}
