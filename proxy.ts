import { NextResponse, type NextRequest } from 'next/server';
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
    if (path !== '/') signIn.searchParams.set('callbackUrl', path);
    return NextResponse.redirect(signIn);
  }
  const headers = new Headers(request.headers);
  headers.set(PATH_HEADER, path);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  // Pages only: the API answers 401 itself, Auth.js owns /api/auth, and sign-in must stay reachable.
  matcher: ['/((?!api/|_next/static|_next/image|favicon.ico|sign-in|.*\\.[a-z0-9]+$).*)'],
};
