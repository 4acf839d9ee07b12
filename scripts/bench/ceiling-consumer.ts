/**
 * The benchmark's ceiling consumer: BullMQ's Worker taking no-op jobs with the worker's queue settings, in a process
 * of its own started with the worker's Node flags (workers/node-flags.ts), as the pipeline's worker runs, and 32 MB
 * semi-spaces (scripts/bench.ts, CEILING_SEMI_SPACE). In the
 * benchmark's own process it ran under Node's default heap settings (and beside the benchmark's generated workload),
 * which made BullMQ 27–49 % slower than in a process with the worker's flags (five pairs, 2026-12-07) and the ratio
 * look better than it was.
 *
 * Started by scripts/bench.ts with CEILING_PREFIX, CEILING_JOBS and CEILING_CONCURRENCY; prints `ready` once
 * connected, then one JSON line when every job is done: the jobs per second (first job started → last), and this
 * process's CPU milliseconds per job over the same span.
 */
import { Worker } from 'bullmq';
import { createRedis, INBOUND_QUEUE } from '@/server/queue/connection';
import { KEEP_COMPLETED } from '@/server/queue/job-options';

const prefix = process.env.CEILING_PREFIX!;
const jobs = Number(process.env.CEILING_JOBS);
const concurrency = Number(process.env.CEILING_CONCURRENCY);

const connection = createRedis({ forWorker: true });
let done = 0;
let first = 0;
let last = 0;
let cpuAtFirst: NodeJS.CpuUsage | null = null;
const worker = new Worker(
  INBOUND_QUEUE,
  async () => {
    if (!first) {
      first = performance.now();
      cpuAtFirst = process.cpuUsage();
    }
    last = performance.now();
    done++;
  },
  { connection, prefix, concurrency, removeOnComplete: KEEP_COMPLETED, autorun: false },
);
await connection.ping();
process.stdout.write('ready\n');
void worker.run();
while (done < jobs) await new Promise((resolve) => setTimeout(resolve, 20));
const cpu = process.cpuUsage(cpuAtFirst ?? undefined);
await worker.close();
connection.disconnect();
process.stdout.write(`${JSON.stringify({ perSec: Math.round(jobs / ((last - first) / 1000)), cpuMsPerJob: (cpu.user + cpu.system) / 1000 / jobs })}\n`);
process.exit(0);
