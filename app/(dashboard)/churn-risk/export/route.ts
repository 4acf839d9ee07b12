import { stringify } from 'csv-stringify';
import { type NextRequest } from 'next/server';
import { Readable } from 'node:stream';
import { requireViewer } from '@/server/auth/viewer';
import { db } from '@/server/db/client';
import { withTenant } from '@/server/db/scope';
import { churnListSchema, listChurnRisk } from '@/server/queries/churn';

export const dynamic = 'force-dynamic';

const PAGE = 100; // the read model's largest page

/**
 * The churn list as CSV, with the page's filters, highest risk first, streamed page by page so a 50,000-row export never sits
 * in memory. Marketing and admins only (the same permission as segment exports).
 */
export async function GET(request: NextRequest) {
  const viewer = await requireViewer('segments.export');
  const parsed = churnListSchema.safeParse(Object.fromEntries(request.nextUrl.searchParams));
  const filters = parsed.success ? parsed.data : churnListSchema.parse({});
  const now = new Date();

  // Walked by keyset in risk order (score, then id): page 2,000 costs what page 1 costs.
  async function* rows() {
    let after: { score: number; id: string } | undefined;
    for (;;) {
      // One short scoped transaction per page: the stream outlives the request's handler.
      const from = after;
      const page = await withTenant(db(), viewer.tenantId, (tx) =>
        listChurnRisk(tx, { ...filters, sort: 'churnRiskScore', dir: 'desc', tenantId: viewer.tenantId, now, after: from, skip: 0, take: PAGE }),
      );
      for (const r of page.rows) {
        yield {
          id: r.id,
          name: r.name,
          email: r.email ?? '',
          phone: r.phoneNumber ?? '',
          tier: r.membershipTier ?? '',
          churn_score: r.churnRiskScore,
          churn_level: r.churnRiskLevel ?? '',
          change_7d: r.change,
          top_factors: r.factors.slice(0, 3).map((f) => f.explanation).join('; '),
          last_activity_at: r.lastActivityAt?.toISOString() ?? '',
          email_opt_in: r.emailOptIn,
          sms_opt_in: r.smsOptIn,
        };
      }
      const last = page.rows.at(-1);
      if (page.rows.length < PAGE || !last) return;
      after = { score: last.churnRiskScore!, id: last.id };
    }
  }

  const csv = Readable.from(rows()).pipe(stringify({ header: true, cast: { boolean: (b) => (b ? 'yes' : 'no') } }));
  const date = now.toISOString().slice(0, 10);
  return new Response(Readable.toWeb(csv) as ReadableStream, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="churn-risk-${viewer.tenantId}-${date}.csv"`,
      'cache-control': 'no-store',
    },
  });
}
