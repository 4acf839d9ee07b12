import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchMembers } from '@/server/queries/members';
import { listActivities } from '@/server/queries/timeline';
import { createTestContext, type TestContext } from '@/test/harness';
import { createDb, type Database, type Db } from './client';
import { setScope, withSystemScope, withTenant } from './scope';

/**
 * Row-level security (drizzle/0004_row_level_security.sql), proven through the app's own connection (role
 * crm_app): outside a scope nothing is visible or writable, a tenant scope sees exactly that tenant, the system
 * scope sees everything, and every table with a tenant column is covered — a new one without a policy fails here.
 */
const A = 'rls-alpha';
const B = 'rls-bravo';

interface RlsTable {
  name: string;
  /** The column that names the tenant: tenant_id, or id for the tenants table itself. */
  tenantColumn: string;
  enabled: boolean;
  forced: boolean;
  policies: { name: string; roles: string[] }[];
}

/** Every table of the app with a tenant column, read from the catalog so that a table added later is included. */
async function tablesWithTenantColumn(db: Database): Promise<RlsTable[]> {
  const rows = await db.execute<{ name: string; tenant_column: string; enabled: boolean; forced: boolean; policies: { name: string; roles: string[] }[] | null }>(sql`
    select c.relname as name,
      case when c.relname = 'tenants' then 'id' else 'tenant_id' end as tenant_column,
      c.relrowsecurity as enabled, c.relforcerowsecurity as forced,
      (select json_agg(json_build_object('name', p.policyname, 'roles', p.roles) order by p.policyname)
         from pg_policies p where p.schemaname = 'public' and p.tablename = c.relname) as policies
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p')
      and (c.relname = 'tenants'
        or exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped))
    order by c.relname`);
  return rows.map((r) => ({ name: r.name, tenantColumn: r.tenant_column, enabled: r.enabled, forced: r.forced, policies: r.policies ?? [] }));
}

