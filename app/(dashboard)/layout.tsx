import { Flag } from 'lucide-react';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { KeyboardShortcuts } from '@/components/shell/keyboard';
import { Nav, type NavKey } from '@/components/shell/nav';
import { Providers } from '@/components/shell/providers';
import { TenantSwitcher } from '@/components/shell/tenant-switcher';
import { UserMenu } from '@/components/shell/user-menu';
import { signOutAction, switchTenant } from '@/server/auth/actions';
import { pageContext } from './page-context';

/** The staff app shell: navigation on the left, search hint, club switcher and user menu on top. */
export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const { viewer } = await pageContext();
  const visible: NavKey[] = ['members', 'churn', 'segments'];
  if (viewer.permissions.includes('queue.read')) visible.push('queue');
  if (viewer.permissions.includes('users.manage') || viewer.permissions.includes('apikeys.manage')) visible.push('settings');

  async function changeTenant(formData: FormData) {
    'use server';
    await switchTenant(formData);
  }

  return (
    <Providers>
      <KeyboardShortcuts />
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">
        Skip to content
      </a>
      <div className="flex min-h-screen">
        <aside className="w-52 shrink-0 border-r border-zinc-200 bg-zinc-100/70">
          <div className="sticky top-0 flex h-screen flex-col gap-4 px-3 py-4">
          <Link href="/members" className="flex items-center gap-2 px-2 text-sm font-semibold text-zinc-900">
            <span className="grid size-6 place-items-center rounded-md bg-indigo-600 text-white">
              <Flag aria-hidden className="size-3.5" />
            </span>
            Clubhouse CRM
          </Link>
          <Nav visible={visible} />
          <p className="mt-auto truncate px-2 text-xs text-zinc-500" title={viewer.tenantName}>
            {viewer.tenantName}
          </p>
          </div>
        </aside>
        <div className="flex min-w-0 flex-1 flex-col">
          <header className="sticky top-0 z-20 flex h-12 items-center justify-between gap-4 border-b border-zinc-200 bg-white/90 px-6 backdrop-blur">
            <Link
              href="/members?focus=1"
              className="flex items-center gap-2 text-xs text-zinc-500 hover:text-zinc-800"
              title="Search members"
            >
              Press
              <kbd className="rounded border border-zinc-300 bg-zinc-50 px-1.5 py-0.5 font-mono text-[11px] text-zinc-700">/</kbd>
              to search ·
              <kbd className="rounded border border-zinc-300 bg-zinc-50 px-1.5 py-0.5 font-mono text-[11px] text-zinc-700">j</kbd>
              <kbd className="rounded border border-zinc-300 bg-zinc-50 px-1.5 py-0.5 font-mono text-[11px] text-zinc-700">k</kbd>
              to move
            </Link>
            <div className="flex items-center gap-3">
              {viewer.tenants.length > 1 && (
                <TenantSwitcher tenants={viewer.tenants} currentId={viewer.tenantId} action={changeTenant} />
              )}
              <UserMenu name={viewer.name} email={viewer.email} role={viewer.role} signOut={signOutAction} />
            </div>
          </header>
          <main id="main" className="min-w-0 flex-1 px-6 py-5">
            {children}
          </main>
        </div>
      </div>
    </Providers>
  );
}
