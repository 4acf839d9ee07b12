import { Worker } from 'bullmq';
import { sql } from 'drizzle-orm';
import { OUTBOUND_QUEUE } from '@/server/queue/connection';
import { journalOutbox } from '@/test/outbox-journal';
import { drain, startStack, verdict } from './stack';
import type { Scenario } from './types';
import { seconds, waitUntil } from './wait';
import { feed } from './workload';

const FEED_RATE = 500;
const CRASHES = 3;

/**
 * 6. The outbox relay dies between publishing a batch to crm-outbound and deleting the rows it sent ("mark-sent"):
 * the worker runs with CRM_FAULT_RELAY_EXIT_AFTER_PUBLISH=2, so its relay SIGKILLs the process right after its 2nd
 * published batch. It is restarted that way three times, then normally. A downstream consumer on crm-outbound must
 * receive every outbox id at least once, each delivery carrying its stable id (job id = envelope id) so it can drop
 * repeats.
 */
export const relayCrash: Scenario = {
  id: 6,
  name: 'Outbox relay killed between publish and mark-sent',
  usesModel: true,
  timeoutMs: () => 7 * 60_000,
  async run(ctx) {
    const { workload } = ctx;
    const stack = await startStack(ctx, 's6');
    // The relay deletes what it sends; the journal keeps every outbox id ever written, to compare with deliveries.
    const journal = await journalOutbox(stack.db);
    const deliveries = new Map<string, number>();
    const mislabelled: string[] = [];
    const connection = stack.redis.client({ blocking: true });
    const consumer = new Worker(
      OUTBOUND_QUEUE,
      async (job) => {
        const envelopeId = (job.data as { id?: string }).id;
        if (envelopeId !== job.id) mislabelled.push(`${job.id} carries ${envelopeId}`);
        deliveries.set(job.id!, (deliveries.get(job.id!) ?? 0) + 1);
      },
      { connection, prefix: stack.target.prefix, concurrency: 50 },
    );
    consumer.on('error', () => {});
    ctx.cleanup.add('outbound consumer', async () => {
      await consumer.close(true).catch(() => {});
      connection.disconnect();
    });

    const feeder = feed(stack.queue, workload.jobs, { rate: FEED_RATE, signal: ctx.signal });
    let lastCrash = Date.now();
    let republished = 0;
    for (let i = 1; i <= CRASHES; i++) {
      const worker = await stack.spawnWorker({ CRM_FAULT_RELAY_EXIT_AFTER_PUBLISH: '2' });
      const code = await Promise.race([worker.exited, new Promise((r) => setTimeout(r, 120_000, 'timeout'))]);
      if (code !== null) throw new Error(`the relay did not kill its worker (exit ${String(code)}): ${worker.output().slice(-300)}`);
      lastCrash = Date.now();
      const [o] = await stack.db.execute<{ unsent: number; sent: number }>(sql`
        select (select count(*)::int from outbox) as unsent, (select count(distinct id)::int from outbox_journal) - (select count(*)::int from outbox) as sent`);
      republished += o.unsent;
      ctx.log(`crash ${i}: relay killed after publishing; outbox ${o.sent.toLocaleString()} sent, ${o.unsent.toLocaleString()} not (${deliveries.size.toLocaleString()} ids delivered)`);
    }
    await stack.spawnWorker();
    await feeder.done;
    await drain(ctx, stack, workload.unique + workload.bad, 240_000);
    const sentMs = await waitUntil('every outbox row sent', async () => {
      const [r] = await stack.db.execute<{ n: number }>(sql`select count(*)::int as n from outbox`);
      return r.n === 0;
    }, { timeoutMs: 60_000, signal: ctx.signal });
    const outboxIds = await journal.ids();
    await waitUntil('every outbox id delivered', async () => outboxIds.every((id) => deliveries.has(id)), { timeoutMs: 60_000, signal: ctx.signal }).catch(() => {});

    const problems: string[] = [];
    const missing = outboxIds.filter((id) => !deliveries.has(id));
    const known = new Set(outboxIds);
    const unknown = [...deliveries.keys()].filter((id) => !known.has(id));
    const repeats = [...deliveries.values()].reduce((a, n) => a + n - 1, 0);
    if (missing.length) problems.push(`${missing.length} outbox ids never delivered, e.g. ${missing.slice(0, 3).join(', ')}`);
    if (unknown.length) problems.push(`${unknown.length} deliveries with ids not in the outbox`);
    if (mislabelled.length) problems.push(`${mislabelled.length} deliveries whose envelope id is not the job id, e.g. ${mislabelled[0]}`);
    const recoveryMs = Date.now() - lastCrash;
    return verdict(ctx, stack, {
      recovery: `${seconds(recoveryMs)} last crash → all sent`,
      notes: [
        `${CRASHES} relay crashes between publish and mark-sent; ${outboxIds.length.toLocaleString()} outbox ids, each delivered ≥ 1 time carrying its id; ${republished} rows were published again after a crash (BullMQ kept one job per id: ${repeats} repeat deliveries reached the consumer); outbox all sent ${seconds(sentMs)} after the inbound queue drained`,
      ],
      problems,
    });
  },
};
