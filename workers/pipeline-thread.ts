/**
 * Runs inside the pipeline thread (see start-pipeline-thread.ts): jobs in, results out, each direction grouped per
 * turn of the event loop.
 */
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { createDb } from '@/server/db/client';
import { errorMessage } from '@/server/errors';
import { logger } from '@/server/logger';
import { createJobHandler, type InboundJobData, type JobResult } from './job-handler';
import { perTurnGroup } from './per-turn-group';

export interface PipelineThreadOptions {
  /** The thread opens its own connections (as the app role); unset = DATABASE_URL. */
  databaseUrl?: string;
  lanes: number;
  maxBatch: number;
  outageDelayMs?: number;
}

export interface JobReply {
  seq: number;
  result?: JobResult;
  /** An unexpected error's message: the job fails and BullMQ retries it. */
  error?: string;
}

export type ToThread = { type: 'jobs'; jobs: { seq: number; job: InboundJobData }[] } | { type: 'close' };
/** A thread's JS heap in bytes: in use, allocated, and the most V8 will let it grow to. */
export interface ThreadHeap {
  used: number;
  total: number;
  limit: number;
}

export type FromThread =
  | { type: 'ready' }
  | { type: 'results'; replies: JobReply[] }
  | ({ type: 'heap' } & ThreadHeap)
  | { type: 'closed' };

const HEAP_REPORT_MS = 2000;

const port = parentPort!;
const options = workerData as PipelineThreadOptions;
const db = createDb({ url: options.databaseUrl, max: options.lanes + 1 });
const handler = createJobHandler({ db, logger, lanes: options.lanes, maxBatch: options.maxBatch, outageDelayMs: options.outageDelayMs });
const send = (message: FromThread) => port.postMessage(message);

const replies = perTurnGroup<JobReply>((group) => send({ type: 'results', replies: group }));

const reportHeap = () => {
  const heap = getHeapStatistics();
  send({ type: 'heap', used: heap.used_heap_size, total: heap.total_heap_size, limit: heap.heap_size_limit });
};
reportHeap();
const heapTimer = setInterval(reportHeap, HEAP_REPORT_MS);
heapTimer.unref();

// Jobs being handled; closing waits for them (a job's retry bookkeeping can outlive its batch).
let active = 0;
let drained: (() => void) | null = null;

port.on('message', (message: ToThread) => {
  if (message.type === 'close') {
    void (async () => {
      if (active > 0) await new Promise<void>((resolve) => (drained = resolve));
      clearInterval(heapTimer);
      await db.$client.end({ timeout: 2 });
      replies.flush();
      send({ type: 'closed' });
    })();
    return;
  }
  for (const { seq, job } of message.jobs) void handleJob(seq, job);
});

// A function of the module rather than callbacks made per job, so that its compiled code lives as long as the thread
// (see processBatch).
async function handleJob(seq: number, job: InboundJobData) {
  active++;
  try {
    replies.push({ seq, result: await handler.handle(job) });
  } catch (error) {
    replies.push({ seq, error: errorMessage(error) });
  } finally {
    if (--active === 0) drained?.();
  }
}

// Loaded, with its connections configured: the consumer starts taking jobs now.
send({ type: 'ready' });
