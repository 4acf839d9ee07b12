'use client';

import { useTransition } from 'react';

/**
 * Shown only to people who work for several clubs. Submitting switches the active club server-side (the cookie is
 * a hint the server re-checks) and reloads every page's data.
 */
export function TenantSwitcher({
  tenants,
  currentId,
  action,
}: {
  tenants: { id: string; name: string; role: string }[];
  currentId: string;
  action: (formData: FormData) => Promise<void>;
}) {
  const [pending, startTransition] = useTransition();
  return (
    <form action={action}>
      <label className="flex items-center gap-2 text-xs text-zinc-500">
        <span className="sr-only sm:not-sr-only">Club</span>
        <select
          name="tenantId"
          aria-label="Switch club"
          defaultValue={currentId}
          disabled={pending}
          onChange={(e) => {
            const form = e.currentTarget.form!;
            startTransition(() => form.requestSubmit());
          }}
          className="max-w-64 truncate rounded-md border-0 bg-white py-1 pr-7 pl-2 text-sm text-zinc-900 ring-1 ring-zinc-300 ring-inset focus:ring-2 focus:ring-indigo-600"
        >
          {tenants.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
      </label>
    </form>
  );
}
