import { and, asc, desc, eq, getTableColumns, inArray, notInArray, or, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { Db } from '@/server/db/client';
import {
  CHURN_LEVELS,
  LIFECYCLE_STAGES,
  PROFILE_STATUSES,
  profileIdentities,
  profileRankings,
  profiles,
  segmentMemberships,
  tenants,
} from '@/server/db/schema';
import { normalizePhone, phoneDigits } from '@/server/identity/normalize';
import { displayNameSql } from './display-name';
import { pagingSchema } from './paging';
import { escapeLike, foldSearchText, looksLikePhone } from './search-text';

export const MEMBER_SORTS = ['relevance', 'name', 'lastActivityAt', 'churnRiskScore', 'engagementScore'] as const;
export const CONSENT_FILTERS = ['email', 'sms', 'push', 'whatsapp', 'none'] as const;
export type ConsentFilter = (typeof CONSENT_FILTERS)[number];

const booleanish = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

/** Everything a member search can ask; the UI's URL and the read API parse into this one shape. */
export const memberSearchSchema = pagingSchema.extend({
  q: z.string().trim().max(200).optional(),
  /** Without a status, MERGED and DELETED profiles are left out. */
  status: z.enum(PROFILE_STATUSES).optional(),
  lifecycleStage: z.enum(LIFECYCLE_STAGES).optional(),
  tier: z.string().trim().min(1).max(100).optional(),
  churnLevel: z.enum(CHURN_LEVELS).optional(),
  consent: z.enum(CONSENT_FILTERS).optional(),
  segmentId: z.uuid().optional(),
  engagementMin: z.coerce.number().int().min(0).max(100).optional(),
  churnRiskMin: z.coerce.number().int().min(0).max(100).optional(),
  emailOptIn: booleanish.optional(),
  sort: z.enum(MEMBER_SORTS).optional(),
  dir: z.enum(['asc', 'desc']).optional(),
});
export type MemberSearch = z.input<typeof memberSearchSchema>;

/** Strong identifiers a query may be typed as verbatim (member numbers, player ids). */
const LINK_KINDS = ['sclMemberId', 'teetimePlayerId', 'messagingContactId', 'authUserId'] as const;

/** The columns a list row of people carries (members list, churn list, API list rows). */
export const memberRowColumns = {
  id: profiles.id,
  name: displayNameSql,
  firstName: profiles.firstName,
  lastName: profiles.lastName,
  email: profiles.email,
  phoneNumber: profiles.phoneNumber,
  status: profiles.status,
  lifecycleStage: profiles.lifecycleStage,
  membershipStatus: profiles.membershipStatus,
  membershipTier: profiles.membershipTier,
  emailOptIn: profiles.emailOptIn,
  smsOptIn: profiles.smsOptIn,
  pushOptIn: profiles.pushOptIn,
  whatsappOptIn: profiles.whatsappOptIn,
  engagementScore: profiles.engagementScore,
  engagementLevel: profiles.engagementLevel,
  churnRiskScore: profiles.churnRiskScore,
  churnRiskLevel: profiles.churnRiskLevel,
  lastActivityAt: profiles.lastActivityAt,
  lastActivityType: profiles.lastActivityType,
};

/** Profile conditions shared by list pages: status (live people by default), stage, tier, churn level, consent. */
export function profileFilters(tenantId: string, f: z.output<typeof memberSearchSchema>): SQL[] {
  const where: SQL[] = [eq(profiles.tenantId, tenantId)];
  where.push(f.status ? eq(profiles.status, f.status) : notInArray(profiles.status, ['MERGED', 'DELETED']));
  if (f.lifecycleStage) where.push(eq(profiles.lifecycleStage, f.lifecycleStage));
  // Tiers are matched as written ("Gold"); the filter menu offers the values the club actually uses.
  if (f.tier) where.push(eq(profiles.membershipTier, f.tier));
  if (f.churnLevel) where.push(eq(profiles.churnRiskLevel, f.churnLevel));
  if (f.consent) where.push(consentCondition(f.consent));
  if (f.emailOptIn !== undefined) where.push(eq(profiles.emailOptIn, f.emailOptIn));
  if (f.engagementMin !== undefined) where.push(sql`${profiles.engagementScore} >= ${f.engagementMin}`);
  if (f.churnRiskMin !== undefined) where.push(sql`${profiles.churnRiskScore} >= ${f.churnRiskMin}`);
  if (f.segmentId) {
    where.push(
      inArray(
        profiles.id,
        sql`(select ${segmentMemberships.profileId} from ${segmentMemberships}
             where ${segmentMemberships.tenantId} = ${tenantId} and ${segmentMemberships.segmentId} = ${f.segmentId})`,
      ),
    );
  }
  return where;
}

export function consentCondition(consent: ConsentFilter): SQL {
  switch (consent) {
    case 'email':
      return eq(profiles.emailOptIn, true);
    case 'sms':
      return eq(profiles.smsOptIn, true);
    case 'push':
      return eq(profiles.pushOptIn, true);
    case 'whatsapp':
      return eq(profiles.whatsappOptIn, true);
    case 'none':
      return and(
        eq(profiles.emailOptIn, false),
        eq(profiles.smsOptIn, false),
        eq(profiles.pushOptIn, false),
        eq(profiles.whatsappOptIn, false),
      )!;
  }
}

/**
 * Profiles an exact identifier points at: a member number or player id typed verbatim, or a phone number in any
 * format (normalised to E.164 with the club's country). Looked up first so the main query can OR a short id list
 * with the trigram index instead of a correlated subquery.
 */
async function profilesByIdentifier(db: Db, tenantId: string, q: string): Promise<{ ids: string[]; e164: string | null }> {
  const raw = q.replace(/^#/, '').trim();
  const conditions: SQL[] = [and(inArray(profileIdentities.kind, [...LINK_KINDS]), eq(profileIdentities.value, raw))!];
  let e164: string | null = null;
  if (looksLikePhone(q)) {
    const [tenant] = await db.select({ country: tenants.country }).from(tenants).where(eq(tenants.id, tenantId));
    e164 = normalizePhone(q, tenant?.country ?? 'ZA');
    if (e164) conditions.push(and(eq(profileIdentities.kind, 'phone'), eq(profileIdentities.value, e164))!);
  }
  if (q.includes('@')) {
    conditions.push(and(eq(profileIdentities.kind, 'email'), eq(profileIdentities.value, q.toLowerCase()))!);
  }
  const rows = await db
    .selectDistinct({ profileId: profileIdentities.profileId })
    .from(profileIdentities)
    .where(and(eq(profileIdentities.tenantId, tenantId), or(...conditions)))
    .limit(100);
  return { ids: rows.map((r) => r.profileId), e164 };
}

/**
 * One typed word: found anywhere in search_text, or — with one or two letters ("Zanele M", "du T") — at the start of
 * a word there. A fragment that short has no trigram of its own, so anywhere would match nearly everyone and scan
 * the whole club; at a word start it does have one ("  m").
 */
function wordCondition(word: string): SQL {
  const w = escapeLike(word);
  if (word.length >= 3) return sql`${profiles.searchText} like ${`%${w}%`}`;
  return sql`(${profiles.searchText} like ${`${w}%`} or ${profiles.searchText} like ${`% ${w}%`})`;
}

/**
 * The search condition for `q`. A phone number in any format matches phone digits and phone identities only (it
 * cannot be a name); anything else matches name/email fragments (every word must appear in search_text, see
 * wordCondition) or an exact identifier. For `scopedProfiles`, the only source where it can use the trigram index.
 */
async function searchCondition(db: Db, tenantId: string, q: string): Promise<{ where: SQL; folded: string }> {
  const folded = foldSearchText(q);
  const { ids, e164 } = await profilesByIdentifier(db, tenantId, q);
  const matches: SQL[] = [];
  if (e164) {
    matches.push(eq(profiles.phoneDigits, phoneDigits(e164)));
  } else {
    const words = folded.split(' ').filter(Boolean);
    if (words.length > 0) matches.push(and(...words.map(wordCondition))!);
  }
  if (ids.length > 0) matches.push(inArray(profiles.id, ids));
  return { where: or(...matches) ?? sql`false`, folded: e164 ? '' : folded };
}

/**
 * Where the members list reads profiles: profile_search (drizzle/0004, 0005), every column of the club's profiles
 * with the tenant scope applied as a plain condition. Row-level security on the table itself would keep a search's
 * LIKE (not leakproof) away from the trigram index; through the view it is an index condition. A CTE named
 * "profiles", so every `profiles` column refers to it. Given the `matching` condition of a text search, it holds just
 * the matches, planned on their own as in textSearchPage (for counting them past the search's last page).
 */
function scopedProfiles(db: Db, matching?: SQL) {
  return db
    .$with('profiles', getTableColumns(profiles))
    .as(matching ? sql`select * from profile_search as "profiles" where ${matching} offset 0` : sql`select * from profile_search`);
}
type ScopedProfiles = ReturnType<typeof scopedProfiles>;

/** The sort keys orderFor may use: the columns a text search's candidates carry until their page is chosen. */
const SORT_INPUTS = sql.raw('id, search_text, last_activity_at, churn_risk_score, engagement_score');

/**
 * A text search's page, as a join source "page" (id, matches): its matches found through the trigram index and
 * planned on their own (OFFSET 0 keeps the outer ORDER BY and LIMIT out, or the planner may walk a sort index and read
 * the whole club when a fragment matches few people), counted and ordered as narrow rows, and only the page's rows
 * read whole afterwards. A broad fragment ("sha") matches thousands of people: carrying every column of each through
 * the count and the sort cost a third of the search.
 */
function textSearchPage(matching: SQL | undefined, order: SQL[], page: { skip: number; take: number }): SQL {
  return sql`(select "profiles"."id", count(*) over () as matches
    from (select ${SORT_INPUTS} from profile_search as "profiles" where ${matching} offset 0) as "profiles"
    order by ${sql.join(order, sql`, `)} offset ${page.skip} limit ${page.take}) as "page"`;
}

export type MemberRow = Awaited<ReturnType<typeof searchMembers>>['rows'][number];

/** The members list: search, filters, sort and paging, always inside one tenant. */
export async function searchMembers(db: Db, input: MemberSearch & { tenantId: string }) {
  const { tenantId, ...rest } = input;
  const f = memberSearchSchema.parse(rest);
  const where = profileFilters(tenantId, f);
  let folded = '';
  if (f.q) {
    const search = await searchCondition(db, tenantId, f.q);
    where.push(search.where);
    folded = search.folded;
  }
  const sort = f.sort ?? (f.q ? 'relevance' : 'lastActivityAt');
  const condition = and(...where);

  // A text search reads all its matches (textSearchPage), so counting them in the same pass costs nothing. Without
  // one, the list may stop early on an index, which a count in the pass would prevent: for the sorts by last activity
  // and churn risk, the index of profile_rankings, walked in order and joined to each row's profile.
  const textSearch = folded !== '';
  const ranked = !textSearch && (sort === 'lastActivityAt' || sort === 'churnRiskScore' || sort === 'relevance');
  const order = orderFor(sort, f.dir, folded, ranked);
  const scoped = scopedProfiles(db);
  const query = db
    .with(scoped)
    .select({ ...memberRowColumns, matches: sql<number>`${textSearch ? sql`"page"."matches"` : sql`0`}`.mapWith(Number) })
    .from(scoped);
  const found = textSearch
    ? await query.innerJoin(textSearchPage(condition, order, f), sql`"page"."id" = "profiles"."id"`).orderBy(...order)
    : await (ranked
        ? query.innerJoin(profileRankings, eq(profileRankings.profileId, sql`"profiles"."id"`)).where(and(condition, eq(profileRankings.tenantId, tenantId)))
        : query.where(condition)
      )
        .orderBy(...order)
        .offset(f.skip)
        .limit(f.take);
  const rows = found.map(({ matches: _matches, ...row }) => row);
  const count =
    textSearch && found[0]
      ? { total: found[0].matches, exact: true }
      : await pageTotal(
          db,
          { rows, skip: f.skip, take: f.take },
          textSearch ? undefined : condition,
          textSearch ? scopedProfiles(db, condition) : scoped,
        );
  return {
    rows,
    total: count.total,
    /** False above COUNT_CAP matches: `total` is then the planner's estimate ("≈ 9,400 people"). */
    totalExact: count.exact,
    skip: f.skip,
    take: f.take,
    sort,
    dir: f.dir ?? defaultDir(sort),
  };
}

/**
 * Counting is capped: an exact count of 200,000 rows costs more than the whole search. Up to COUNT_CAP matches
 * the count is exact; beyond it the planner's estimate is used (never below the cap) and marked as an estimate.
 */
export const COUNT_CAP = 1_000;

/**
 * The total behind a page: a page that is not full ends the list, so its total is known without counting (an email
 * or phone search, a narrow filter); otherwise a capped count.
 */
export async function pageTotal(
  db: Db,
  page: { rows: readonly unknown[]; skip: number; take: number },
  condition: SQL | undefined,
  scoped?: ScopedProfiles,
): Promise<{ total: number; exact: boolean }> {
  const { rows, skip, take } = page;
  if (rows.length < take && (rows.length > 0 || skip === 0)) return { total: skip + rows.length, exact: true };
  return cappedCount(db, condition, scoped);
}

export async function cappedCount(
  db: Db,
  condition: SQL | undefined,
  /** Count through `scopedProfiles` instead of the table. */
  scoped?: ScopedProfiles,
): Promise<{ total: number; exact: boolean }> {
  const matching = () =>
    (scoped ? db.with(scoped).select({ one: sql`1` }).from(scoped) : db.select({ one: sql`1` }).from(profiles)).where(condition);
  const limited = matching()
    .limit(COUNT_CAP + 1)
    .as('limited');
  // Serial on purpose: starting parallel workers for a count that stops at COUNT_CAP + 1 costs more than it saves.
  const n = await db.transaction(async (tx) => {
    await tx.execute(sql`set local max_parallel_workers_per_gather = 0`);
    const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(limited);
    return row?.n ?? 0;
  });
  if (n <= COUNT_CAP) return { total: n, exact: true };
  const plan = await db.execute<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(
    sql`explain (format json) ${matching()}`,
  );
  const estimate = Math.round(plan[0]?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? 0);
  return { total: Math.max(COUNT_CAP + 1, estimate), exact: false };
}

function defaultDir(sort: (typeof MEMBER_SORTS)[number]): 'asc' | 'desc' {
  return sort === 'name' ? 'asc' : 'desc';
}

/**
 * How well a text match fits what staff typed: per typed word, a point when a word of the text starts with it ("sha"
 * in "Sharon", not in "Natasha") and another when a whole word is it ("nel" for "Nel" before "Nelson"); the most
 * recently active first among equals. Plain LIKEs: a fragment like "sha" matches ten thousand people of a large club,
 * and ranking them by trigram word_similarity cost 80 ms where these cost 3.
 */
function relevance(folded: string): SQL {
  const points = folded
    .split(' ')
    .filter(Boolean)
    .map((word) => {
      const w = escapeLike(word);
      const text = profiles.searchText;
      return sql`(${text} like ${`${w}%`} or ${text} like ${`% ${w}%`})::int + (' ' || ${text} || ' ' like ${`% ${w} %`})::int`;
    });
  return sql.join(points, sql` + `);
}

/** `ranked`: the query joins profile_rankings, whose index orders last activity and churn risk (same values). */
function orderFor(sort: (typeof MEMBER_SORTS)[number], dir: 'asc' | 'desc' | undefined, folded: string, ranked: boolean): SQL[] {
  const d = dir ?? defaultDir(sort);
  const by = (col: SQL | AnyPgColumn) => (d === 'asc' ? sql`${col} asc nulls last` : sql`${col} desc nulls last`);
  const lastActivity = ranked ? profileRankings.lastActivityAt : profiles.lastActivityAt;
  const id = ranked ? profileRankings.profileId : profiles.id;
  switch (sort) {
    case 'relevance':
      return folded
        ? [sql`${relevance(folded)} desc`, sql`${profiles.lastActivityAt} desc nulls last`, asc(profiles.id)]
        : [sql`${lastActivity} desc nulls last`, asc(id)];
    case 'name':
      // search_text begins with first and last name, folded: an indexed, accent-insensitive name order.
      return [d === 'asc' ? asc(profiles.searchText) : desc(profiles.searchText), asc(profiles.id)];
    case 'lastActivityAt':
      return [by(lastActivity), asc(id)];
    case 'churnRiskScore':
      return [by(ranked ? profileRankings.churnRiskScore : profiles.churnRiskScore), asc(id)];
    case 'engagementScore':
      return [by(sql`${profiles.engagementScore}`), asc(profiles.id)];
  }
}

/** Distinct membership tiers of a tenant, for the tier filter. */
export async function listTiers(db: Db, { tenantId }: { tenantId: string }): Promise<string[]> {
  const rows = await db
    .selectDistinct({ tier: profiles.membershipTier })
    .from(profiles)
    .where(and(eq(profiles.tenantId, tenantId), sql`${profiles.membershipTier} is not null`))
    .orderBy(asc(profiles.membershipTier))
    .limit(50);
  return rows.map((r) => r.tier!).filter(Boolean);
}
