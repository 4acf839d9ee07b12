import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { connection } from 'next/server';
import { oidcSettings } from '@/server/auth/oidc';
import { INVALID_CREDENTIALS_MESSAGE } from '@/server/auth/credentials';
import { safeCallbackPath } from '@/server/auth/paths';
import { getViewer } from '@/server/auth/viewer';
import { SignInForm, SsoButton } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

/**
 * Errors Auth.js reports in the URL: after a single sign-on round trip, or after a sign-in posted to its own
 * endpoint instead of through this form (then `code` says why, without saying whether the account exists).
 */
function redirectError(error: string | undefined, code: string | undefined): string | null {
  if (!error) return null;
  if (error === 'CredentialsSignin') {
    if (code === 'throttled') return 'Too many attempts — try again in a minute.';
    if (code === 'no_access') return 'Your account is not linked to any club yet. Ask an administrator.';
    return INVALID_CREDENTIALS_MESSAGE;
  }
  if (error === 'AccessDenied') return 'That account is not set up for this CRM. Ask an administrator to add you.';
  if (error === 'Configuration') return 'Signing in is not possible right now. Try again in a minute.';
  return 'Single sign-on did not complete. Try again.';
}

const one = (value: string | string[] | undefined) => (typeof value === 'string' ? value : undefined);

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  await connection();
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(params.callbackUrl);
  // Checked against the database, not just the cookie: a disabled account sees the form, not a redirect loop.
  if (await getViewer()) redirect(callbackUrl);
  const urlError = redirectError(one(params.error), one(params.code));
  const sso = oidcSettings() !== null;

  return (
    <main className="grid min-h-screen place-items-center bg-zinc-50 px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex flex-col items-center gap-3 text-center">
          <span
            aria-hidden
            className="grid size-10 place-items-center rounded-xl bg-indigo-600 text-lg font-semibold text-white"
          >
            C
          </span>
          <div>
            <h1 className="text-xl font-semibold tracking-tight text-zinc-900">Clubhouse CRM</h1>
            <p className="mt-1 text-sm text-zinc-500">Sign in with your club staff account</p>
          </div>
        </div>
        <div className="rounded-xl border border-zinc-200 bg-white p-6 shadow-sm">
          <SignInForm callbackUrl={callbackUrl} />
          {sso && (
            <>
              <div className="my-5 flex items-center gap-3 text-xs text-zinc-400">
                <span className="h-px flex-1 bg-zinc-200" />
                or
                <span className="h-px flex-1 bg-zinc-200" />
              </div>
              <SsoButton callbackUrl={callbackUrl} />
            </>
          )}
          {urlError && (
            <p role="status" className="mt-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
              {urlError}
            </p>
          )}
        </div>
        <p className="mt-6 text-center text-xs text-zinc-500">
          Forgot your password? Ask your club administrator to reset it.
        </p>
      </div>
    </main>
  );
}
