import { formatChange } from '../format';

const WIDTH = 96;
const HEIGHT = 24;
const PAD = 2;

/**
 * A 30-day size line for the segment list: plain SVG (no chart library for tens of rows), with the change in
 * words beside it so nothing depends on reading the line.
 */
export function Sparkline({ values, days }: { values: number[]; days: number }) {
  if (values.length === 0) return <span className="text-xs text-zinc-400">—</span>;
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min;
  const x = (i: number) => PAD + (values.length === 1 ? 0 : (i / (values.length - 1)) * (WIDTH - 2 * PAD));
  // A flat line sits in the middle rather than on the floor.
  const y = (v: number) => (span === 0 ? HEIGHT / 2 : PAD + (1 - (v - min) / span) * (HEIGHT - 2 * PAD));
  const line = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const area = `${x(0).toFixed(1)},${HEIGHT} ${line} ${x(values.length - 1).toFixed(1)},${HEIGHT}`;
  const delta = values[values.length - 1]! - values[0]!;
  const tone = delta > 0 ? 'text-emerald-700' : delta < 0 ? 'text-red-700' : 'text-zinc-500';
  return (
    <span className="inline-flex items-center gap-2">
      <svg
        width={WIDTH}
        height={HEIGHT}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`Members over the last ${days} days: from ${values[0]} to ${values[values.length - 1]}`}
        className="shrink-0"
      >
        <polygon points={area} fill="#6366f1" fillOpacity={0.1} />
        <polyline points={line} fill="none" stroke="#4f46e5" strokeWidth={1.5} strokeLinejoin="round" strokeLinecap="round" />
      </svg>
      <span className={`text-xs tabular ${tone}`}>{formatChange(delta)}</span>
    </span>
  );
}
