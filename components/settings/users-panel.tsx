'use client';

import { useActionState, useState, useTransition } from 'react';
import { formatDate } from '../format';
import { buttonClass, inputClass } from '../ui/button';
import { table } from '../ui/table';

const ROLES = [
  { value: 'staff', label: 'Staff', hint: 'members, timelines, churn risk' },
  { value: 'marketing', label: 'Marketing', hint: '+ segments, exports, duplicates' },
  { value: 'admin', label: 'Admin', hint: '+ queue, retries, users, API keys' },
] as const;
type Role = (typeof ROLES)[number]['value'];

export interface UserView {
  id: string;
  name: string;
  email: string;
  role: Role;
  createdAt: string;
  disabledAt: string | null;
}

type Result = { ok: boolean; message: string };

/** The club's people and their roles; an admin adds, re-roles and removes (never themselves). */
export function UsersPanel({
  users,
  selfId,
  timeZone,
  addUser,
  changeRole,
  removeUser,
}: {
  users: UserView[];
  selfId: string;
  timeZone: string;
  addUser: (prev: Result | null, form: FormData) => Promise<Result>;
  changeRole: (userId: string, role: Role) => Promise<Result>;
  removeUser: (userId: string) => Promise<Result>;
}) {
  const [added, addAction, adding] = useActionState(addUser, null);
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<Result | null>(null);

  return (
    <div className="space-y-3">
      <div className={table.wrap}>
        <table className={table.table}>
          <thead className={table.thead}>
            <tr>
              <th className={table.th}>Name</th>
              <th className={table.th}>Email</th>
              <th className={`${table.th} w-44`}>Role</th>
              <th className={`${table.th} w-32`}>Added</th>
              <th className={`${table.th} w-28`}><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} className={table.tr}>
                <td className={`${table.td} truncate font-medium text-zinc-900`} title={u.name}>
                  {u.name}
                  {u.id === selfId && <span className="ml-1 text-xs font-normal text-zinc-400">(you)</span>}
                  {u.disabledAt && <span className="ml-1 text-xs font-normal text-red-700">disabled</span>}
                </td>
                <td className={`${table.td} truncate`} title={u.email}>{u.email}</td>
                <td className={table.td}>
                  <select
                    aria-label={`Role of ${u.email}`}
                    defaultValue={u.role}
                    disabled={pending || u.id === selfId}
                    onChange={(e) => {
                      const role = e.target.value as Role;
                      startTransition(async () => setMessage(await changeRole(u.id, role)));
                    }}
                    className="rounded-md border-0 py-1 pr-7 pl-2 text-sm ring-1 ring-zinc-300 ring-inset disabled:bg-zinc-50 disabled:text-zinc-500"
                  >
                    {ROLES.map((r) => <option key={r.value} value={r.value}>{r.label}</option>)}
                  </select>
                </td>
                <td className={`${table.td} text-xs text-zinc-500`}>{formatDate(u.createdAt, timeZone)}</td>
                <td className={table.td}>
                  {u.id !== selfId && (
                    <button type="button" disabled={pending} className="text-xs text-red-700 hover:underline"
                      onClick={() => {
                        if (!window.confirm(`Remove ${u.email} from this club? Their account and other clubs stay.`)) return;
                        startTransition(async () => setMessage(await removeUser(u.id)));
                      }}>
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {message && <p role="status" className={`text-sm ${message.ok ? 'text-emerald-700' : 'text-red-700'}`}>{message.message}</p>}

      <form action={addAction} className="rounded-lg border border-zinc-200 bg-white p-3">
        <h3 className="mb-2 text-sm font-medium text-zinc-900">Add a person</h3>
        <div className="grid grid-cols-1 gap-2 md:grid-cols-[1fr_1fr_10rem_1fr_auto]">
          <input name="name" placeholder="Name" aria-label="Name" className={inputClass} />
          <input name="email" type="email" required placeholder="Email" aria-label="Email" className={inputClass} />
          <select name="role" aria-label="Role" defaultValue="staff" className={inputClass}>
            {ROLES.map((r) => <option key={r.value} value={r.value}>{r.label}</option>)}
          </select>
          <input name="password" type="password" minLength={8} placeholder="Password (blank for single sign-on)" aria-label="Password" autoComplete="new-password" className={inputClass} />
          <button type="submit" disabled={adding} className={buttonClass.primary}>{adding ? 'Adding…' : 'Add'}</button>
        </div>
        <p className="mt-2 text-xs text-zinc-500">{ROLES.map((r) => `${r.label}: ${r.hint}`).join(' · ')}</p>
        {added && <p role="status" className={`mt-2 text-sm ${added.ok ? 'text-emerald-700' : 'text-red-700'}`}>{added.message}</p>}
      </form>
    </div>
  );
}
