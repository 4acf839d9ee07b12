import { expect, test, type APIResponse, type Page } from '@playwright/test';
import { E2E } from './env';
import { signIn, withDatabase } from './helpers';
import { ZANELE } from './seed-events';

/*
 * Security properties of the running app, proven over HTTP against `next start`: server actions refuse requests
 * from another origin (or none), session cookies are HttpOnly, SameSite and Secure behind TLS, pages and API answers
 * with personal data are never cached, and an email or phone number searched for never enters a URL.
 */

async function apiKeysNamed(name: string): Promise<number> {
  return withDatabase(async (sql) => (await sql`select count(*)::int as n from api_keys where name = ${name}`)[0]!.n as number);
}

interface CapturedAction {
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** Submits the "Create a key" form and captures the server action request the browser makes, without sending it. */
async function captureCreateKeyAction(page: Page, name: string): Promise<CapturedAction> {
  let captured: CapturedAction | null = null;
  await page.route('**/settings', async (route) => {
    const request = route.request();
    if (request.method() !== 'POST' || !request.headers()['next-action']) return route.continue();
    captured = { url: request.url(), headers: await request.allHeaders(), body: request.postDataBuffer()! };
    await route.abort();
  });
  await page.getByLabel('Key name').fill(name);
  await page.getByRole('button', { name: 'Create key' }).click();
  await expect.poll(() => captured !== null).toBe(true);
  await page.unroute('**/settings');
  return captured!;
}

/** Sends the captured action again with the browser's cookies, and the Origin given (or none). */
function replay(page: Page, action: CapturedAction, origin: string | null): Promise<APIResponse> {
  const headers = Object.fromEntries(
    Object.entries(action.headers).filter(([name]) => !['origin', 'cookie', 'content-length', 'host'].includes(name.toLowerCase()) && !name.startsWith(':')),
  );
  if (origin !== null) headers.origin = origin;
  return page.request.post(action.url, { headers, data: action.body, maxRedirects: 0 });
}

test.describe('server actions', () => {
  test('refuse a foreign, a null and a missing Origin, with no effect; the same request from this origin works', async ({ page }) => {
    await signIn(page, 'admin');
    await page.goto('/settings');
    const name = `CSRF probe ${Date.now()}`;
    const action = await captureCreateKeyAction(page, name);
    expect(action.headers['next-action']).toBeTruthy();

    for (const origin of ['https://evil.example', 'null', null]) {
      const res = await replay(page, action, origin);
      const body = await res.text();
      expect(res.status(), `Origin ${origin}`).toBeGreaterThanOrEqual(400);
      expect(body, `Origin ${origin}`).not.toMatch(/crm_[0-9A-Za-z]{40}/);
      expect(await apiKeysNamed(name), `Origin ${origin}`).toBe(0);
    }

    // The very same request from this origin is accepted: the refusals above were about the Origin alone.
    const ok = await replay(page, action, E2E.baseURL);
    expect(ok.status()).toBe(200);
    const key = /crm_[0-9A-Za-z]{40}/.exec(await ok.text())?.[0];
    expect(key).toBeTruthy();
    expect(await apiKeysNamed(name)).toBe(1);

    // Shown once: the settings page never shows it again; it works until revoked, and fails on the next request after.
    await page.goto('/settings');
    await expect(page.getByRole('row', { name: new RegExp(name) })).toBeVisible();
    expect(await page.content()).not.toContain(key!);
    const api = () => page.request.get('/api/v1/customers?take=1', { headers: { authorization: `Bearer ${key}` } });
    expect((await api()).status()).toBe(200);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('row', { name: new RegExp(name) }).getByRole('button', { name: 'Revoke' }).click();
    await expect(page.getByRole('row', { name: new RegExp(name) })).toContainText('revoked');
    expect((await api()).status()).toBe(401);
  });
});

test.describe('session cookies', () => {
  test('are HttpOnly and SameSite=Lax over plain HTTP', async ({ page, context }) => {
    await signIn(page, 'staff');
    const session = (await context.cookies()).find((c) => c.name === 'authjs.session-token');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false, path: '/' });
  });

  test('are __Secure-, Secure, HttpOnly and SameSite=Lax behind a TLS proxy (x-forwarded-proto: https)', async ({ playwright }) => {
    const request = await playwright.request.newContext({ baseURL: E2E.baseURL, extraHTTPHeaders: { 'x-forwarded-proto': 'https' } });
    try {
      const csrf = await request.get('/api/auth/csrf');
      const csrfCookie = csrf.headersArray().find((h) => h.name.toLowerCase() === 'set-cookie' && h.value.includes('csrf-token'))!.value;
      expect(csrfCookie).toMatch(/^__Host-authjs\.csrf-token=/);
      expect(csrfCookie).toMatch(/; Secure/i);
      const { csrfToken } = await csrf.json();
      const signedIn = await request.post('/api/auth/callback/credentials', {
        form: { csrfToken, email: E2E.users.staff, password: E2E.password, callbackUrl: '/members' },
        headers: { cookie: csrfCookie.split(';')[0]! },
        maxRedirects: 0,
      });
      const session = signedIn.headersArray().find((h) => h.name.toLowerCase() === 'set-cookie' && h.value.includes('session-token'))?.value;
      expect(session, `status ${signedIn.status()}`).toMatch(/^__Secure-authjs\.session-token=/);
      expect(session).toMatch(/; HttpOnly/i);
      expect(session).toMatch(/; Secure/i);
      expect(session).toMatch(/; SameSite=Lax/i);
    } finally {
      await request.dispose();
    }
  });
});

