import type { ScoreFactor } from '@/server/db/schema';
import type { LatestScore } from '@/server/queries/profile';
import { churnSwatch, engagementSwatch, type Swatch } from '../palette';
import { relativeTime, humanize } from '../format';
import { Card } from '../ui/page-header';

function FactorList({ factors, swatch }: { factors: ScoreFactor[]; swatch: Swatch }) {
  return (
    <ul className="space-y-2">
      {factors.map((f) => (
        <li key={f.name}>
          <div className="flex items-baseline justify-between gap-2 text-sm">
            <span className="font-medium text-zinc-800">{humanize(f.name)}</span>
            <span className="text-xs text-zinc-500 tabular">
              {f.value} × {f.weight} %
            </span>
          </div>
          <div className="mt-0.5 h-1 overflow-hidden rounded bg-zinc-100" aria-hidden>
            <div className={`h-full ${swatch.dot}`} style={{ width: `${Math.max(0, Math.min(100, f.value))}%` }} />
          </div>
          <p className="mt-0.5 text-xs text-zinc-600">{f.explanation}</p>
        </li>
      ))}
    </ul>
  );
}

/** "Why these scores": each factor with its weight and the numbers behind it, in words. */
export function ScorePanel({
  engagement,
  churn,
  now,
}: {
  engagement: LatestScore | null;
  churn: LatestScore | null;
  now: Date;
}) {
  return (
    <Card title="Why these scores">
      {!engagement && !churn ? (
        <p className="text-sm text-zinc-500">
          Not scored yet. Scores are computed after this person&apos;s next event or in the nightly sweep.
        </p>
      ) : (
        <div className="space-y-4">
          {churn && (
            <div>
              <h3 className="mb-1.5 text-sm font-semibold text-zinc-900">
                Churn risk {churn.score} · {churnSwatch(churn.level).label}
                <span className="ml-1 text-xs font-normal text-zinc-400">scored {relativeTime(churn.scoredAt, now)}</span>
              </h3>
              <FactorList factors={churn.factors} swatch={churnSwatch(churn.level)} />
            </div>
          )}
          {engagement && (
            <div>
              <h3 className="mb-1.5 text-sm font-semibold text-zinc-900">
                Engagement {engagement.score} · {engagementSwatch(engagement.level).label}
                <span className="ml-1 text-xs font-normal text-zinc-400">scored {relativeTime(engagement.scoredAt, now)}</span>
              </h3>
              <FactorList factors={engagement.factors} swatch={engagementSwatch(engagement.level)} />
            </div>
          )}
        </div>
      )}
    </Card>
  );
}
