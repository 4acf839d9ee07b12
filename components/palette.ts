/**
 * Colour carries meaning once: one palette for sources, one for levels (risk and engagement share the ordinal
 * scale: green is good, red is bad). Class names are written out in full so Tailwind finds them.
 */

export interface Swatch {
  label: string;
  /** Badge/chip: background, text and ring. */
  chip: string;
  /** Solid colour for dots, bars and chart series (hex, for recharts too). */
  hex: string;
  dot: string;
}

export const SOURCE_SWATCHES: Record<string, Swatch> = {
  scl: { label: 'SCL', chip: 'bg-sky-50 text-sky-800 ring-sky-200', hex: '#0284c7', dot: 'bg-sky-600' },
  teetime: { label: 'TeeTime', chip: 'bg-emerald-50 text-emerald-800 ring-emerald-200', hex: '#059669', dot: 'bg-emerald-600' },
  messaging: { label: 'Messaging', chip: 'bg-violet-50 text-violet-800 ring-violet-200', hex: '#7c3aed', dot: 'bg-violet-600' },
  crm: { label: 'CRM', chip: 'bg-zinc-100 text-zinc-700 ring-zinc-200', hex: '#52525b', dot: 'bg-zinc-500' },
};

export function sourceSwatch(source: string): Swatch {
  return SOURCE_SWATCHES[source] ?? { ...SOURCE_SWATCHES.crm!, label: source };
}

export const CHURN_SWATCHES: Record<string, Swatch> = {
  MINIMAL: { label: 'Minimal', chip: 'bg-emerald-50 text-emerald-800 ring-emerald-200', hex: '#10b981', dot: 'bg-emerald-500' },
  LOW: { label: 'Low', chip: 'bg-lime-50 text-lime-800 ring-lime-200', hex: '#84cc16', dot: 'bg-lime-500' },
  MODERATE: { label: 'Moderate', chip: 'bg-amber-50 text-amber-800 ring-amber-200', hex: '#f59e0b', dot: 'bg-amber-500' },
  HIGH: { label: 'High', chip: 'bg-orange-50 text-orange-800 ring-orange-200', hex: '#f97316', dot: 'bg-orange-500' },
  CRITICAL: { label: 'Critical', chip: 'bg-red-50 text-red-800 ring-red-200', hex: '#dc2626', dot: 'bg-red-600' },
};

/** Engagement uses the same scale turned round: excellent engagement is as green as minimal risk. */
export const ENGAGEMENT_SWATCHES: Record<string, Swatch> = {
  EXCELLENT: { ...CHURN_SWATCHES.MINIMAL!, label: 'Excellent' },
  GOOD: { ...CHURN_SWATCHES.LOW!, label: 'Good' },
  AVERAGE: { ...CHURN_SWATCHES.MODERATE!, label: 'Average' },
  LOW: { ...CHURN_SWATCHES.HIGH!, label: 'Low' },
  AT_RISK: { ...CHURN_SWATCHES.CRITICAL!, label: 'At risk' },
};

const NEUTRAL: Swatch = { label: '—', chip: 'bg-zinc-50 text-zinc-500 ring-zinc-200', hex: '#a1a1aa', dot: 'bg-zinc-300' };

export function churnSwatch(level: string | null | undefined): Swatch {
  return (level && CHURN_SWATCHES[level]) || NEUTRAL;
}

export function engagementSwatch(level: string | null | undefined): Swatch {
  return (level && ENGAGEMENT_SWATCHES[level]) || NEUTRAL;
}

/** Pipeline / sync status of an event. */
export const STATUS_SWATCHES: Record<string, Swatch> = {
  SUCCESS: { label: 'Processed', chip: 'bg-emerald-50 text-emerald-800 ring-emerald-200', hex: '#10b981', dot: 'bg-emerald-500' },
  SKIPPED: { label: 'Skipped', chip: 'bg-zinc-100 text-zinc-700 ring-zinc-200', hex: '#71717a', dot: 'bg-zinc-400' },
  PENDING: { label: 'Waiting', chip: 'bg-sky-50 text-sky-800 ring-sky-200', hex: '#0284c7', dot: 'bg-sky-500' },
  PROCESSING: { label: 'Processing', chip: 'bg-sky-50 text-sky-800 ring-sky-200', hex: '#0284c7', dot: 'bg-sky-500' },
  FAILED: { label: 'Failed, will retry', chip: 'bg-amber-50 text-amber-800 ring-amber-200', hex: '#f59e0b', dot: 'bg-amber-500' },
  DEAD_LETTERED: { label: 'Dead-lettered', chip: 'bg-red-50 text-red-800 ring-red-200', hex: '#dc2626', dot: 'bg-red-600' },
};

export function statusSwatch(status: string): Swatch {
  return STATUS_SWATCHES[status] ?? { ...NEUTRAL, label: status };
}
