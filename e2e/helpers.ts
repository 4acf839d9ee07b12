import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';
import postgres from 'postgres';
import { E2E, type E2ERole } from './env';

const SHOTS = path.resolve(import.meta.dirname, 'screenshots');

/** The app's main navigation: pages also hold links of the same name (the members table's "Churn risk" sort). */
export const mainNav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

/** Opens a page through the main navigation. */
export async function openFromNav(page: Page, name: string): Promise<void> {
  await mainNav(page).getByRole('link', { name }).click();
}

/** Signs in through the real form and waits for the app shell. */
export async function signIn(page: Page, role: E2ERole, callbackUrl?: string): Promise<void> {
  await page.goto(callbackUrl ? `/sign-in?callbackUrl=${encodeURIComponent(callbackUrl)}` : '/sign-in');
  await page.getByLabel('Email').fill(E2E.users[role]);
  await page.getByLabel('Password').fill(E2E.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(mainNav(page)).toBeVisible();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByLabel('User menu').click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
}

/** A full-page screenshot in e2e/screenshots (git-ignored), after charts and fonts settle. */
export async function shot(page: Page, name: string, { fullPage = true } = {}): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  // Bounded: a live page (queue health polls every 5 s) is never idle for long.
  await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => {});
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage, animations: 'disabled' });
}

/** Runs SQL against the e2e database (error-state specs break and repair a table on purpose). */
export async function withDatabase<T>(fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(E2E.databaseUrl, { max: 1, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end();
  }
}

/** Switches the admin's active club with the top-bar switcher. */
export async function switchClub(page: Page, name: string): Promise<void> {
  await page.getByLabel('Switch club').selectOption({ label: name });
  await expect(page.getByRole('complementary').getByText(name)).toBeVisible();
}
