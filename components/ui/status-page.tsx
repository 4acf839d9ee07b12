import Link from 'next/link';
import type { ReactNode } from 'react';
import { buttonClass } from './button';

/** A whole page in place of the one asked for (403, 404): what happened, what to do, and the way back. */
export function StatusPage({ status, title, children }: { status: number; title: string; children: ReactNode }) {
  return (
    <main className="grid min-h-[60vh] place-items-center px-4">
      <div className="max-w-md text-center">
        <p className="text-sm font-semibold text-indigo-600">{status}</p>
        <h1 className="mt-2 text-xl font-semibold text-zinc-900">{title}</h1>
        <p className="mt-2 text-sm text-zinc-600">{children}</p>
        <Link href="/" className={`mt-5 ${buttonClass.primary}`}>
          Back to the CRM
        </Link>
      </div>
    </main>
  );
}
