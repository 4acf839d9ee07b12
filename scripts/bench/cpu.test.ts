import { describe, expect, it } from 'vitest';
import { cpuShares, stealPct, type CpuSnapshot } from './cpu';

const snapshot = (busy: number, idle: number, steal: number, processes: [number, string, number][]): CpuSnapshot => ({
  busy,
  idle,
  steal,
  processes: new Map(processes.map(([pid, comm, ticks]) => [pid, { comm, ticks }])),
});

describe('cpuShares', () => {
  it('splits the machine between the worker, Postgres, Redis, the rest, steal and idle', () => {
    const before = snapshot(1000, 1000, 100, [[1, 'node', 100], [2, 'postgres', 50], [3, 'redis-server', 10]]);
    const after = snapshot(1000 + 700, 1000 + 200, 100 + 100, [[1, 'node', 100 + 300], [2, 'postgres', 50 + 200], [3, 'redis-server', 10 + 100]]);
    const shares = cpuShares(before, after, [1], 2000);
    expect(shares).toMatchObject({ workerPct: 30, postgresPct: 20, redisPct: 10, otherPct: 10, stealPct: 10, idlePct: 20 });
    // 300 ticks of 10 ms over 2,000 events.
    expect(shares.workerMsPerEvent).toBe(1.5);
  });

  it('counts a stolen tick as nobody\'s: the processes keep their shares of what ran', () => {
    const before = snapshot(0, 0, 0, [[1, 'node', 0]]);
    const after = snapshot(500, 0, 500, [[1, 'node', 500]]);
    expect(cpuShares(before, after, [1])).toMatchObject({ workerPct: 50, otherPct: 0, stealPct: 50, idlePct: 0 });
  });
});

describe('stealPct', () => {
  it('is the stolen share of every tick between two readings of the machine', () => {
    expect(stealPct({ busy: 100, idle: 50, steal: 10 }, { busy: 160, idle: 60, steal: 40 })).toBe(30);
  });

  it('is 0 when no tick passed (two readings within one tick)', () => {
    expect(stealPct({ busy: 5, idle: 5, steal: 5 }, { busy: 5, idle: 5, steal: 5 })).toBe(0);
  });
});
