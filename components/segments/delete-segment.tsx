'use client';

import { Trash2 } from 'lucide-react';
import { useRef, useState, useTransition } from 'react';
import { plural } from '../format';
import { buttonClass } from '../ui/button';
import type { Outcome } from './types';

/** Delete, confirmed with the member count; the action redirects to the list when it succeeds. */
export function DeleteSegmentButton({
  name,
  memberCount,
  remove,
}: {
  name: string;
  memberCount: number;
  remove: () => Promise<Outcome>;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [pending, startTransition] = useTransition();
  const [failure, setFailure] = useState<string | null>(null);

  function confirm() {
    startTransition(async () => {
      const outcome = await remove();
      // Success navigates away; only a refusal comes back.
      if (outcome && !outcome.ok) setFailure(outcome.message);
    });
  }

  return (
    <>
      <button type="button" className={buttonClass.secondary} onClick={() => dialog.current?.showModal()}>
        <Trash2 aria-hidden className="size-4" /> Delete
      </button>
      <dialog
        ref={dialog}
        aria-labelledby="delete-segment-title"
        className="m-auto w-full max-w-md rounded-lg bg-white p-0 shadow-xl backdrop:bg-zinc-900/30"
      >
        <div className="space-y-3 p-5">
          <h2 id="delete-segment-title" className="text-base font-semibold text-zinc-900">Delete “{name}”?</h2>
          <p className="text-sm text-zinc-600">
            Its {plural(memberCount, 'member')} {memberCount === 1 ? 'comes' : 'come'} off the list and its history is deleted. The
            people themselves are not affected. This cannot be undone.
          </p>
          {failure && <p className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">{failure}</p>}
          <div className="flex justify-end gap-2 pt-2">
            <button type="button" className={buttonClass.secondary} onClick={() => dialog.current?.close()} autoFocus>
              Cancel
            </button>
            <button type="button" className={buttonClass.danger} onClick={confirm} disabled={pending}>
              {pending ? 'Deleting…' : 'Delete segment'}
            </button>
          </div>
        </div>
      </dialog>
    </>
  );
}
