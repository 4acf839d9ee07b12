import type { Segment } from '@/server/db/schema';
import type { Swatch } from '../palette';
import { Badge } from '../ui/badge';

/**
 * Segment kinds get their own hues (indigo, cyan, neutral), apart from the source and risk palettes, so a badge
 * never reads as a source or a risk level.
 */
const TYPE_SWATCHES = {
  system: { label: 'System', chip: 'bg-indigo-50 text-indigo-800 ring-indigo-200', hex: '#4f46e5', dot: 'bg-indigo-500' },
  dynamic: { label: 'Dynamic', chip: 'bg-cyan-50 text-cyan-800 ring-cyan-200', hex: '#0891b2', dot: 'bg-cyan-500' },
  static: { label: 'Static', chip: 'bg-zinc-100 text-zinc-700 ring-zinc-200', hex: '#71717a', dot: 'bg-zinc-400' },
} satisfies Record<string, Swatch>;

const TITLES = {
  system: 'Built in: every club has it; it cannot be deleted',
  dynamic: 'Defined by rules: kept current as members change',
  static: 'Hand-picked: people are added by hand or imported',
};

export function segmentKind(segment: Pick<Segment, 'isSystem' | 'type'>): keyof typeof TYPE_SWATCHES {
  if (segment.isSystem) return 'system';
  return segment.type === 'STATIC' ? 'static' : 'dynamic';
}

export function SegmentTypeBadge({ segment }: { segment: Pick<Segment, 'isSystem' | 'type'> }) {
  const kind = segmentKind(segment);
  return <Badge swatch={TYPE_SWATCHES[kind]} title={TITLES[kind]} />;
}
