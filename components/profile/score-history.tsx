'use client';

import { Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDateTime, timeAxis } from '../format';

export interface ScorePoint {
  kind: 'ENGAGEMENT' | 'CHURN';
  score: number;
  scoredAt: string;
}

/** 90 days of engagement and churn scores as two small lines (green engagement, red churn). */
export function ScoreHistory({ points, timeZone }: { points: ScorePoint[]; timeZone: string }) {
  const trend = (kind: ScorePoint['kind']) => new Set(points.filter((p) => p.kind === kind).map((p) => p.scoredAt)).size >= 2;
  if (!trend('ENGAGEMENT') && !trend('CHURN')) return <p className="text-xs text-zinc-500">Not enough score history for a trend yet.</p>;
  const data = points.map((p) => ({
    t: new Date(p.scoredAt).getTime(),
    engagement: p.kind === 'ENGAGEMENT' ? p.score : undefined,
    churn: p.kind === 'CHURN' ? p.score : undefined,
  }));
  const axis = timeAxis(data.map((d) => d.t), timeZone);
  return (
    <div className="h-28" aria-label="Score history over 90 days">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 4, right: 4, bottom: 0, left: -28 }}>
          <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} ticks={axis.ticks} tickFormatter={axis.format} tick={{ fontSize: 10 }} />
          <YAxis domain={[0, 100]} tick={{ fontSize: 10 }} ticks={[0, 50, 100]} />
          <Tooltip labelFormatter={(t) => formatDateTime(new Date(Number(t)), timeZone)} />
          <Line type="stepAfter" dataKey="engagement" name="Engagement" stroke="#10b981" dot={false} connectNulls isAnimationActive={false} />
          <Line type="stepAfter" dataKey="churn" name="Churn risk" stroke="#dc2626" dot={false} connectNulls isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