test.describe('caching', () => {
  test('pages and API answers with personal data are sent with Cache-Control: no-store', async ({ page }) => {
    await signIn(page, 'admin');
    const [{ id }] = await withDatabase((sql) => sql<{ id: string }[]>`select id from profiles where email = ${ZANELE.email}`);
    for (const path of ['/members', `/members/${id}`, '/churn-risk', '/members?q=zanele', '/queue', '/api/v1/customers', `/api/v1/customers/${id}`]) {
      const res = await page.request.get(path, { maxRedirects: 0 });
      expect(res.status(), path).toBe(200);
      expect(res.headers()['cache-control'], path).toMatch(/\bno-store\b/);
    }
    const search = await page.request.post('/api/v1/customers/search', { data: { q: ZANELE.email }, headers: { origin: E2E.baseURL } });
    expect(search.status()).toBe(200);
    expect(search.headers()['cache-control']).toMatch(/\bno-store\b/);
  });
});

test.describe('member search', () => {
  test('keeps an email or phone number out of every URL, and name searches shareable', async ({ page }) => {
    await signIn(page, 'staff');
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    const search = page.getByRole('searchbox', { name: /search members/i });
    const digits = ZANELE.phoneLocal.replace(/\D/g, '');

    for (const query of [ZANELE.email, ZANELE.phoneLocal]) {
      await search.fill('');
      // The search goes out as a POST with the query in its body.
      const searched = page.waitForResponse(
        (r) => r.url().endsWith('/api/v1/customers/search') && JSON.parse(r.request().postData() ?? '{}').q === query,
      );
      await search.pressSequentially(query, { delay: 15 });
      expect((await searched).status()).toBe(200);
      await expect(page.getByTestId('result-count')).toHaveText('1 person');
      await expect(page.getByRole('link', { name: 'Zanele Mokoena' })).toBeVisible();
      expect(page.url()).not.toContain('q=');
    }
    // Still there after a reload (this tab's storage), still not in the URL.
    await page.reload();
    await expect(search).toHaveValue(ZANELE.phoneLocal);
    await expect(page.getByRole('link', { name: 'Zanele Mokoena' })).toBeVisible();
    expect(page.url()).not.toContain('q=');

    const leaked = requested.filter((url) => {
      const decoded = decodeURIComponent(url);
      // Not even the email's local part, typed before its @.
      return /mokoena/i.test(decoded) || decoded.replace(/\D/g, '').includes(digits);
    });
    expect(leaked).toEqual([]);

    // A name goes into the URL as before.
    await search.fill('');
    await search.pressSequentially('Zanele', { delay: 15 });
    await expect(page).toHaveURL(/q=Zanele/);
    await expect(page.getByRole('link', { name: 'Zanele Mokoena' })).toBeVisible();
  });

  test('on a segment’s page too: an email finds the member without entering the URL', async ({ page }) => {
    await signIn(page, 'admin');
    const [segment] = await withDatabase(
      (sql) => sql<{ id: string }[]>`select m.segment_id as id from segment_memberships m join profiles p on p.id = m.profile_id
        where p.email = ${ZANELE.email} limit 1`,
    );
    expect(segment, 'Zanele is in a segment of the seeded club').toBeTruthy();
    await page.goto(`/segments/${segment!.id}`);
    const search = page.getByRole('searchbox', { name: /search members/i });
    // A pause after the first letter sends it as a name search; the email typed while that is still loading must
    // replace it rather than leave `?q=z` behind.
    await search.pressSequentially(ZANELE.email.slice(0, 1));
    await page.waitForTimeout(200);
    await search.pressSequentially(ZANELE.email.slice(1), { delay: 10 });
    // The name search's results may show first; the email's own search takes the letter out of the URL.
    await expect(page).not.toHaveURL(/q=/);
    await expect(page.getByTestId('result-count')).toHaveText(/^1 of /);
    await expect(page.getByRole('link', { name: 'Zanele Mokoena' })).toBeVisible();
    expect(page.url()).not.toContain('q=');
  });

  test('moves an email out of an old ?q= link on arrival', async ({ page }) => {
    await signIn(page, 'staff');
    await page.goto(`/members?q=${encodeURIComponent(ZANELE.email)}`);
    await expect(page).not.toHaveURL(/q=/);
    await expect(page.getByRole('searchbox', { name: /search members/i })).toHaveValue(ZANELE.email);
    await expect(page.getByRole('link', { name: 'Zanele Mokoena' })).toBeVisible();
  });

  test('answers a NUL byte in a page parameter with the page, not an error', async ({ page }) => {
    await signIn(page, 'staff');
    const res = await page.goto('/members?q=%00&tier=%00');
    expect(res?.status()).toBe(200);
    await expect(page.getByRole('heading', { level: 1, name: 'Members' })).toBeVisible();
  });
});

test.describe('security headers', () => {
  test('every page and API answer carries CSP (no framing), nosniff, a referrer policy and no X-Powered-By', async ({ page, request }) => {
    await signIn(page, 'staff');
    const answers = [
      await request.get('/sign-in'),
      await page.request.get('/members'),
      await page.request.get('/api/v1/customers'),
      await request.get('/api/v1/openapi.json'),
    ];
    for (const res of answers) {
      const headers = res.headers();
      expect(headers['content-security-policy'], res.url()).toContain("frame-ancestors 'none'");
      expect(headers['content-security-policy'], res.url()).toContain("default-src 'self'");
      expect(headers['content-security-policy'], res.url()).not.toContain('unsafe-eval');
      expect(headers['x-content-type-options'], res.url()).toBe('nosniff');
      expect(headers['x-frame-options'], res.url()).toBe('DENY');
      expect(headers['referrer-policy'], res.url()).toBe('strict-origin-when-cross-origin');
      expect(headers['x-powered-by'], res.url()).toBeUndefined();
    }
  });
});
