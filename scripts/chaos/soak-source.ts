import { generateDemo } from '@/server/demo/generate';
import { CastBook } from '@/server/demo/people';
import { toJob, type ChaosJob } from './workload';

/** People per generated batch: small, so the generator (synchronous, ~1.8 ms a person) never holds up publishing. */
const PEOPLE_PER_BATCH = 20;

/**
 * An endless supply of fresh, realistic events for one tenant: the demo generator's cast of a few people at a time,
 * each batch with its own seed (so its own event ids) and new people (one CastBook, so no member number, email or
 * phone of an earlier batch comes back on someone else: that would make every event a merge), generated only when
 * the feed needs it.
 */
export function soakSource(tenantId: string, now: number) {
  let seed = 90_000;
  let buffer: ChaosJob[] = [];
  const book = new CastBook();
  return {
    take(n: number): ChaosJob[] {
      while (buffer.length < n) buffer = buffer.concat(generateDemo({ tenantId, people: PEOPLE_PER_BATCH, seed: seed++, now, book }).items.map(toJob));
      const out = buffer.slice(0, n);
      buffer = buffer.slice(n);
      return out;
    },
  };
}
