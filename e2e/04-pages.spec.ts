import { expect, test } from '@playwright/test';
import { E2E } from './env';
import { shot, signIn, switchClub, withDatabase } from './helpers';

test.describe('every page with full data', () => {
  test('admin pages', async ({ page }) => {
    await signIn(page, 'admin');
    await expect(page.getByTestId('result-count')).not.toHaveText('0 people');
    await shot(page, 'members-full');

    await page.goto('/members?sort=churnRiskScore&dir=desc&tier=Gold');
    await expect(page.getByRole('heading', { level: 1, name: 'Members' })).toBeVisible();
    await shot(page, 'members-filtered-sorted');

    await page.goto('/members?q=zanele');
    await page.getByRole('link', { name: 'Zanele Mokoena' }).click();
    await expect(page.getByTestId('timeline')).toBeVisible();
    await shot(page, 'profile-full');
    // What staff see after scrolling the timeline: sticky filters and day headers must not overlap.
    await page.mouse.wheel(0, 1400);
    await page.waitForTimeout(300);
    await shot(page, 'profile-scrolled', { fullPage: false });

    await page.goto('/members?q=bartholomew');
    await page.getByRole('link', { name: /Bartholomew/ }).click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('Bartholomew');
    await shot(page, 'profile-long-name');

    await page.goto('/churn-risk');
    await expect(page.locator('tbody tr').first()).toBeVisible();
    await shot(page, 'churn-risk-full');

    await page.goto('/queue');
    await expect(page.getByTestId('counters')).toBeVisible();
    await shot(page, 'queue-full');

    await page.goto('/events/evt_e2e_no_identity_open');
    await expect(page.getByTestId('trace-status')).toContainText('Dead-lettered');
    await shot(page, 'event-trace-dead-lettered');

    await page.goto('/settings');
    await expect(page.getByRole('cell', { name: E2E.users.staff })).toBeVisible();
    await shot(page, 'settings-full');
  });

  test('sign-in page', async ({ page }) => {
    await page.goto('/sign-in');
    await shot(page, 'sign-in');
  });
});

test.describe('empty states', () => {
  test('a search with no result, an unknown member and event', async ({ page }) => {
    await signIn(page, 'admin');
    await page.goto('/members?q=nobody-by-this-name');
    await expect(page.getByText('No one matches “nobody-by-this-name”')).toBeVisible();
    await shot(page, 'members-empty-search');

    await page.goto('/members/00000000-0000-4000-8000-000000000000');
    await expect(page.getByText('No such member in this club')).toBeVisible();
    await shot(page, 'member-not-found');

    await page.goto('/events/evt_does_not_exist');
    await expect(page.getByText('No event with this id for this club')).toBeVisible();
    await shot(page, 'event-not-found');
  });

  test('an address nothing answers: a page with the way back, and the API\'s JSON 404 and 405', async ({ page, request }) => {
    await signIn(page, 'staff');
    const res = await page.goto('/admin/queue');
    expect(res?.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
    await shot(page, 'page-not-found');
    await page.getByRole('link', { name: 'Back to the CRM' }).click();
    await expect(page).toHaveURL(/\/members$/);

    // A path under an endpoint's own (customers/{id}) that goes deeper than any route still gets the API's answer.
    for (const path of ['/api/v1/customer', '/api/v1/customers/00000000-0000-4000-8000-000000000000/notes']) {
      const api = await request.get(path);
      expect(api.status()).toBe(404);
      expect(api.headers()['content-type']).toContain('application/json');
      expect((await api.json()).error).toMatchObject({ code: 'not_found', message: expect.stringContaining(`No endpoint GET ${path};`) });
    }
    // A method the endpoint does not serve: the same shape, with what it does serve.
    const wrongMethod = await request.delete('/api/v1/customers');
    expect(wrongMethod.status()).toBe(405);
    expect(wrongMethod.headers()['allow']).toBe('GET, HEAD, OPTIONS');
    expect((await wrongMethod.json()).error).toMatchObject({ code: 'method_not_allowed', message: 'DELETE is not allowed on /api/v1/customers; it answers GET' });
    const options = await request.fetch('/api/v1/customers', { method: 'OPTIONS' });
    expect([options.status(), options.headers()['allow']]).toEqual([204, 'GET, HEAD, OPTIONS']);
  });

  test('a club with no data yet', async ({ page }) => {
    await signIn(page, 'admin');
    await switchClub(page, E2E.quietTenant.name);
    await page.goto('/members');
    await expect(page.getByText('No members yet')).toBeVisible();
    await shot(page, 'members-empty-club');

    await page.goto('/churn-risk');
    await expect(page.getByText('No churn scores yet')).toBeVisible();
    await shot(page, 'churn-risk-empty');

    await page.goto('/queue');
    await expect(page.getByTestId('dead-letters-empty')).toContainText('No dead letters');
    await shot(page, 'queue-no-dead-letters');
  });
});

test.describe('error states', () => {
  test('the timeline cannot load', async ({ page }) => {
    await signIn(page, 'admin');
    await page.goto('/members?q=zanele');
    await page.getByRole('link', { name: 'Zanele Mokoena' }).click();
    await page.route('**/internal/members/*/activities*', (route) => route.fulfill({ status: 500, body: 'boom' }));
    await page.getByRole('button', { name: 'SCL', exact: true }).click();
    await expect(page.getByText('The timeline could not be loaded.')).toBeVisible();
    await shot(page, 'profile-timeline-error');
  });

  test('queue health refresh fails', async ({ page }) => {
    await signIn(page, 'admin');
    await page.goto('/queue');
    await page.route('**/internal/queue/health', (route) => route.fulfill({ status: 503, body: 'down' }));
    await expect(page.getByText('Could not refresh')).toBeVisible({ timeout: 20_000 });
    await shot(page, 'queue-refresh-error');
  });

  test('a page whose data cannot be read shows what to do next', async ({ page }) => {
    await signIn(page, 'admin');
    // Break the dead-letter table for a moment: the queue page's server render fails.
    await withDatabase((sql) => sql`alter table dead_letters rename to dead_letters_unavailable`);
    try {
      await page.goto('/queue');
      await expect(page.getByTestId('error-state')).toContainText('Queue health could not be loaded');
      await expect(page.getByRole('button', { name: 'Try again' })).toBeVisible();
      await shot(page, 'queue-error');
    } finally {
      await withDatabase((sql) => sql`alter table dead_letters_unavailable rename to dead_letters`);
    }
    await page.getByRole('button', { name: 'Try again' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Queue health' })).toBeVisible();
  });
});
