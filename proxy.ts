import { NextResponse, type NextRequest } from 'next/server';
import { isContactQuery } from '@/components/members/contact-query';
import { PATH_HEADER } from '@/server/auth/paths';
import { readSessionUserId } from '@/server/auth/session-token';

/**
 * Next 16's request proxy (formerly middleware): an early, optimistic check only. A page request without a valid
 * session cookie is sent to sign-in; everything else — which club, which role, which permission — is decided in
 * the data layer on every request (requireViewer, apiRoute), because a proxy can be skipped by a matcher mistake.
 */
export async function proxy(request: NextRequest) {
  const path = `${request.nextUrl.pathname}${request.nextUrl.search}`;
  const userId = await readSessionUserId(request, process.env.AUTH_SECRET);
  if (!userId) {
    const signIn = new URL('/sign-in', request.url);
    if (path !== '/') signIn.searchParams.set('callbackUrl', callbackPath(request.nextUrl));
    return NextResponse.redirect(signIn);
  }
  const headers = new Headers(request.headers);
  headers.set(PATH_HEADER, path);
  return NextResponse.next({ request: { headers } });
}

/** Where to return after sign-in; an email or phone number searched for (an old bookmark) is not carried along. */
function callbackPath(url: URL): string {
  const params = new URLSearchParams(url.search);
  const q = params.get('q');
  if (q && isContactQuery(q)) params.delete('q');
  const search = params.toString();
  return search ? `${url.pathname}?${search}` : url.pathname;
}

export const config = {
  // Pages only: the API answers 401 itself, Auth.js owns /api/auth, and sign-in must stay reachable.
  matcher: ['/((?!api/|_next/static|_next/image|favicon.ico|sign-in|.*\\.[a-z0-9]+$).*)'],
};
