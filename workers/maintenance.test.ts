import { describe, expect, it } from 'vitest';
import { maintenanceFor } from './maintenance';

describe('maintenanceFor', () => {
  it('vacuums past 1,000 + 10 % dead row versions, analyzes past 1,000 + 50 % changes, otherwise leaves the table alone', () => {
    expect(maintenanceFor({ table: 'profiles', live: 6_000, dead: 1_601, modifiedSinceAnalyze: 0 })).toBe('vacuum');
    expect(maintenanceFor({ table: 'profiles', live: 6_000, dead: 1_601, modifiedSinceAnalyze: 4_000 })).toBe('vacuum');
    expect(maintenanceFor({ table: 'profiles', live: 6_000, dead: 1_601, modifiedSinceAnalyze: 4_001 })).toBe('vacuum analyze');
    expect(maintenanceFor({ table: 'profiles', live: 6_000, dead: 1_600, modifiedSinceAnalyze: 0 })).toBeNull();
    expect(maintenanceFor({ table: 'activities', live: 150_000, dead: 0, modifiedSinceAnalyze: 76_001 })).toBe('analyze');
    expect(maintenanceFor({ table: 'activities', live: 150_000, dead: 0, modifiedSinceAnalyze: 76_000 })).toBeNull();
    expect(maintenanceFor({ table: 'tenants', live: 1, dead: 3, modifiedSinceAnalyze: 4 })).toBeNull();
  });
});
