import { expect, test, type Page } from '@playwright/test';
import { E2E } from './env';
import { openFromNav, shot, signIn, switchClub, withDatabase } from './helpers';
import { ensureSegmentPeople, EXPECTED_MEMBERS } from './segments-seed';
import { ZANELE } from './seed-events';

/**
 * Segments: the marketer's acceptance flow (build rule by rule with a live count, save, recount, export a CSV
 * whose rows equal the count shown), staff's read-only view, hand-picked lists, and the empty and not-found states.
 */

test.beforeAll(async () => {
  test.setTimeout(120_000);
  await ensureSegmentPeople();
});

/** The eligible profiles of the club matching a SQL condition: an independent check of the live count. */
async function countWhere(condition: string): Promise<number> {
  return withDatabase(async (sql) => {
    const [row] = await sql.unsafe<{ n: number }[]>(
      `select count(*)::int as n from profiles
       where tenant_id = $1 and status not in ('MERGED', 'DELETED') and ${condition}`,
      [E2E.tenant.id],
    );
    return row!.n;
  });
}

/** Waits for the live count to settle on a new number and returns it. */
async function settledCount(page: Page, expected: number): Promise<number> {
  const preview = page.getByTestId('preview');
  await expect(preview).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId('preview-count')).toHaveText(expected.toLocaleString('en-GB'));
  return expected;
}

function csvDataRows(csv: string): string[] {
  return csv.split(/\r?\n/).slice(1).filter((line) => line.trim() !== '');
}

