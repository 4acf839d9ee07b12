import { createDb } from '@/server/db/client';
import { env, EnvError } from '@/server/env';
import { logger } from '@/server/logger';
import { createRedis, queuePrefix } from '@/server/queue/connection';
import { startConsumer } from './consumer';
import { checkHealth, checkRedisPolicy, startHealthServer } from './health';
import { startMaintenance } from './maintenance';
import { startOutboxRelay } from './outbox-relay';
import { startRetention } from './retention';
import { startSegmentRecomputeWorker } from './segment-recompute';
import { startSweepScheduler } from './sweep';
import { afterSweepBatch } from './pipeline/after-rescore';

/**
 * The worker process: consumes crm-events through the pipeline, relays the outbox to crm-outbound and serves a
 * health endpoint. SIGTERM finishes in-flight events and exits within 10 s; SIGKILL loses nothing (jobs stall and
 * are redelivered; every step is idempotent).
 */
async function main() {
  let config;
  try {
    config = env();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  // The pipeline thread has its own connections (lanes + 1); these serve the relay, sweeps, maintenance and health.
  const db = createDb({ max: 4 });
  const probe = createRedis();
  const policyProblem = await checkRedisPolicy(probe).catch(() => null);
  if (policyProblem) {
    logger.fatal({ problem: policyProblem }, 'refusing to start');
    console.error(policyProblem);
    process.exit(1);
  }

  const prefix = queuePrefix();
  const consumer = startConsumer({
    logger,
    prefix,
    concurrency: config.WORKER_CONCURRENCY,
    lanes: config.WORKER_LANES,
    maxBatch: config.WORKER_BATCH_SIZE,
    lockDurationMs: config.WORKER_LOCK_MS,
  });
  const relay = startOutboxRelay({ db, logger, prefix, killAfterPublishedBatches: config.CRM_FAULT_RELAY_EXIT_AFTER_PUBLISH });
  const segmentConnection = createRedis({ forWorker: true });
  const segmentWorker = startSegmentRecomputeWorker({ connection: segmentConnection, prefix, db });
  const sweepConnection = createRedis({ forWorker: true });
  const sweeps = await startSweepScheduler({ connection: sweepConnection, prefix, db, logger, afterBatch: afterSweepBatch });
  const retention = startRetention({ connection: probe, prefix, logger });
  // VACUUM and ANALYZE need the tables' owner: one connection of its own, used only when autovacuum is off.
  const ownerDb = createDb({ max: 1, owner: true });
  const maintenance = startMaintenance({ ownerDb, logger });
  // Ready (and healthy) from when the consumer takes jobs: the pipeline thread has loaded.
  await consumer.ready;
  const health = config.WORKER_HEALTH_PORT
    ? startHealthServer(config.WORKER_HEALTH_PORT, () => checkHealth(db, probe), () => ({ stalledJobs: consumer.stalledJobs(), pipelineHeap: consumer.pipelineHeap() }))
    : null;
  logger.info(
    { concurrency: config.WORKER_CONCURRENCY, lanes: config.WORKER_LANES, batch: config.WORKER_BATCH_SIZE, prefix },
    'worker started',
  );

  let stopping = false;
  async function shutdown(signal: string) {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker stopping');
    const hardStop = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 9_000);
    hardStop.unref();
    await consumer.close();
    await Promise.all([relay.close(), segmentWorker.close(), sweeps.close(), retention.close(), maintenance.close()]);
    segmentConnection.disconnect();
    sweepConnection.disconnect();
    health?.close();
    probe.disconnect();
    await Promise.all([db.$client.end({ timeout: 2 }), ownerDb.$client.end({ timeout: 2 })]);
    logger.info('worker stopped');
    process.exit(0);
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

void main();
