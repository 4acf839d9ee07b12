import { apiQueues } from '@/server/api/queues';
import { runtime } from '@/server/auth/runtime';
import { logger } from '@/server/logger';
import { enqueueSegmentRecompute } from '@/workers/segment-recompute';

/**
 * The segment pages' side of the background recompute (workers/segment-recompute.ts): queue one after a definition
 * change, and tell whether one is waiting, so the page can say "recount queued" before the worker has started.
 */

const WAITING_STATES = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children', 'active']);
/** The page must render even when Redis is slow or away; then it simply does not know about waiting jobs. */
const LOOKUP_TIMEOUT_MS = 1_500;

function segmentQueue() {
  return apiQueues(runtime()).segments;
}

/**
 * Queues a full recompute; `immediately` skips the wait for other processes' cached definitions (use it when the
 * definition did not change). False when the queue could not be reached (logged; the caller tells the person).
 */
export async function queueRecompute(
  job: { tenantId: string; segmentId: string },
  options: { immediately?: boolean } = {},
): Promise<boolean> {
  try {
    await enqueueSegmentRecompute(segmentQueue(), job, options.immediately ? { delayMs: 0 } : {});
    return true;
  } catch (error) {
    logger.error({ err: error, ...job }, 'could not queue segment recompute');
    return false;
  }
}

/** Whether a recompute of this segment is waiting or running in the queue. */
export async function isRecomputeQueued(segmentId: string): Promise<boolean> {
  const lookup = async () => {
    const queue = segmentQueue();
    // enqueueSegmentRecompute deduplicates on this id, so it names the one pending job of the segment.
    const jobId = await queue.getDeduplicationJobId(`segment-${segmentId}`);
    if (!jobId) return false;
    return WAITING_STATES.has(await queue.getJobState(jobId));
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), LOOKUP_TIMEOUT_MS);
  });
  try {
    return await Promise.race([lookup(), timeout]);
  } catch (error) {
    logger.warn({ err: error, segmentId }, 'could not read segment recompute state');
    return false;
  } finally {
    clearTimeout(timer);
  }
}
