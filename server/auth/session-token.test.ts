import { encode } from 'next-auth/jwt';
import { describe, expect, it } from 'vitest';
import { safeCallbackPath } from './paths';
import { isSameOrigin, readCookie, readSessionUserId, sessionCookieName } from './session-token';

const SECRET = 'unit-test-secret-0123456789abcdef';

async function cookieFor(uid: string, secure: boolean, secret = SECRET) {
  const name = sessionCookieName(secure);
  return `${name}=${await encode({ token: { uid, sub: uid }, secret, salt: name })}`;
}

describe('readSessionUserId', () => {
  it('reads the user id from a valid session cookie', async () => {
    const req = new Request('http://crm.test/x', { headers: { cookie: await cookieFor('u-1', false) } });
    expect(await readSessionUserId(req, SECRET)).toBe('u-1');
  });

  it('uses the __Secure- cookie behind TLS', async () => {
    const req = new Request('http://crm.test/x', {
      headers: { cookie: await cookieFor('u-2', true), 'x-forwarded-proto': 'https' },
    });
    expect(await readSessionUserId(req, SECRET)).toBe('u-2');
    const plainCookieOverTls = new Request('https://crm.test/x', { headers: { cookie: await cookieFor('u-2', false) } });
    expect(await readSessionUserId(plainCookieOverTls, SECRET)).toBeNull();
  });

  it('refuses a cookie signed with another secret, a missing secret, and a bearer header', async () => {
    const forged = new Request('http://crm.test/x', { headers: { cookie: await cookieFor('u-3', false, 'another-secret-0123456789abcdef') } });
    expect(await readSessionUserId(forged, SECRET)).toBeNull();
    const valid = new Request('http://crm.test/x', { headers: { cookie: await cookieFor('u-3', false) } });
    expect(await readSessionUserId(valid, undefined)).toBeNull();
    const name = sessionCookieName(false);
    const token = await encode({ token: { uid: 'u-4' }, secret: SECRET, salt: name });
    const bearer = new Request('http://crm.test/x', { headers: { authorization: `Bearer ${token}` } });
    expect(await readSessionUserId(bearer, SECRET)).toBeNull();
  });
});

describe('isSameOrigin', () => {
  it('accepts an Origin that names the host', () => {
    expect(isSameOrigin(new Headers({ origin: 'https://crm.club', host: 'crm.club' }))).toBe(true);
    expect(isSameOrigin(new Headers({ origin: 'https://crm.club', 'x-forwarded-host': 'crm.club', host: 'internal:3000' }))).toBe(true);
  });

  it('refuses another origin, a null origin and a missing one', () => {
    expect(isSameOrigin(new Headers({ origin: 'https://evil.example', host: 'crm.club' }))).toBe(false);
    expect(isSameOrigin(new Headers({ origin: 'null', host: 'crm.club' }))).toBe(false);
    expect(isSameOrigin(new Headers({ host: 'crm.club' }))).toBe(false);
  });
});

describe('readCookie', () => {
  it('finds one cookie among several', () => {
    expect(readCookie(new Headers({ cookie: 'a=1; crm-tenant=alpha-gc; b=2' }), 'crm-tenant')).toBe('alpha-gc');
    expect(readCookie(new Headers({ cookie: 'a=1' }), 'crm-tenant')).toBeUndefined();
  });
});

describe('safeCallbackPath', () => {
  it('keeps paths of this app and refuses everything else', () => {
    expect(safeCallbackPath('/members?q=zanele')).toBe('/members?q=zanele');
    expect(safeCallbackPath('//evil.example/x')).toBe('/');
    expect(safeCallbackPath('/\\evil.example')).toBe('/');
    expect(safeCallbackPath('https://evil.example')).toBe('/');
    expect(safeCallbackPath(undefined)).toBe('/');
  });
});
