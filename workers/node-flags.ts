/**
 * V8 heap settings for every worker process (`npm run worker`, the demo, tests, bench and chaos runs). Under a
 * backlog the worker's live heap stays near 60 MB (forced GC every 12 s through a 200,000-event run), but left to its
 * own sizing V8 let the heap grow to ~250 MB of mostly garbage and the process to a 400 MB peak RSS. A 320 MB
 * old-space limit makes it collect sooner (peak ~270 MB); the explicit 32 MB semi-space keeps the young generation
 * as large as V8's default, which the old-space limit alone would shrink (that cost ~20 % more worker CPU per event).
 * `package.json`'s `worker` script repeats these flags; a unit test keeps the two equal. The pipeline thread has a
 * heap of its own with the same limits (PIPELINE_THREAD_LIMITS): V8 takes them from `resourceLimits` there.
 */
const OLD_SPACE_MB = 320;
const SEMI_SPACE_MB = 32;
export const WORKER_NODE_FLAGS = [`--max-old-space-size=${OLD_SPACE_MB}`, `--max-semi-space-size=${SEMI_SPACE_MB}`] as const;

/** The same limits for a worker thread; V8's young generation is three semi-spaces (two halves and the large-object space). */
export const PIPELINE_THREAD_LIMITS = { maxOldGenerationSizeMb: OLD_SPACE_MB, maxYoungGenerationSizeMb: 3 * SEMI_SPACE_MB };

/** Node's arguments to run the worker from the repository root (TypeScript through tsx). */
export function workerNodeArgs(extra: readonly string[] = []): string[] {
  return [...WORKER_NODE_FLAGS, ...extra, '--import', 'tsx', 'workers/main.ts'];
}
