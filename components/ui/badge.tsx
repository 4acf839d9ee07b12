import type { ReactNode } from 'react';
import type { Swatch } from '../palette';

/** A small coloured label; the swatch decides the colour, the text always says it in words too. */
export function Badge({ swatch, children, title }: { swatch: Swatch; children?: ReactNode; title?: string }) {
  return (
    <span
      title={title}
      className={`inline-flex max-w-full items-center gap-1 truncate rounded px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset ${swatch.chip}`}
    >
      <span aria-hidden className={`size-1.5 shrink-0 rounded-full ${swatch.dot}`} />
      {children ?? swatch.label}
    </span>
  );
}

/** A neutral label for plain facts (tier, stage). */
export function Tag({ children }: { children: ReactNode }) {
  return (
    <span className="inline-flex max-w-full items-center truncate rounded bg-zinc-100 px-1.5 py-0.5 text-xs text-zinc-700">
      {children}
    </span>
  );
}
