'use client';

import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { CHURN_SWATCHES } from '../palette';

export type DistributionDay = { day: string } & Record<'MINIMAL' | 'LOW' | 'MODERATE' | 'HIGH' | 'CRITICAL', number>;

const ORDER = ['MINIMAL', 'LOW', 'MODERATE', 'HIGH', 'CRITICAL'] as const;

/** People per churn level at the end of each day, stacked, over 90 days. */
export function DistributionChart({ days }: { days: DistributionDay[] }) {
  const fmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const label = (d: string) => fmt.format(new Date(`${d}T12:00:00Z`));
  return (
    <div className="h-40" role="img" aria-label="Churn levels per day over the last 90 days">
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={days} margin={{ top: 4, right: 8, bottom: 0, left: -12 }}>
          <CartesianGrid stroke="#f4f4f5" vertical={false} />
          <XAxis dataKey="day" tickFormatter={label} tick={{ fontSize: 10 }} minTickGap={40} />
          <YAxis tick={{ fontSize: 10 }} allowDecimals={false} />
          <Tooltip labelFormatter={(d) => label(String(d))} />
          <Legend
            iconSize={8}
            wrapperStyle={{ fontSize: 11 }}
            itemSorter={(item) => ORDER.indexOf(item.dataKey as (typeof ORDER)[number])}
          />
          {ORDER.map((level) => (
            <Area
              key={level}
              type="stepAfter"
              dataKey={level}
              name={CHURN_SWATCHES[level]!.label}
              stackId="levels"
              stroke={CHURN_SWATCHES[level]!.hex}
              fill={CHURN_SWATCHES[level]!.hex}
              fillOpacity={0.55}
              isAnimationActive={false}
            />
          ))}
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}
