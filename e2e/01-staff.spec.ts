import { expect, test } from '@playwright/test';
import { shot, signIn, signOut } from './helpers';
import { ZANELE } from './seed-events';

test('staff finds a member by a local phone number, reads the TeeTime timeline, cannot retry, signs out', async ({ page }) => {
  await signIn(page, 'staff');
  await expect(page).toHaveURL(/\/members/);

  // `/` focuses the search from anywhere; results follow as you type.
  await page.keyboard.press('/');
  const search = page.getByRole('searchbox', { name: /search members/i });
  await expect(search).toBeFocused();
  await search.pressSequentially(ZANELE.phoneLocal, { delay: 20 });
  await expect(page.getByTestId('result-count')).toHaveText('1 person');
  // A phone number is personal data: it is searched for without entering the URL (05-security covers it in full).
  expect(page.url()).not.toContain('q=');
  const row = page.getByRole('link', { name: 'Zanele Mokoena' });
  await expect(row).toBeVisible();
  await shot(page, 'members-search-phone');

  // Keyboard: leave the box, j moves to the first row, Enter opens it.
  await page.keyboard.press('Escape');
  await page.keyboard.press('j');
  await expect(row).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Zanele Mokoena' })).toBeVisible();
  await expect(page.getByTestId('identifiers')).toContainText(String(ZANELE.memberId));

  const timeline = page.getByTestId('timeline');
  await expect(timeline.locator('li[data-source="messaging"]').first()).toBeVisible();
  await page.getByRole('button', { name: 'TeeTime', exact: true }).click();
  await expect(page).toHaveURL(/source=teetime/);
  await expect(timeline.locator('li[data-source="messaging"]')).toHaveCount(0);
  await expect(timeline.locator('li[data-source="scl"]')).toHaveCount(0);
  await expect(timeline.locator('li[data-source="teetime"]').first()).toBeVisible();
  await shot(page, 'profile-timeline-teetime');

  // Queue health: staff see no retry control, whatever the page shows them.
  await page.goto('/queue');
  await expect(page.getByRole('heading', { level: 1, name: 'Queue health' })).toBeVisible();
  await expect(page.locator('tr[data-event-id]').first()).toBeVisible();
  await expect(page.getByRole('button', { name: /^retry/i })).toHaveCount(0);
  await expect(page.getByTestId('retry-controls')).toHaveCount(0);
  await shot(page, 'queue-as-staff');

  await page.goto('/members');
  await signOut(page);
  await page.goto('/members');
  await expect(page).toHaveURL(/\/sign-in/);
});
