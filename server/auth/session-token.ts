import { getToken } from 'next-auth/jwt';

/** Auth.js names its session cookie after whether the site is served over TLS (a `__Secure-` prefix then). */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Secure-authjs.session-token' : 'authjs.session-token';
}

/** Whether the request reached us over TLS (directly, or through a proxy that says so). */
export function isSecureRequest(request: { url: string; headers: Headers }): boolean {
  const forwarded = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim();
  if (forwarded) return forwarded === 'https';
  return new URL(request.url).protocol === 'https:';
}

/**
 * The staff user id in a request's session cookie, or null when there is none or it does not verify. Only the
 * cookie is read: an `Authorization` header is an API key, never a session.
 */
export async function readSessionUserId(
  request: { url: string; headers: Headers },
  secret: string | undefined,
): Promise<string | null> {
  if (!secret) return null;
  const secure = isSecureRequest(request);
  const headers = new Headers({ cookie: request.headers.get('cookie') ?? '' });
  const token = await getToken({
    req: { headers },
    secret,
    secureCookie: secure,
    cookieName: sessionCookieName(secure),
  });
  return typeof token?.uid === 'string' ? token.uid : null;
}

/** Reads one cookie from a Cookie header. */
export function readCookie(headers: Headers, name: string): string | undefined {
  for (const part of (headers.get('cookie') ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(value.join('='));
    } catch {
      return undefined; // a malformed escape is no cookie, not a server error
    }
  }
  return undefined;
}

/**
 * True when a state-changing request comes from this site: its `Origin` names the host it was sent to. A missing
 * or `null` Origin is refused — browsers send one with every cross-site and same-site POST.
 */
export function isSameOrigin(headers: Headers, fallbackHost?: string): boolean {
  const origin = headers.get('origin');
  if (!origin || origin === 'null') return false;
  const host = headers.get('x-forwarded-host')?.split(',')[0]?.trim() ?? headers.get('host') ?? fallbackHost;
  if (!host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
