'use client';

import Link from 'next/link';
import { useState, useTransition } from 'react';
import { buttonClass } from '../ui/button';

export interface DuplicateView {
  id: string;
  otherId: string;
  otherName: string;
  otherEmail: string | null;
  reason: string;
}

export type DuplicateAction = (candidateId: string) => Promise<{ ok: boolean; message: string }>;

/** Open duplicate candidates; people allowed to resolve them merge or dismiss after a confirmation. */
export function DuplicatesPanel({
  candidates,
  canResolve,
  merge,
  dismiss,
}: {
  candidates: DuplicateView[];
  canResolve: boolean;
  merge: DuplicateAction;
  dismiss: DuplicateAction;
}) {
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  if (candidates.length === 0) {
    return <p className="text-sm text-zinc-500">No open duplicates. Possible doubles appear here when an event links two records.</p>;
  }
  function run(action: DuplicateAction, id: string, question: string) {
    if (!window.confirm(question)) return;
    startTransition(async () => {
      const result = await action(id);
      setMessage({ ok: result.ok, text: result.message });
    });
  }
  return (
    <div className="space-y-2">
      <ul className="space-y-2">
        {candidates.map((c) => (
          <li key={c.id} className="rounded-md border border-amber-200 bg-amber-50/50 p-2 text-sm">
            <Link href={`/members/${c.otherId}`} className="font-medium text-zinc-900 hover:underline">
              {c.otherName}
            </Link>
            {c.otherEmail && <span className="block truncate text-xs text-zinc-500">{c.otherEmail}</span>}
            <span className="block text-xs text-zinc-600">Why: {c.reason}</span>
            {canResolve && (
              <div className="mt-2 flex gap-2">
                <button type="button" disabled={pending} className={buttonClass.secondary}
                  onClick={() => run(merge, c.id, `Merge ${c.otherName} with this person? The newer record is folded into the older one; this cannot be undone.`)}>
                  Merge
                </button>
                <button type="button" disabled={pending} className={buttonClass.ghost}
                  onClick={() => run(dismiss, c.id, `Dismiss: ${c.otherName} is a different person?`)}>
                  Not the same person
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
      {message && (
        <p role="status" className={`text-xs ${message.ok ? 'text-emerald-700' : 'text-red-700'}`}>
          {message.text}
        </p>
      )}
    </div>
  );
}
