'use client';

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface MinutePoint {
  minute: string;
  processed: number;
  failed: number;
}

/** Events processed and failed per minute over the last hour (this club's), stacked bars. */
export function ThroughputChart({ points, timeZone }: { points: MinutePoint[]; timeZone: string }) {
  const fmt = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return (
    <div className="h-44" role="img" aria-label="Events processed and failed per minute, last hour">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: -12 }} barCategoryGap={1}>
          <CartesianGrid stroke="#f4f4f5" vertical={false} />
          <XAxis dataKey="minute" tickFormatter={(m) => fmt.format(new Date(m))} tick={{ fontSize: 10 }} minTickGap={40} />
          <YAxis tick={{ fontSize: 10 }} allowDecimals={false} />
          <Tooltip labelFormatter={(m) => fmt.format(new Date(String(m)))} />
          <Legend iconSize={8} wrapperStyle={{ fontSize: 11 }} itemSorter={(item) => (item.dataKey === 'processed' ? 0 : 1)} />
          <Bar dataKey="processed" name="Processed" stackId="a" fill="#10b981" isAnimationActive={false} />
          <Bar dataKey="failed" name="Failed" stackId="a" fill="#dc2626" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
