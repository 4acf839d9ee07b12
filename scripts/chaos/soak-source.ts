import { generateDemo } from '@/server/demo/generate';
import { toJob, type ChaosJob } from './workload';

/**
 * An endless supply of fresh, realistic events for one tenant: the demo generator's cast of 100 people at a time,
 * each batch with its own seed (so its own event ids), generated only when the feed needs it.
 */
export function soakSource(tenantId: string, now: number) {
  let seed = 90_000;
  let buffer: ChaosJob[] = [];
  return {
    take(n: number): ChaosJob[] {
      while (buffer.length < n) buffer = buffer.concat(generateDemo({ tenantId, people: 100, seed: seed++, now }).items.map(toJob));
      const out = buffer.slice(0, n);
      buffer = buffer.slice(n);
      return out;
    },
  };
}
