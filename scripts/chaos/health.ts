import type { ChaosWorker, HealthReading } from './workers';

/** Samples every worker's /health once a second until stopped, for checking what they reported during a fault. */
export function sampleHealth(workers: () => ChaosWorker[]) {
  /** `at` when the request was sent, `until` when its answer came: the answer describes that whole interval. */
  const readings: { at: number; until: number; worker: string; reading: HealthReading | null }[] = [];
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const at = Date.now();
      const current = workers();
      await Promise.all(current.map(async (worker) => {
        const reading = await worker.health();
        readings.push({ at, until: Date.now(), worker: worker.name, reading });
      }));
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  return {
    readings,
    async stop() {
      stopped = true;
      await done;
    },
  };
}
