'use client';

import { Area, Bar, CartesianGrid, ComposedChart, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { TrendDay } from '@/server/segments/trends';

const JOINED = '#10b981';
const LEFT = '#dc2626';
const MEMBERS = '#4f46e5';

/**
 * Members at the end of each day (shaded line, left axis), with the people who joined (up) and left (down) that day
 * as bars on their own axis (right), since a day's changes are usually small beside the segment's size.
 */
export function MembershipChart({ days }: { days: TrendDay[] }) {
  const fmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const label = (d: string) => fmt.format(new Date(`${d}T12:00:00Z`));
  const data = days.map((d) => ({ day: d.day, members: d.members, joined: d.entered, left: -d.exited }));
  const first = days[0];
  const last = days[days.length - 1];
  return (
    <div
      className="h-48"
      role="img"
      aria-label={
        first && last
          ? `Members per day over the last ${days.length} days: ${first.members} on ${label(first.day)}, ${last.members} today`
          : 'No membership history'
      }
    >
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart data={data} margin={{ top: 4, right: 4, bottom: 0, left: -16 }} stackOffset="sign">
          <CartesianGrid stroke="#f4f4f5" vertical={false} />
          <XAxis dataKey="day" tickFormatter={label} tick={{ fontSize: 10 }} minTickGap={40} />
          <YAxis yAxisId="members" tick={{ fontSize: 10 }} allowDecimals={false} domain={[0, 'auto']} />
          <YAxis yAxisId="changes" orientation="right" tick={{ fontSize: 10 }} allowDecimals={false} tickFormatter={(v: number) => String(Math.abs(v))} />
          <Tooltip
            labelFormatter={(d) => label(String(d))}
            formatter={(value, name) => [Math.abs(Number(value)), name]}
          />
          <Legend iconSize={8} wrapperStyle={{ fontSize: 11 }} />
          <Area
            yAxisId="members"
            type="linear"
            dataKey="members"
            name="Members"
            stroke={MEMBERS}
            strokeWidth={2}
            fill={MEMBERS}
            fillOpacity={0.08}
            dot={false}
            isAnimationActive={false}
          />
          <Bar yAxisId="changes" dataKey="joined" name="Joined" stackId="changes" fill={JOINED} maxBarSize={8} isAnimationActive={false} />
          <Bar yAxisId="changes" dataKey="left" name="Left" stackId="changes" fill={LEFT} maxBarSize={8} isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
