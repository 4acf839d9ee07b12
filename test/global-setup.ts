import { buildWorker } from '@/workers/build';

/** Vitest's global setup for the integration tests: the worker processes they start run the current sources. */
export default async function setup(): Promise<void> {
  await buildWorker();
}
