'use client';

import { FileUp, Search, UserPlus } from 'lucide-react';
import { useEffect, useRef, useState, useTransition, type FormEvent } from 'react';
import { formatCount, plural } from '../format';
import { buttonClass, inputClass } from '../ui/button';
import type { ImportOutcome, Outcome, PersonHit } from './types';

const SEARCH_DEBOUNCE_MS = 250;
const MAX_FILE_BYTES = 1_000_000;
const SHOWN_UNMATCHED = 50;

/** Find a person by name, email, phone or member number and add them to the hand-picked list. */
function AddBySearch({
  find,
  add,
}: {
  find: (q: string) => Promise<PersonHit[]>;
  add: (profileIds: string[]) => Promise<Outcome>;
}) {
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<{ q: string; people: PersonHit[] } | null>(null);
  const [message, setMessage] = useState<Outcome | null>(null);
  const [adding, startAdding] = useTransition();
  const query = q.trim();

  useEffect(() => {
    if (!query) return;
    let current = true;
    const timer = setTimeout(() => {
      find(query).then(
        (people) => current && setHits({ q: query, people }),
        () => current && setHits({ q: query, people: [] }),
      );
    }, SEARCH_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [query, find]);

  const shown = query && hits?.q === query ? hits.people : null;

  return (
    <div className="space-y-2">
      <label htmlFor="static-add-search" className="block text-sm font-medium text-zinc-800">Add a person</label>
      <div className="relative max-w-md">
        <Search aria-hidden className="pointer-events-none absolute top-2 left-2.5 size-4 text-zinc-400" />
        <input
          id="static-add-search"
          type="search"
          value={q}
          onChange={(e) => {
            setQ(e.target.value);
            setMessage(null);
          }}
          placeholder="Name, email, phone or member number"
          autoComplete="off"
          className={`${inputClass} pl-8`}
        />
      </div>
      {query && !shown && <p className="text-xs text-zinc-500">Searching…</p>}
      {shown && shown.length === 0 && <p className="text-xs text-zinc-500">No one in this club matches “{query}”.</p>}
      {shown && shown.length > 0 && (
        <ul className="max-w-md divide-y divide-zinc-100 rounded-md ring-1 ring-zinc-200" aria-label="Search results">
          {shown.map((p) => (
            <li key={p.id} className="flex items-center justify-between gap-2 px-2.5 py-1.5 text-sm">
              <span className="min-w-0 truncate">
                <span className="text-zinc-900">{p.name}</span>
                <span className="text-xs text-zinc-500"> {[p.email, p.membershipTier].filter(Boolean).join(' · ')}</span>
              </span>
              <button
                type="button"
                disabled={adding}
                onClick={() =>
                  startAdding(async () => {
                    const outcome = await add([p.id]);
                    setMessage({ ok: outcome.ok, message: `${p.name}: ${outcome.message}` });
                  })
                }
                aria-label={`Add ${p.name}`}
                className={buttonClass.ghost}
              >
                <UserPlus aria-hidden className="size-4" /> Add
              </button>
            </li>
          ))}
        </ul>
      )}
      {message && (
        <p role="status" className={`text-sm ${message.ok ? 'text-emerald-700' : 'text-red-700'}`}>{message.message}</p>
      )}
    </div>
  );
}

/** Import a CSV of emails or SCL member numbers; rows that matched nobody are listed for checking. */
function ImportCsv({ importCsv }: { importCsv: (form: FormData) => Promise<ImportOutcome> }) {
  const [report, setReport] = useState<ImportOutcome | null>(null);
  const [pending, startTransition] = useTransition();
  const fileRef = useRef<HTMLInputElement>(null);

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const file = form.get('file');
    if (!(file instanceof File) || file.size === 0) {
      setReport({ ok: false, message: 'Choose a CSV file to import.' });
      return;
    }
    if (file.size > MAX_FILE_BYTES) {
      setReport({ ok: false, message: 'The file is larger than 1 MB. Split it into smaller files and import them one after another.' });
      return;
    }
    startTransition(async () => {
      setReport(await importCsv(form));
      if (fileRef.current) fileRef.current.value = '';
    });
  }

  return (
    <form onSubmit={submit} className="space-y-2" aria-labelledby="import-title">
      <h3 id="import-title" className="text-sm font-medium text-zinc-800">Import a CSV</h3>
      <p className="text-xs text-zinc-500">
        A column headed “email” or “member id”, or a single column of emails or SCL member numbers. Up to 1 MB.
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <label htmlFor="static-import-file" className="sr-only">CSV file</label>
        <input
          ref={fileRef}
          id="static-import-file"
          name="file"
          type="file"
          accept=".csv,text/csv,text/plain"
          className="text-sm text-zinc-700 file:mr-2 file:rounded-md file:border-0 file:bg-zinc-100 file:px-2.5 file:py-1.5 file:text-sm file:text-zinc-800 hover:file:bg-zinc-200"
        />
        <label className="inline-flex items-center gap-1.5 text-sm text-zinc-700">
          <input type="checkbox" name="replace" className="accent-indigo-600" /> Replace the current list
        </label>
        <button type="submit" disabled={pending} className={buttonClass.secondary}>
          <FileUp aria-hidden className="size-4" /> {pending ? 'Importing…' : 'Import'}
        </button>
      </div>
      {report && !report.ok && <p role="status" className="text-sm text-red-700">{report.message}</p>}
      {report?.ok && (
        <div role="status" className="space-y-2 rounded-md bg-zinc-50 px-3 py-2 text-sm text-zinc-700" data-testid="import-report">
          <p>
            {plural(report.rows, 'row')} read: {formatCount(report.matched)} matched, {plural(report.added, 'person', 'people')} added
            {report.removed > 0 ? `, ${plural(report.removed, 'person', 'people')} taken off the list` : ''}.
            {report.matched > report.added && report.removed === 0 ? ' The others were already on the list.' : ''}
          </p>
          {report.unmatched.length > 0 && (
            <div>
              <p className="font-medium text-amber-800">
                {plural(report.unmatched.length, 'row')} matched nobody in this club — check the spelling, or whether they are members yet:
              </p>
              <table className="mt-1 text-xs">
                <thead className="text-left text-zinc-500">
                  <tr>
                    <th scope="col" className="pr-4 font-medium">Row</th>
                    <th scope="col" className="font-medium">Value</th>
                  </tr>
                </thead>
                <tbody>
                  {report.unmatched.slice(0, SHOWN_UNMATCHED).map((u) => (
                    <tr key={u.row}>
                      <td className="pr-4 tabular">{u.row}</td>
                      <td className="font-mono">{u.value || <span className="text-zinc-400">(empty)</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {report.unmatched.length > SHOWN_UNMATCHED && (
                <p className="mt-1 text-xs text-zinc-500">…and {formatCount(report.unmatched.length - SHOWN_UNMATCHED)} more.</p>
              )}
            </div>
          )}
        </div>
      )}
    </form>
  );
}

export function StaticMembersPanel({
  find,
  add,
  importCsv,
}: {
  find: (q: string) => Promise<PersonHit[]>;
  add: (profileIds: string[]) => Promise<Outcome>;
  importCsv: (form: FormData) => Promise<ImportOutcome>;
}) {
  return (
    <section aria-label="Change who is on the list" className="grid gap-6 rounded-lg border border-zinc-200 bg-white p-4 md:grid-cols-2">
      <AddBySearch find={find} add={add} />
      <ImportCsv importCsv={importCsv} />
    </section>
  );
}