/** Rows per tenant of one table (null: rows that belong to no tenant). */
async function countByTenant(db: Db, table: RlsTable): Promise<Record<string, number>> {
  const rows = await db.execute<{ tenant: string | null; n: number }>(
    sql`select ${sql.identifier(table.tenantColumn)} as tenant, count(*)::int as n from ${sql.identifier(table.name)} group by 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.tenant ?? 'null', r.n]));
}

/** The database's reason when it refuses a write (drizzle wraps the error; Postgres's words are in its cause). */
async function refusal(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    return String((error as { cause?: { message?: string } }).cause?.message ?? error);
  }
  throw new Error('the write was not refused');
}

/** At least one row in every tenant table for the club (through the owner connection, which row-level security does not bind). */
async function seedClub(db: Database, tenantId: string): Promise<{ profileId: string; segmentId: string }> {
  const one = async (query: SQL) => (await db.execute<{ id: string }>(query))[0]!.id;
  await db.execute(sql`insert into tenants (id, name) values (${tenantId}, ${tenantId})`);
  const profileId = await one(sql`
    insert into profiles (tenant_id, first_name, last_name, email, search_text)
    values (${tenantId}, 'Zanele', 'Mokoena', ${`zanele@${tenantId}.example`}, ${`zanele mokoena zanele@${tenantId}.example`})
    returning id`);
  const otherId = await one(sql`insert into profiles (tenant_id, search_text) values (${tenantId}, 'sipho dlamini') returning id`);
  const segmentId = await one(sql`insert into segments (tenant_id, name, type) values (${tenantId}, 'Hand-picked', 'STATIC') returning id`);
  const userId = await one(sql`insert into staff_users (email, name) values (${`admin@${tenantId}.example`}, 'Admin') returning id`);
  await db.execute(sql`
    insert into activities (tenant_id, profile_id, source, source_event_id, event_type, type, title, occurred_at)
    values (${tenantId}, ${profileId}, 'scl', ${`evt-${tenantId}`}, 'scl.payment.received', 'PAYMENT_RECEIVED', 'Payment', now())`);
  await db.execute(sql`
    insert into profile_identities (tenant_id, profile_id, kind, value, source, confidence)
    values (${tenantId}, ${profileId}, 'email', ${`zanele@${tenantId}.example`}, 'scl', 100)`);
  await db.execute(sql`
    insert into profile_merges (tenant_id, winner_id, loser_id, reason, merged_by)
    values (${tenantId}, ${profileId}, ${otherId}, 'test', 'test')`);
  await db.execute(sql`
    insert into duplicate_candidates (tenant_id, profile_a, profile_b, reason) values (${tenantId}, ${profileId}, ${otherId}, 'same name')`);
  await db.execute(sql`
    insert into profile_scores (tenant_id, profile_id, kind, score, level, factors, scored_at)
    values (${tenantId}, ${profileId}, 'CHURN', 10, 'LOW', '[]', now())`);
  await db.execute(sql`
    insert into competitions (tenant_id, id, name, published_at, event_id) values (${tenantId}, 'champs', 'Club champs', now(), 'evt-comp')`);
  await db.execute(sql`insert into segment_memberships (tenant_id, segment_id, profile_id) values (${tenantId}, ${segmentId}, ${profileId})`);
  await db.execute(sql`
    insert into segment_membership_events (tenant_id, segment_id, profile_id, change, member_count)
    values (${tenantId}, ${segmentId}, ${profileId}, 'ENTERED', 1)`);
  await db.execute(sql`insert into staff_memberships (user_id, tenant_id, role) values (${userId}, ${tenantId}, 'admin')`);
  await db.execute(sql`
    insert into api_keys (tenant_id, name, prefix, key_hash, scopes) values (${tenantId}, 'Key', 'crm_test', ${`hash-${tenantId}`}, '{crm:read}')`);
  await db.execute(sql`insert into audit_log (tenant_id, actor_id, actor_label, action) values (${tenantId}, 'test', 'test', 'test.seeded')`);
  await db.execute(sql`insert into sweep_runs (tenant_id, as_of, status) values (${tenantId}, now(), 'DONE')`);
  await db.execute(sql`
    insert into sync_log (tenant_id, source, event_id, event_type, status) values (${tenantId}, 'scl', ${`evt-${tenantId}`}, 'scl.payment.received', 'SUCCESS')`);
  await db.execute(sql`
    insert into dead_letters (tenant_id, source, event_id, event_type, job_name, job_data, reason, failed_step, error, attempts)
    values (${tenantId}, 'scl', ${`dead-${tenantId}`}, 'scl.member.created', 'event', '{}', 'invalid_payload', 'parse', 'bad', 1)`);
  await db.execute(sql`insert into outbox (id, tenant_id, type, envelope) values (${`out-${tenantId}`}, ${tenantId}, 'crm.profile.updated', '{}')`);
  return { profileId, segmentId };
}

describe('row-level security', () => {
  let ctx: TestContext;
  let tables: RlsTable[];
  let alpha: { profileId: string; segmentId: string };
  /** A one-connection app client: proves a scope ends with its transaction on the connection the pool reuses. */
  let single: Database;

  beforeAll(async () => {
    ctx = await createTestContext('rls');
    alpha = await seedClub(ctx.db, A);
    await seedClub(ctx.db, B);
    // Rows of no tenant: an event dead-lettered before its tenant was known, and an operator's audit entry.
    await ctx.db.execute(sql`
      insert into dead_letters (tenant_id, source, event_id, event_type, job_name, job_data, reason, failed_step, error, attempts)
      values (null, 'scl', 'dead-orphan', 'scl.member.created', 'event', '{}', 'unknown_tenant', 'resolve_identity', 'no tenant', 1)`);
    await ctx.db.execute(sql`insert into sync_log (tenant_id, source, event_id, event_type, status) values (null, 'scl', 'dead-orphan', 'x', 'DEAD_LETTERED')`);
    await ctx.db.execute(sql`insert into audit_log (tenant_id, actor_id, actor_label, action) values (null, 'cli', 'operator', 'test.global')`);
    tables = await tablesWithTenantColumn(ctx.db);
    single = createDb({ url: ctx.databaseUrl, max: 1 });
  });

  afterAll(async () => {
    await single?.$client.end({ timeout: 5 });
    await ctx?.cleanup();
  });

  it('runs the app as crm_app: not a superuser, no BYPASSRLS, no inherited system role, owner of no table', async () => {
    const [me] = await ctx.appDb.execute<{ user: string; super: boolean; bypass: boolean; inherit: boolean; owned: number }>(sql`
      select current_user as user, r.rolsuper as super, r.rolbypassrls as bypass, r.rolinherit as inherit,
        (select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relowner = r.oid and c.relkind in ('r', 'p')) as owned
      from pg_roles r where r.rolname = current_user`);
    expect(me).toEqual({ user: 'crm_app', super: false, bypass: false, inherit: false, owned: 0 });
    const [system] = await ctx.db.execute<{ super: boolean; bypass: boolean }>(
      sql`select rolsuper as super, rolbypassrls as bypass from pg_roles where rolname = 'crm_system'`,
    );
    expect(system).toEqual({ super: false, bypass: false });
  });

  it('has row-level security enabled and forced, with both policies, on every table with a tenant column', async () => {
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['activities', 'dead_letters', 'profiles', 'tenants']));
    expect(tables.length).toBeGreaterThanOrEqual(18);
    for (const table of tables) {
      expect({ table: table.name, enabled: table.enabled, forced: table.forced, policies: table.policies }).toEqual({
        table: table.name,
        enabled: true,
        forced: true,
        policies: [
          { name: 'system_scope', roles: ['crm_system'] },
          { name: 'tenant_scope', roles: ['public'] },
        ],
      });
    }
  });

  it('has rows of both tenants in every such table (so the checks below are not vacuous)', async () => {
    for (const table of tables) {
      const counts = await countByTenant(ctx.db, table);
      expect({ table: table.name, a: (counts[A] ?? 0) > 0, b: (counts[B] ?? 0) > 0 }).toEqual({ table: table.name, a: true, b: true });
    }
  });

  it('a query that forgets the tenant, outside any scope, returns nothing from any table', async () => {
    for (const table of tables) {
      expect({ table: table.name, rows: await countByTenant(ctx.appDb, table) }).toEqual({ table: table.name, rows: {} });
    }
    const [search] = await ctx.appDb.execute<{ n: number }>(sql`select count(*)::int as n from profile_search`);
    expect(search!.n).toBe(0);
    // The data layer's own queries find nothing either, though they name the tenant.
    expect((await searchMembers(ctx.appDb, { tenantId: A })).rows).toEqual([]);
  });

  it('refuses to write outside a scope', async () => {
    expect(await refusal(ctx.appDb.execute(sql`insert into profiles (tenant_id) values (${A})`))).toMatch(
      /new row violates row-level security policy for table "profiles"/,
    );
    const updated = await ctx.appDb.execute(sql`update profiles set first_name = 'X' where tenant_id = ${A} returning id`);
    expect(updated).toHaveLength(0);
    const deleted = await ctx.appDb.execute(sql`delete from outbox returning id`);
    expect(deleted).toHaveLength(0);
  });

  it("in tenant A's scope sees exactly A's rows in every table, and no row of B or of no tenant", async () => {
    for (const table of tables) {
      const counts = await withTenant(ctx.appDb, A, (tx) => countByTenant(tx, table));
      const owned = (await countByTenant(ctx.db, table))[A];
      expect({ table: table.name, rows: counts }).toEqual({ table: table.name, rows: { [A]: owned } });
    }
    const search = await withTenant(ctx.appDb, A, (tx) => tx.execute<{ tenant_id: string }>(sql`select tenant_id from profile_search`));
    expect(search.map((r) => r.tenant_id)).toEqual([A, A]);
  });

  it("in tenant A's scope cannot write B's rows: inserts are refused, updates and deletes find nothing", async () => {
    const insert = withTenant(ctx.appDb, A, (tx) =>
      tx.execute(sql`insert into audit_log (tenant_id, actor_id, actor_label, action) values (${B}, 'x', 'x', 'x')`),
    );
    expect(await refusal(insert)).toMatch(/new row violates row-level security policy/);
    // Moving one's own row to another tenant is a write into that tenant, refused the same way.
    const move = withTenant(ctx.appDb, A, (tx) => tx.execute(sql`update segments set tenant_id = ${B} where tenant_id = ${A}`));
    expect(await refusal(move)).toMatch(/new row violates row-level security policy/);
    const changed = await withTenant(ctx.appDb, A, async (tx) => [
      ...(await tx.execute(sql`update profiles set first_name = 'X' where tenant_id = ${B} returning id`)),
      ...(await tx.execute(sql`delete from api_keys where tenant_id = ${B} returning id`)),
    ]);
    expect(changed).toHaveLength(0);
    expect(await countByTenant(ctx.db, tables.find((t) => t.name === 'api_keys')!)).toEqual({ [A]: 1, [B]: 1 });
  });

  it("catches a data-layer query that names the wrong tenant: A's scope finds nothing of B", async () => {
    const own = await withTenant(ctx.appDb, A, (tx) => searchMembers(tx, { tenantId: A, q: 'zanele' }));
    expect(own.rows.map((r) => r.id)).toEqual([alpha.profileId]);
    const foreign = await withTenant(ctx.appDb, A, (tx) => searchMembers(tx, { tenantId: B, q: 'zanele' }));
    expect(foreign.rows).toEqual([]);
    const timeline = await withTenant(ctx.appDb, B, (tx) => listActivities(tx, { tenantId: A, profileId: alpha.profileId }));
    expect(timeline).toBeNull();
  });

  it('the system scope sees every row, those of no tenant included', async () => {
    for (const table of tables) {
      const counts = await withSystemScope(ctx.appDb, (tx) => countByTenant(tx, table));
      expect({ table: table.name, rows: counts }).toEqual({ table: table.name, rows: await countByTenant(ctx.db, table) });
    }
    const orphans = await withSystemScope(ctx.appDb, (tx) =>
      tx.execute<{ event_id: string }>(sql`select event_id from dead_letters where tenant_id is null`),
    );
    expect(orphans.map((r) => r.event_id)).toEqual(['dead-orphan']);
  });

  it('a scope ends with its transaction: the reused connection is crm_app with no scope again', async () => {
    const profiles = tables.find((t) => t.name === 'profiles')!;
    const during = await withSystemScope(single, async (tx) => {
      const [who] = await tx.execute<{ user: string }>(sql`select current_user as user`);
      return { user: who!.user, rows: await countByTenant(tx, profiles) };
    });
    expect(during).toEqual({ user: 'crm_system', rows: { [A]: 2, [B]: 2 } });
    expect(await withTenant(single, B, (tx) => countByTenant(tx, profiles))).toEqual({ [B]: 2 });
    const [after] = await single.execute<{ user: string; tenants: string }>(
      sql`select current_user as user, coalesce(current_setting('crm.tenants', true), '') as tenants`,
    );
    expect(after).toEqual({ user: 'crm_app', tenants: '' });
    expect(await countByTenant(single, profiles)).toEqual({});
  });

  it('a scope nested in a transaction keeps the outer one: never widened', async () => {
    const profiles = tables.find((t) => t.name === 'profiles')!;
    const nested = await withTenant(ctx.appDb, A, (tx) => withSystemScope(tx, (inner) => countByTenant(inner, profiles)));
    expect(nested).toEqual({ [A]: 2 });
  });

  it('takes a tenant id as data, never as SQL or array syntax', async () => {
    const profiles = tables.find((t) => t.name === 'profiles')!;
    for (const hostile of [`${A},${B}`, `{${A},${B}}`, `"${A}","${B}"`, `${A}'); select 1; --`]) {
      expect(await withTenant(ctx.appDb, hostile, (tx) => countByTenant(tx, profiles))).toEqual({});
    }
    // Several tenants are possible, but only as a list given to setScope.
    const both = await ctx.appDb.transaction(async (tx) => {
      await setScope(tx, [A, B]);
      return countByTenant(tx, profiles);
    });
    expect(both).toEqual({ [A]: 2, [B]: 2 });
  });

  describe('index use under a tenant scope', () => {
    const P = 'rls-plans';
    let someone: string;

    // Enough rows, analysed, for the planner to choose as it would in production.
    beforeAll(async () => {
      await ctx.db.execute(sql`insert into tenants (id, name) values (${P}, ${P})`);
      await ctx.db.execute(sql`
        insert into profiles (tenant_id, search_text)
        select ${P}, 'person ' || md5(i::text) || ' ' || i from generate_series(1, 5000) i`);
      await ctx.db.execute(sql`
        insert into activities (tenant_id, profile_id, source, source_event_id, event_type, type, title, occurred_at)
        select ${P}, p.id, 'scl', p.id || '-' || k, 'teetime.booking.created', 'BOOKING_CREATED', 'Booking', now() - k * interval '1 day'
        from profiles p, generate_series(1, 4) k where p.tenant_id = ${P}`);
      await ctx.db.execute(sql`analyze`);
      [{ id: someone }] = await ctx.db.execute<{ id: string }>(sql`select id from profiles where tenant_id = ${P} limit 1`);
    });

    /** The plan of a query in the tenant's scope, with sequential scans priced out: which indexes the policies allow. */
    async function planOf(query: SQL): Promise<string> {
      return withTenant(ctx.appDb, P, async (tx) => {
        await tx.execute(sql`set local enable_seqscan = off`);
        const rows = await tx.execute<{ 'QUERY PLAN': string }>(sql`explain ${query}`);
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      });
    }

    it('member search finds its candidates through the trigram index and reads whole rows only for its page', async () => {
      // The shape of searchMembers' text search (textSearchPage in server/queries/members.ts).
      const plan = await planOf(sql`
        with profiles as (select * from profile_search)
        select profiles.id, page.matches from profiles
        join (
          select profiles.id, count(*) over () as matches
          from (select id, search_text, last_activity_at from profile_search as profiles
                where tenant_id = ${P} and status not in ('MERGED', 'DELETED') and search_text like '%c4ca42%' offset 0) as profiles
          order by (search_text like 'c4ca42%' or search_text like '% c4ca42%')::int desc, last_activity_at desc nulls last, id
          limit 25) as page on page.id = profiles.id`);
      expect(plan).toContain('profiles_search_trgm_idx');
      // The page's 25 rows, each by its primary key: no scan of the club.
      expect(plan).toMatch(/Index Scan using profiles_pkey on profiles[\s\S]*Index Cond: \(id = /);
      expect(plan).not.toMatch(/Seq Scan on profiles/);
    });

    it("a person's timeline is read by the (tenant, profile, time) index", async () => {
      const plan = await planOf(sql`
        select id from activities where tenant_id = ${P} and profile_id = ${someone}
        order by occurred_at desc, id desc limit 51`);
      expect(plan).toMatch(/(Index|Index Only|Bitmap Index) Scan (Backward )?(using|on) activities_timeline_idx/);
      expect(plan).toMatch(/Index Cond: .*\(tenant_id = '[^']+'::text\) AND \(profile_id = /);
    });
  });
});
