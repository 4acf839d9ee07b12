import { expect, test } from '@playwright/test';
import { openFromNav, shot, signIn, signOut } from './helpers';

test('marketing ranks churn risk, exports CSV, sees no retry control and no settings', async ({ page }) => {
  await signIn(page, 'marketing');
  await expect(page.getByRole('link', { name: 'Settings' })).toHaveCount(0);

  await openFromNav(page, 'Churn risk');
  await expect(page.getByRole('heading', { level: 1, name: 'Churn risk' })).toBeVisible();
  await expect(page.locator('tbody tr').first()).toBeVisible();
  await shot(page, 'churn-risk-marketing');

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: /export csv/i }).click();
  const file = await download;
  const text = await (await file.createReadStream()).toArray();
  const csv = Buffer.concat(text.map((c) => Buffer.from(c))).toString('utf8');
  expect(csv.split('\n')[0]).toContain('churn_score');
  expect(csv.split('\n').length).toBeGreaterThan(2);

  await page.goto('/queue');
  await expect(page.getByRole('button', { name: /^retry/i })).toHaveCount(0);

  // Settings is admin-only: typed into the address bar, it answers a real 403.
  const settings = await page.goto('/settings');
  expect(settings?.status()).toBe(403);

  await page.goto('/members');
  await signOut(page);
});
