import Link from 'next/link';

/** Rendered (with status 403) when requireViewer / requireActionPermission call Next's forbidden(). */
export default function Forbidden() {
  return (
    <main className="grid min-h-[60vh] place-items-center px-4">
      <div className="max-w-md text-center">
        <p className="text-sm font-semibold text-indigo-600">403</p>
        <h1 className="mt-2 text-xl font-semibold text-zinc-900">You do not have access to this page</h1>
        <p className="mt-2 text-sm text-zinc-600">
          Your role in this club does not include it. Ask a club administrator if you need it, or switch to another club.
        </p>
        <Link href="/" className="mt-5 inline-block rounded-md bg-indigo-600 px-3 py-2 text-sm font-semibold text-white hover:bg-indigo-500">
          Back to the CRM
        </Link>
      </div>
    </main>
  );
}
