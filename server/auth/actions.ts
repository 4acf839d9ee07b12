'use server';

import { AuthError, CredentialsSignin } from 'next-auth';
import { cookies, headers } from 'next/headers';
import { forbidden, redirect } from 'next/navigation';
import { INVALID_CREDENTIALS_MESSAGE } from './credentials';
import { CredentialsRefused } from './sign-in-errors';
import { signIn, signOut } from './index';
import { isSameOrigin } from './session-token';
import { TENANT_COOKIE } from './staff-access';
import { safeCallbackPath } from './paths';
import { getViewer } from './viewer';
import { OIDC_PROVIDER_ID } from './oidc';

export interface SignInFormState {
  error: string | null;
  /** Echoed back so the form keeps what was typed after a refusal. */
  email: string;
}

/** The sign-in form's action: email + password, then back to where the person was going. */
export async function signInWithPassword(_previous: SignInFormState, form: FormData): Promise<SignInFormState> {
  const email = String(form.get('email') ?? '');
  try {
    await signIn('credentials', { email, password: String(form.get('password') ?? ''), redirect: false });
  } catch (error) {
    return { error: signInErrorMessage(error), email };
  }
  redirect(safeCallbackPath(form.get('callbackUrl')));
}

/** The "Sign in with single sign-on" button (shown only when OIDC is configured). */
export async function signInWithSso(form: FormData): Promise<void> {
  await signIn(OIDC_PROVIDER_ID, { redirectTo: safeCallbackPath(form.get('callbackUrl')) });
}

function signInErrorMessage(error: unknown): string {
  if (error instanceof CredentialsRefused) return error.refusal.message;
  if (error instanceof CredentialsSignin) return INVALID_CREDENTIALS_MESSAGE;
  if (error instanceof AuthError) return 'Signing in is not possible right now. Try again in a minute.';
  throw error;
}

/** The user menu's "Sign out". */
export async function signOutAction(): Promise<void> {
  (await cookies()).delete(TENANT_COOKIE);
  await signOut({ redirectTo: '/sign-in' });
}

/**
 * Makes another of the person's clubs the active one (a club id, or a form with a `tenantId` field). A club they do
 * not belong to is refused (the cookie would be ignored anyway: every request checks it against the memberships).
 * Setting the cookie in an action makes Next render the current page again, now for the new club.
 */
export async function switchTenant(
  input: string | FormData,
): Promise<{ ok: true; tenantId: string } | { ok: false; error: string }> {
  const tenantId = typeof input === 'string' ? input : String(input.get('tenantId') ?? '');
  const requestHeaders = await headers();
  if (!isSameOrigin(requestHeaders)) forbidden();
  const viewer = await getViewer();
  if (!viewer) redirect('/sign-in');
  if (!viewer.tenants.some((t) => t.id === tenantId)) return { ok: false, error: 'You do not belong to that club.' };
  (await cookies()).set(TENANT_COOKIE, tenantId, {
    httpOnly: true,
    sameSite: 'lax',
    // Next sets x-forwarded-proto on every request (a TLS-terminating proxy passes "https" through).
    secure: requestHeaders.get('x-forwarded-proto')?.split(',')[0]?.trim() === 'https',
    path: '/',
    maxAge: 60 * 60 * 24 * 365,
  });
  return { ok: true, tenantId };
}
