/**
 * V8 heap settings for every worker process (`npm run worker`, the demo, tests, bench and chaos runs). Under a
 * backlog the pipeline's live heap stays near 60 MB, but left to its own sizing V8 let the heap grow to ~250 MB of
 * mostly garbage and the process to a 400 MB peak RSS; a limit on the old space makes it collect sooner. The pipeline
 * thread's young generation is set on its own (PIPELINE_THREAD_LIMITS): with only the old-space limit, V8 sizes it at
 * 16 MB semi-spaces for this heap, too small for the thread's batches.
 *
 * V8's flags are process-wide: they size the pipeline thread's heap as well as the main thread's, and they win over
 * a thread's own `resourceLimits` (a thread given 192 / 96 MB by `resourceLimits` under these flags reports the
 * flags' limit in `v8.getHeapStatistics()`), so both threads have these limits; GET /metrics shows each one's.
 *
 * The other two flags cut the mark-compacts, whose concurrent marking of the ~40 MB the pipeline thread keeps (code,
 * caches, batches in flight) cost ~100 ms of a helper thread's CPU each: `--trace-gc-nvp` over 50,000 events showed
 * 57 of them in the pipeline thread and 21 in the main thread. V8 sizes the old generation's next limit with a
 * growing factor scaled to the heap's maximum, 1.3 for one this small, so a mark-compact came after every ~13 MB of
 * promotions; `--heap-growing-percent=100` lets the old generation double first (still under the maximum). And V8
 * learns which allocation sites' objects survive and then allocates theirs straight in the old generation: here that
 * is every object a batch keeps while in flight, which dies soon after, so each one filled the old generation
 * without ever dying young (`--no-allocation-site-pretenuring`). Together: 16 mark-compacts in the pipeline thread and
 * none of note in the main thread for the same 50,000 events; three rotations of `npm run bench -- --only backlog
 * --events 100000 --workers 1` (19:25–19:32 on 2026-12-06) gave 2,827 / 2,720 / 2,664 events/s against 2,295 / 2,560
 * / 2,186 without them, worker CPU 0.288–0.315 against 0.358–0.418 ms per event, peak RSS 328–334 against 293–305 MB.
 */
export const WORKER_NODE_FLAGS = [
  '--max-old-space-size=192',
  '--heap-growing-percent=100',
  '--no-allocation-site-pretenuring',
] as const;

/**
 * The pipeline thread's young generation: 96 MB, which V8 splits into two 32 MB semi-spaces and a space for large
 * new objects. 32 MB semi-spaces let most of a batch's objects die young: at ~1,800 events/s the pipeline thread
 * allocates ~220 MB/s, and with 16 MB semi-spaces it ran a scavenge every ~55 ms (~7 ms each, 10 % of its time) and
 * promoted ~2.5 MB of a batch still in flight each time, which then needed a mark-compact every ~0.45 s. Five
 * alternating pairs of `npm run bench -- --only backlog --events 100000 --workers 1` against 128 / 16 MB: 1,912 vs
 * 1,727 events/s on average (ahead in 4 of 5), less worker CPU per event in every pair (0.50 vs 0.58 ms), peak RSS
 * 358–373 MB against 292–303 MB.
 *
 * The main thread (BullMQ's loop, the outbox relay) keeps V8's default 16 MB semi-spaces. Until 2026-12-07 a
 * `--max-semi-space-size=32` flag gave it 32 MB ones as well (a flag wins over a thread's `resourceLimits`), and the
 * million peaked at 379–399 MB, against the 400 MB target. Without it, two alternating pairs of the million peaked at
 * 348.1 and 342.2 against 386.3 and 385.0 MB (471.3 / 491.5 against 460.6 / 517.1 s), six pairs of the 100,000-event
 * backlog at 321.5–333.8 against 352.0–363.5 MB, at 2,820 against 2,687 events/s on average; the main thread itself
 * spent 12.65–12.9 against 13.63–13.82 s of CPU over the same 120,000 events in two of them.
 */
export const PIPELINE_THREAD_LIMITS = { maxYoungGenerationSizeMb: 96 } as const;

/** The built worker (workers/build.ts), relative to the repository root. */
export const WORKER_ENTRY = 'dist/worker/main.mjs';

/** Node's arguments to run the built worker (workers/build.ts) from the repository root. */
export function workerNodeArgs(extra: readonly string[] = []): string[] {
  return [...WORKER_NODE_FLAGS, ...extra, WORKER_ENTRY];
}
