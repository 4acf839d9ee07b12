import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NonRetryableError } from '../errors';
import { envelopeFixture, envelopeFixtureTypes, flatFixture, flatFixtureNames } from './fixtures';
import { normalizeJob } from './normalize';

/** normalizeJob either accepts a job or refuses it with the never-retry error and a reason: nothing else escapes. */
function outcome(name: string, data: unknown): 'ok' | string {
  try {
    normalizeJob({ name, data, timestamp: Date.now() });
    return 'ok';
  } catch (error) {
    if (error instanceof NonRetryableError) return error.reason;
    throw error;
  }
}

/** Replaces the value at one random path of an object with a random JSON value (a producer bug). */
function mutate(value: unknown, path: number[], replacement: unknown): unknown {
  if (path.length === 0 || value === null || typeof value !== 'object') return replacement;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return replacement;
  const [key, child] = entries[path[0] % entries.length];
  return { ...(value as object), [key]: mutate(child, path.slice(1), replacement) };
}

const REASONS = ['invalid_envelope', 'invalid_payload', 'unknown_event_type', 'unsupported_version'];

describe('normalizeJob under random and mutated input', () => {
  it('never throws anything but a reasoned refusal for arbitrary job data', () => {
    fc.assert(
      fc.property(fc.string(), fc.anything(), (name, data) => {
        const result = outcome(name, data);
        expect(result === 'ok' || REASONS.includes(result)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('accepts or refuses every fixture with one value mutated anywhere, never crashing', () => {
    const types = envelopeFixtureTypes();
    const flats = flatFixtureNames();
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.nat(),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.jsonValue(),
        (flat, pick, path, replacement) => {
          const [name, data] = flat
            ? (() => {
                const job = flatFixture(flats[pick % flats.length]);
                return [job.name, job.data] as const;
              })()
            : (['event', envelopeFixture(types[pick % types.length])] as const);
          const result = outcome(name, mutate(data, path, replacement));
          expect(result === 'ok' || REASONS.includes(result)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
