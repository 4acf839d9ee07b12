import { expect, test } from '@playwright/test';
import { openFromNav, shot, signIn, signOut } from './helpers';
import { RETRY_EVENT_ID } from './seed-events';

test('admin retries a dead-lettered event from the UI and sees it processed', async ({ page }) => {
  await signIn(page, 'admin');
  await openFromNav(page, 'Queue health');
  await expect(page.getByRole('heading', { level: 1, name: 'Queue health' })).toBeVisible();

  const row = page.locator(`tr[data-event-id="${RETRY_EVENT_ID}"]`);
  await expect(row).toContainText('Retries exhausted');
  await shot(page, 'queue-admin-before-retry');

  // The original event is one click away.
  await row.getByRole('button', { name: RETRY_EVENT_ID }).click();
  await expect(page.getByTestId('payload-json')).toContainText('teetime.booking.completed');
  await shot(page, 'queue-payload-drawer');
  await page.getByRole('button', { name: 'Close' }).click();

  await row.getByRole('button', { name: 'Retry', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: /retry 1 event\?/i });
  await expect(dialog).toBeVisible();
  await shot(page, 'queue-retry-confirm');
  await dialog.getByRole('button', { name: 'Retry 1 event' }).click();
  await expect(page.getByTestId('retry-result')).toContainText('1 event requeued');
  await expect(page.getByTestId('retry-watch')).toContainText('All 1 processed successfully', { timeout: 30_000 });
  await shot(page, 'queue-retry-result');
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page.locator(`tr[data-event-id="${RETRY_EVENT_ID}"]`)).toHaveCount(0);

  await page.goto(`/events/${RETRY_EVENT_ID}`);
  await expect(page.getByTestId('trace-status')).toContainText('Processed');
  await expect(page.getByRole('link', { name: 'Zanele Mokoena' })).toBeVisible();
  await shot(page, 'event-trace-processed');

  await signOut(page);
});

test('admin creates an API key that is shown once, then revokes it', async ({ page }) => {
  await signIn(page, 'admin');
  await openFromNav(page, 'Settings');
  await expect(page.getByRole('heading', { name: 'Users and roles' })).toBeVisible();
  await page.getByLabel('Key name').fill('Website bookings');
  await page.getByRole('button', { name: 'Create key' }).click();
  const created = page.getByTestId('new-api-key');
  await expect(created).toContainText('not shown again');
  const key = (await created.locator('code').textContent())!;
  expect(key.length).toBeGreaterThan(20);
  await shot(page, 'settings-key-created');

  await page.reload();
  await expect(page.getByTestId('new-api-key')).toHaveCount(0);
  await expect(page.locator('body')).not.toContainText(key);
  page.once('dialog', (d) => void d.accept());
  await page.getByRole('row', { name: /Website bookings/ }).getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByRole('row', { name: /Website bookings/ })).toContainText('revoked');
});
