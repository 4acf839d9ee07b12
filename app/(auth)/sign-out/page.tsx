import type { Metadata } from 'next';
import Link from 'next/link';
import { signOutAction } from '@/server/auth/actions';

export const metadata: Metadata = { title: 'Sign out' };

/** A confirmation page: signing out only ever happens on a POST (a link or an image cannot do it). */
export default function SignOutPage() {
  return (
    <main className="grid min-h-screen place-items-center bg-zinc-50 px-4">
      <div className="w-full max-w-sm rounded-xl border border-zinc-200 bg-white p-6 text-center shadow-sm">
        <h1 className="text-lg font-semibold text-zinc-900">Sign out of Clubhouse CRM?</h1>
        <form action={signOutAction} className="mt-5 flex justify-center gap-3">
          <Link href="/" className="rounded-md px-3 py-2 text-sm font-medium text-zinc-700 ring-1 ring-zinc-300 ring-inset hover:bg-zinc-50">
            Stay signed in
          </Link>
          <button type="submit" className="rounded-md bg-indigo-600 px-3 py-2 text-sm font-semibold text-white hover:bg-indigo-500">
            Sign out
          </button>
        </form>
      </div>
    </main>
  );
}