test('a marketer builds a segment rule by rule, saves it, and exports exactly the members counted', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const gold = `lower(membership_tier) = 'gold'`;
  const lowHandicap = `${gold} and handicap < 15`;
  const notBooked = `${lowHandicap} and (last_booking_at is null or last_booking_at < now() - interval '60 days')`;
  const expected = [await countWhere(gold), await countWhere(lowHandicap), await countWhere(notBooked)];
  // The seed makes every rule narrow the segment; without that the test could not tell the count moved.
  expect(expected[0]).toBeGreaterThan(expected[1]!);
  expect(expected[1]).toBeGreaterThan(expected[2]!);
  expect(expected[2]).toBeGreaterThanOrEqual(EXPECTED_MEMBERS.length);

  await signIn(page, 'marketing');
  await openFromNav(page, 'Segments');
  await expect(page.getByRole('heading', { level: 1, name: 'Segments' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'High-Value Members' })).toBeVisible();
  await shot(page, 'segments-list');

  await page.getByRole('link', { name: 'New segment' }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: 'New segment' })).toBeVisible();
  await expect(page.getByTestId('preview')).toHaveAttribute('data-state', 'empty');

  // Rule 1: Membership tier is Gold.
  await page.getByLabel('Rule 1: field').selectOption({ label: 'Membership tier' });
  await expect(page.getByLabel('Rule 1: condition')).toHaveValue('eq');
  await page.getByLabel('Value for Membership tier').selectOption('Gold');
  await settledCount(page, expected[0]!);

  // Rule 2: Handicap under 15 — first mistyped, which the server refuses next to the rule.
  await page.getByRole('button', { name: 'Add rule' }).click();
  await expect(page.getByLabel('Rule 2: field')).toBeFocused();
  await page.getByLabel('Rule 2: field').selectOption({ label: 'Handicap' });
  await page.getByLabel('Rule 2: condition').selectOption({ label: 'under' });
  await page.getByLabel('Value for Handicap').fill('abc');
  await expect(page.getByTestId('preview')).toHaveAttribute('data-state', 'invalid');
  await expect(page.getByTestId('rule-error')).toHaveText('Handicap needs a number');
  // Saving without a name is refused too, with the reason next to the field.
  await page.getByRole('button', { name: 'Save segment' }).click();
  await expect(page.getByText('Give the segment a name.')).toBeVisible();
  await expect(page.getByLabel('Name', { exact: true })).toBeFocused();
  await shot(page, 'segments-builder-errors');

  await page.getByLabel('Value for Handicap').fill('15');
  await expect(page.getByTestId('rule-error')).toHaveCount(0);
  await settledCount(page, expected[1]!);

  // Rule 3: Last booking not within the last 60 days.
  await page.getByRole('button', { name: 'Add rule' }).click();
  await page.getByLabel('Rule 3: field').selectOption({ label: 'Last booking' });
  await page.getByLabel('Rule 3: condition').selectOption({ label: 'not within the last' });
  await page.getByLabel('Last booking: number of days').fill('60');
  const counted = await settledCount(page, expected[2]!);
  for (const name of EXPECTED_MEMBERS) await expect(page.getByTestId('preview-sample')).toContainText(name);

  const name = `Gold, handicap under 15, no booking in 60 days${testInfo.retry ? ` (retry ${testInfo.retry})` : ''}`;
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel(/Description/).fill('Low handicappers drifting away: invite them to the winter league.');
  await shot(page, 'segments-builder');
  await page.getByRole('button', { name: 'Save segment' }).click();

  // The segment page: the recount runs in the background and the page follows it to the end.
  await expect(page).toHaveURL(/\/segments\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(name);
  await expect(page.getByTestId('recompute-status')).toBeVisible();
  await shot(page, 'segments-recounting');
  await expect(page.getByTestId('definition')).toContainText('Membership tier is Gold');
  await expect(page.getByTestId('definition')).toContainText('Handicap under 15');
  await expect(page.getByTestId('definition')).toContainText('Last booking not within the last 60 days');
  await expect(page.getByTestId('recompute-status')).toHaveCount(0, { timeout: 45_000 });
  await expect(page.getByTestId('member-count')).toHaveText(String(counted));
  for (const member of EXPECTED_MEMBERS) await expect(page.getByRole('link', { name: member })).toBeVisible();
  await shot(page, 'segments-detail');

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/\.csv$/);
  const chunks = await (await file.createReadStream()).toArray();
  const csv = Buffer.concat(chunks.map((c) => Buffer.from(c))).toString('utf8');
  expect(csv.split(/\r?\n/)[0]).toContain('profile_id');
  const shown = Number((await page.getByTestId('member-count').textContent())!.replace(/\D/g, ''));
  expect(csvDataRows(csv)).toHaveLength(shown);
  for (const member of EXPECTED_MEMBERS) expect(csv).toContain(member.split(' ')[0]!);

  // Searching within the segment, with the query in the URL.
  await page.getByRole('searchbox', { name: /search members/i }).fill('Thandi');
  await expect(page).toHaveURL(/q=Thandi/);
  await expect(page.getByTestId('result-count')).toHaveText(`1 of ${shown}`);

  await page.goto('/segments');
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name }) });
  await expect(row).toContainText('Dynamic');
  await expect(row.getByRole('cell').nth(2)).toContainText(String(shown));
});

