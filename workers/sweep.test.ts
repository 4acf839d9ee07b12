import { describe, expect, it } from 'vitest';
import { schedulerIdFor, sweepInstant, sweepPattern } from './sweep';

describe('sweep scheduling', () => {
  it('runs daily at the tenant hour', () => {
    expect(sweepPattern(2)).toBe('0 2 * * *');
    expect(sweepPattern(23)).toBe('0 23 * * *');
  });

  it('scores a scheduled job at the instant it was scheduled for, so retries resume the same run', () => {
    const job = { id: `repeat:${schedulerIdFor('club-a')}:1767225600000`, timestamp: 1767225000000, delay: 0 };
    expect(sweepInstant(job, { tenantId: 'club-a' })).toEqual(new Date(1767225600000));
  });

  it('uses the asOf of a hand-added job, else when it was due', () => {
    const job = { id: 'manual-1', timestamp: 1767225000000, delay: 5000 };
    expect(sweepInstant(job, { tenantId: 'club-a', asOf: '2026-01-01T00:00:00Z' })).toEqual(new Date('2026-01-01T00:00:00Z'));
    expect(sweepInstant(job, { tenantId: 'club-a' })).toEqual(new Date(1767225005000));
  });
});
