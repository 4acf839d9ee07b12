'use client';

import { Copy, KeyRound } from 'lucide-react';
import { useActionState, useState, useTransition } from 'react';
import { formatDate, relativeTime } from '../format';
import { buttonClass, inputClass } from '../ui/button';
import { table } from '../ui/table';

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdBy: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

type Result = { ok: boolean; message: string; key?: string };

const SCOPES = [
  { value: 'crm:read', label: 'Read', hint: 'customers, activities, segments, churn' },
  { value: 'crm:write', label: 'Write', hint: '+ create and refresh segments' },
  { value: 'crm:admin', label: 'Admin', hint: '+ dead letters and queue' },
];

/** Keys for other services; a new key is shown exactly once, then only its prefix. Revoking is immediate. */
export function ApiKeysPanel({
  keys,
  timeZone,
  createKey,
  revokeKey,
}: {
  keys: ApiKeyView[];
  timeZone: string;
  createKey: (prev: Result | null, form: FormData) => Promise<Result>;
  revokeKey: (id: string) => Promise<Result>;
}) {
  const [created, createAction, creating] = useActionState(createKey, null);
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<Result | null>(null);
  const [copied, setCopied] = useState(false);

  return (
    <div className="space-y-3">
      {created?.key && (
        <div role="status" className="rounded-lg border border-emerald-200 bg-emerald-50 p-3" data-testid="new-api-key">
          <p className="text-sm font-medium text-emerald-900">{created.message}</p>
          <div className="mt-2 flex items-center gap-2">
            <code className="min-w-0 flex-1 truncate rounded bg-white px-2 py-1 font-mono text-xs ring-1 ring-emerald-200">{created.key}</code>
            <button type="button" className={buttonClass.secondary}
              onClick={() => void navigator.clipboard.writeText(created.key!).then(() => setCopied(true))}>
              <Copy aria-hidden className="size-4" /> {copied ? 'Copied' : 'Copy'}
            </button>
          </div>
        </div>
      )}
      {keys.length === 0 ? (
        <div className="flex flex-col items-center gap-1 rounded-lg border border-dashed border-zinc-300 bg-white px-6 py-8 text-center">
          <KeyRound aria-hidden className="size-6 text-zinc-400" />
          <p className="text-sm font-medium text-zinc-900">No API keys</p>
          <p className="text-sm text-zinc-500">Create one for each service that reads from the CRM, so you can revoke them one by one.</p>
        </div>
      ) : (
        <div className={table.wrap}>
          <table className={table.table}>
            <thead className={table.thead}>
              <tr>
                <th className={table.th}>Name</th>
                <th className={`${table.th} w-28`}>Key</th>
                <th className={`${table.th} w-40`}>Scopes</th>
                <th className={`${table.th} w-32`}>Created</th>
                <th className={`${table.th} w-28`}>Last used</th>
                <th className={`${table.th} w-24`}><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id} className={`${table.tr} ${k.revokedAt ? 'text-zinc-400' : ''}`}>
                  <td className={`${table.td} truncate font-medium`} title={k.name}>{k.name}</td>
                  <td className={`${table.td} font-mono text-xs`}>{k.prefix}…</td>
                  <td className={`${table.td} truncate text-xs`}>{k.scopes.join(', ')}</td>
                  <td className={`${table.td} text-xs`} title={k.createdBy ?? undefined}>{formatDate(k.createdAt, timeZone)}</td>
                  <td className={`${table.td} text-xs`}>{relativeTime(k.lastUsedAt)}</td>
                  <td className={table.td}>
                    {k.revokedAt ? (
                      <span className="text-xs">revoked</span>
                    ) : (
                      <button type="button" disabled={pending} className="text-xs text-red-700 hover:underline"
                        onClick={() => {
                          if (!window.confirm(`Revoke “${k.name}”? Services using it stop working at once.`)) return;
                          startTransition(async () => setMessage(await revokeKey(k.id)));
                        }}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {message && <p role="status" className={`text-sm ${message.ok ? 'text-emerald-700' : 'text-red-700'}`}>{message.message}</p>}
      <form action={createAction} className="rounded-lg border border-zinc-200 bg-white p-3">
        <h3 className="mb-2 text-sm font-medium text-zinc-900">Create a key</h3>
        <div className="flex flex-wrap items-center gap-3">
          <input name="name" required maxLength={100} placeholder="What uses it, e.g. “Website bookings”" aria-label="Key name" className={`${inputClass} max-w-xs`} />
          <fieldset className="flex flex-wrap gap-3 text-sm">
            <legend className="sr-only">Scopes</legend>
            {SCOPES.map((s) => (
              <label key={s.value} className="flex items-center gap-1.5" title={s.hint}>
                <input type="checkbox" name="scopes" value={s.value} defaultChecked={s.value === 'crm:read'} /> {s.label}
                <span className="text-xs text-zinc-400">({s.hint})</span>
              </label>
            ))}
          </fieldset>
          <button type="submit" disabled={creating} className={buttonClass.primary}>{creating ? 'Creating…' : 'Create key'}</button>
        </div>
        {created && !created.ok && <p role="status" className="mt-2 text-sm text-red-700">{created.message}</p>}
      </form>
    </div>
  );
}