test('built-in segments cannot be deleted, and another club’s segment is not found', async ({ page }) => {
  await signIn(page, 'marketing');
  await page.goto('/segments');
  await page.getByRole('link', { name: 'At Risk Members' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('At Risk Members');
  await expect(page.getByText('System', { exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Edit' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Delete' })).toHaveCount(0);

  const foreignId = await withDatabase(async (sql) => {
    const [row] = await sql<{ id: string }[]>`select id from segments where tenant_id = ${E2E.quietTenant.id} limit 1`;
    return row!.id;
  });
  // Editing a built-in segment: its name stays, its rules open in the builder and can be grouped.
  await page.getByRole('link', { name: 'Edit' }).click();
  await expect(page.getByLabel('Name', { exact: true })).toHaveAttribute('readonly', '');
  await expect(page.getByLabel('Rule 1: field')).toHaveValue('churnRiskScore');
  await expect(page.getByLabel('Rule 2: field')).toHaveValue('membershipStatus');
  await page.getByRole('button', { name: 'Add group' }).click();
  await expect(page.getByLabel('Rule 3.1: field')).toBeFocused();
  const group = page.getByRole('group', { name: 'Group 3' });
  await group.getByLabel('Match').selectOption('OR');
  await page.getByLabel('Rule 3.1: field').selectOption({ label: 'Email opt-in' });
  await page.getByLabel('Value for Email opt-in').selectOption('Yes');
  await group.getByRole('button', { name: 'Add rule' }).click();
  await page.getByLabel('Rule 3.2: field').selectOption({ label: 'SMS opt-in' });
  await page.getByLabel('Value for SMS opt-in').selectOption('Yes');
  await expect(page.getByTestId('preview')).toHaveAttribute('data-state', 'ready');
  await shot(page, 'segments-builder-group');
  await page.getByRole('link', { name: 'Cancel' }).click();
  await expect(page.getByTestId('definition')).not.toContainText('opt-in');

  await page.goto(`/segments/${foreignId}`);
  await expect(page.getByText('No such segment in this club')).toBeVisible();
  await page.goto(`/segments/${foreignId}/edit`);
  await expect(page.getByText('No such segment in this club')).toBeVisible();
});

test('a hand-picked list: add by search, import a CSV with a report of unmatched rows, remove, delete', async ({ page }) => {
  await signIn(page, 'marketing');
  await page.goto('/segments/new');
  await page.getByLabel('Name', { exact: true }).fill('Winter league invitations');
  await page.getByLabel('A hand-picked list').check();
  await expect(page.getByTestId('preview')).toHaveCount(0);
  await page.getByRole('button', { name: 'Save segment' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Winter league invitations');
  await expect(page.getByText('Static', { exact: true })).toBeVisible();
  await expect(page.getByText('Nobody is in this segment yet')).toBeVisible();

  await page.getByLabel('Add a person').fill('Zanele');
  await page.getByRole('button', { name: 'Add Zanele Mokoena' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Zanele Mokoena: Added to the list.' })).toBeVisible();
  await expect(page.getByTestId('member-count')).toHaveText('1');

  const csv = ['email', ZANELE.email, 'pieter.joubert@example.org', 'nobody.here@example.org', ''].join('\n');
  await page.getByLabel('CSV file').setInputFiles({ name: 'invites.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Import' }).click();
  const report = page.getByTestId('import-report');
  await expect(report).toContainText('3 rows read: 2 matched, 1 person added');
  await expect(report).toContainText('1 row matched nobody');
  await expect(report).toContainText('nobody.here@example.org');
  await expect(page.getByTestId('member-count')).toHaveText('2');
  await shot(page, 'segments-static');

  await page.getByRole('button', { name: 'Remove Zanele Mokoena from this list' }).click();
  await expect(page.getByTestId('member-count')).toHaveText('1');

  await page.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('dialog')).toContainText('Delete “Winter league invitations”?');
  await expect(page.getByRole('dialog')).toContainText('1 member comes off the list');
  await page.getByRole('button', { name: 'Delete segment' }).click();
  await expect(page).toHaveURL(/\/segments$/);
  await expect(page.getByRole('link', { name: 'Winter league invitations' })).toHaveCount(0);
});

test('staff see segments read-only', async ({ page }) => {
  await signIn(page, 'staff');
  await page.goto('/segments');
  await expect(page.getByRole('heading', { level: 1, name: 'Segments' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'New segment' })).toHaveCount(0);

  await page.getByRole('link', { name: 'High-Value Members' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('High-Value Members');
  await expect(page.getByTestId('definition')).toContainText('Engagement score at least 70');
  await expect(page.getByRole('link', { name: 'Edit' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Delete' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Export CSV' })).toHaveCount(0);

  await page.goto('/segments/new');
  await expect(page.getByText('You do not have access to this page')).toBeVisible();
  await shot(page, 'forbidden');
});

test('a club with no segments of its own says what would fill the list', async ({ page }) => {
  await signIn(page, 'admin');
  await switchClub(page, E2E.quietTenant.name);
  await page.goto('/segments');
  await expect(page.getByText('No segments of your own yet')).toBeVisible();
  await expect(page.getByRole('link', { name: 'At Risk Members' })).toBeVisible();
  await shot(page, 'segments-empty');
});
