import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RANK_AUTHORITATIVE, RANK_FILL } from '@/server/events/types';
import { storeVersions, WRITABLE_FIELDS, type FieldVersion, type VersionsByField } from '@/server/profiles/fields';
import { createTestContext, type TestContext } from '@/test/harness';
import { createTenantRow } from '@/test/pipeline';
import { profiles } from './schema';

const T = 'test-club';

/** Migration 0013's conversion, a function the migration drops once the table is rewritten through it. */
const CONVERSION = readFileSync(path.resolve(import.meta.dirname, '../../drizzle/0013_compact_field_versions.sql'), 'utf8')
  .split('--> statement-breakpoint')
  .find((statement) => statement.includes('CREATE FUNCTION stored_field_versions'))!;

// Event ids of mixed case, punctuation and accents: where a locale's collation would order them otherwise than the
// worker (by code unit). The migration sorts with COLLATE "C"; this machine's databases sort so by default.
const versionArb: fc.Arbitrary<FieldVersion> = fc.tuple(
  fc.constantFrom(RANK_FILL, RANK_AUTHORITATIVE),
  fc.constantFrom('2026-01-01T10:00:00.000Z', '2026-01-01T10:00:01.000Z', '2025-12-31T23:59:59.999Z'),
  fc.constantFrom('evt_a', 'evt_B', 'evt-a', 'EVT_a', '0d9f6c1e-54a3-4f10-9c1b-2a7e5d3c8b40', 'évt'),
);
const oldMapArb = fc.dictionary(fc.constantFrom(...WRITABLE_FIELDS), versionArb, { maxKeys: WRITABLE_FIELDS.length });

describe('migration 0013: field versions stored once per version', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext('compact_versions');
    await createTenantRow(ctx.db, T);
  });
  afterAll(async () => ctx?.cleanup());

  it('leaves no conversion function behind, and a new profile starts with no versions', async () => {
    const [fn] = await ctx.db.execute<{ n: number }>(sql`select count(*)::int as n from pg_proc where proname = 'stored_field_versions'`);
    expect(fn?.n).toBe(0);
    const [row] = await ctx.db.insert(profiles).values({ tenantId: T }).returning({ versions: profiles.fieldVersions });
    expect(row?.versions).toEqual([]);
  });

  describe('its conversion', () => {
    beforeAll(async () => {
      await ctx.db.execute(sql.raw(CONVERSION));
    });

    const convert = async (versions: unknown): Promise<unknown> => {
      const [row] = await ctx.db.execute<{ stored: unknown }>(sql`select stored_field_versions(${JSON.stringify(versions)}::jsonb) as stored`);
      return row?.stored;
    };

    it('groups the fields of each version, in the stored form the worker writes', async () => {
      const member: FieldVersion = [RANK_AUTHORITATIVE, '2026-01-02T00:00:00.000Z', 'scl-1'];
      const player: FieldVersion = [RANK_AUTHORITATIVE, '2026-01-01T00:00:00.000Z', 'tt-1'];
      expect(await convert({ membershipTier: member, handicap: player, lastName: member, firstName: member })).toEqual([
        [...player, 'handicap'],
        [...member, 'firstName', 'lastName', 'membershipTier'],
      ]);
      expect(await convert({})).toEqual([]);
    });

    it('gives every old map the form storeVersions gives it', async () => {
      await fc.assert(
        fc.asyncProperty(oldMapArb, async (oldMap) => {
          expect(await convert(oldMap)).toEqual(storeVersions(oldMap as VersionsByField));
        }),
        { numRuns: 100 },
      );
    });

    it('leaves versions already in the new form as they are', async () => {
      const v: FieldVersion = [RANK_FILL, '2026-03-01T00:00:00.000Z', 'm-1'];
      const stored = storeVersions({ email: v, smsOptIn: v });
      expect(await convert(stored)).toEqual(stored);
      expect(await convert([])).toEqual([]);
    });
  });
});
