import { Worker as Thread } from 'node:worker_threads';
import type { Logger } from '@/server/logger';
import type { InboundJobData, JobResult } from './job-handler';
import { PIPELINE_THREAD_LIMITS } from './node-flags';
import { perTurnGroup } from './per-turn-group';
import type { FromThread, PipelineThreadOptions, ThreadHeap, ToThread } from './pipeline-thread';

// The built worker (workers/build.ts) has the thread built beside it; from the sources (tests), the entry module
// registers tsx's loader in the thread and loads pipeline-thread.ts.
const THREAD_ENTRY = import.meta.url.endsWith('.mjs') ? './pipeline-thread.mjs' : './pipeline-thread-entry.mjs';

/**
 * Starts the pipeline thread: the database half of the worker (parse, batches, sync log, dead letters) on a thread
 * of its own, so that BullMQ's half on the main thread (fetching jobs, renewing locks, completing jobs, the outbox
 * relay) never waits behind a batch's JavaScript, and the two use both cores. Live traffic showed the difference:
 * with one thread it was ~75 % busy at half the backlog's rate, and events waited for it before they were even
 * picked up. Jobs picked up in one turn of the event loop travel in one message, and results likewise: waking the
 * other thread costs about what a socket write does.
 *
 * The thread is part of the process: if it dies, the process exits (its jobs stall and are redelivered).
 */
export function startPipelineThread(options: PipelineThreadOptions & { logger: Logger }) {
  const { logger, ...threadOptions } = options;
  const thread = new Thread(new URL(THREAD_ENTRY, import.meta.url), {
    workerData: threadOptions satisfies PipelineThreadOptions,
    // Only the CPU profiler's options (CRM_CPU_PROF): V8's flags are refused in a thread's execArgv, and not needed
    // there, as they are process-wide and apply to the thread's heap too (node-flags.ts).
    execArgv: process.execArgv.filter((a) => a.startsWith('--cpu-prof')),
    // Its young generation, the one heap setting a thread has of its own (node-flags.ts).
    resourceLimits: PIPELINE_THREAD_LIMITS,
  });
  const waiting = new Map<number, { resolve: (r: JobResult) => void; reject: (e: Error) => void }>();
  let seq = 0;
  let heap: ThreadHeap = { used: 0, total: 0, limit: 0 };
  let closing = false;
  let closed: (() => void) | null = null;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  thread.on('message', (message: FromThread) => {
    if (message.type === 'ready') markReady();
    else if (message.type === 'heap') heap = { used: message.used, total: message.total, limit: message.limit };
    else if (message.type === 'closed') closed?.();
    else {
      for (const r of message.replies) {
        const w = waiting.get(r.seq);
        if (!w) continue;
        waiting.delete(r.seq);
        if (r.result) w.resolve(r.result);
        else w.reject(new Error(r.error));
      }
    }
  });
  thread.on('error', (error) => logger.fatal({ err: { message: error.message } }, 'pipeline thread failed'));
  thread.on('exit', (code) => {
    if (closing) return closed?.();
    logger.fatal({ code }, 'pipeline thread exited; the worker exits too (its jobs are redelivered)');
    process.exit(1);
  });

  const outgoing = perTurnGroup<{ seq: number; job: InboundJobData }>((jobs) =>
    thread.postMessage({ type: 'jobs', jobs } satisfies ToThread),
  );

  return {
    /** Resolves once the thread has loaded (a second or so of module loading): take jobs from then on. */
    ready,
    handle(job: InboundJobData): Promise<JobResult> {
      return new Promise((resolve, reject) => {
        const s = ++seq;
        waiting.set(s, { resolve, reject });
        outgoing.push({ seq: s, job });
      });
    },
    /** The thread's JS heap as it last reported it (every 2 s). */
    heap: () => heap,
    /** Finishes what the thread holds, closes its connections and stops it. */
    async close() {
      closing = true;
      outgoing.flush();
      await new Promise<void>((resolve) => {
        closed = resolve;
        thread.postMessage({ type: 'close' } satisfies ToThread);
      });
      await thread.terminate();
    },
  };
}
