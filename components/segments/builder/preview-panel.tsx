'use client';

import { AlertTriangle, LoaderCircle, Users } from 'lucide-react';
import Link from 'next/link';
import { formatCount, plural } from '../../format';
import type { PreviewPerson } from '../types';

export type PreviewState =
  | { state: 'empty' }
  | { state: 'loading'; last: { count: number; sample: PreviewPerson[] } | null }
  | { state: 'ready'; count: number; sample: PreviewPerson[] }
  | { state: 'invalid' }
  | { state: 'failed' };

/**
 * "1,204 people match" and a few of them, recounted as the rules change. While a new count is on its way the
 * last one stays, dimmed, so the number never flashes away.
 */
export function PreviewPanel({ preview, incomplete, onRetry }: { preview: PreviewState; incomplete: number; onRetry: () => void }) {
  const shown =
    preview.state === 'ready' ? preview : preview.state === 'loading' ? preview.last : null;
  return (
    <section
      aria-labelledby="preview-title"
      className="rounded-lg border border-zinc-200 bg-white lg:sticky lg:top-16"
      data-testid="preview"
      data-state={preview.state}
    >
      <header className="flex items-center justify-between border-b border-zinc-100 px-3 py-2">
        <h2 id="preview-title" className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">Live count</h2>
        {preview.state === 'loading' && (
          <span className="inline-flex items-center gap-1 text-xs text-zinc-500">
            <LoaderCircle aria-hidden className="size-3.5 animate-spin" /> Counting…
          </span>
        )}
      </header>
      <div className="space-y-3 p-3">
        <div aria-live="polite" aria-atomic="true">
          {shown ? (
            <p className={`text-zinc-900 ${preview.state === 'loading' ? 'opacity-50' : ''}`}>
              <span className="text-3xl font-semibold tabular" data-testid="preview-count">{formatCount(shown.count)}</span>{' '}
              <span className="text-sm text-zinc-600">{shown.count === 1 ? 'person matches' : 'people match'}</span>
            </p>
          ) : preview.state === 'invalid' ? (
            <p className="flex items-start gap-2 text-sm text-red-700">
              <AlertTriangle aria-hidden className="mt-0.5 size-4 shrink-0" />
              Fix the rule marked in red to see a count.
            </p>
          ) : preview.state === 'failed' ? (
            <div className="space-y-2 text-sm text-zinc-600">
              <p>The count could not be worked out just now. Your rules are safe; try again.</p>
              <button type="button" onClick={onRetry} className="text-indigo-700 underline">Count again</button>
            </div>
          ) : preview.state === 'empty' ? (
            <p className="text-sm text-zinc-500">Add a rule to see how many people match.</p>
          ) : (
            <p className="text-sm text-zinc-500">Counting…</p>
          )}
        </div>
        {incomplete > 0 && (
          <p className="text-xs text-zinc-500">
            {plural(incomplete, 'rule')} not counted yet: {incomplete === 1 ? 'finish it' : 'finish them'} to include {incomplete === 1 ? 'it' : 'them'}.
          </p>
        )}
        {shown && shown.sample.length > 0 && (
          <div className={preview.state === 'loading' ? 'opacity-50' : ''}>
            <h3 className="mb-1 text-xs font-medium text-zinc-500">For example</h3>
            <ul className="divide-y divide-zinc-100 text-sm" data-testid="preview-sample">
              {shown.sample.map((p) => (
                <li key={p.id} className="flex items-baseline justify-between gap-2 py-1">
                  <Link href={`/members/${p.id}`} target="_blank" rel="noopener" className="truncate text-zinc-900 hover:underline" title={p.name}>
                    {p.name}
                  </Link>
                  <span className="shrink-0 text-xs text-zinc-500 tabular">
                    {[p.membershipTier, p.handicap != null ? `hcp ${p.handicap.toFixed(1)}` : null].filter(Boolean).join(' · ')}
                  </span>
                </li>
              ))}
            </ul>
          </div>
        )}
        {shown && shown.count === 0 && (
          <p className="flex items-start gap-2 text-sm text-zinc-500">
            <Users aria-hidden className="mt-0.5 size-4 shrink-0" /> Nobody matches yet. Loosen a rule, or save anyway: people join as they
            come to match.
          </p>
        )}
        <p className="border-t border-zinc-100 pt-2 text-xs text-zinc-500">
          Counted against the club’s members right now. Once saved, the segment is kept current as events arrive.
        </p>
      </div>
    </section>
  );
}
