import { AxeBuilder } from '@axe-core/playwright';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, vi } from 'vitest';
import type { Role } from '../../src/modules/api-keys/schemas.js';
import { acceptInvitation, createUser } from '../../src/modules/users/service.js';
import { useTestApp, dialect, type TestContext } from '../helpers/app.js';

/** Debian's Chromium (`apt-get install chromium`); CHROMIUM_PATH overrides it. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve(import.meta.dirname, 'screenshots');
/** Chromium's flags for every browser test (a test that needs more, such as a fake camera, adds to them). */
export const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface BrowserTestContext extends TestContext {
  browser: Browser;
  baseUrl: string;
  /** A staff user with a password, made through the service as an invitation would. */
  staff(role: Role, name?: string): Promise<{ id: string; email: string; password: string; name: string }>;
  /** A fresh browser profile (its own cookies) signed in as this user. */
  signedIn(user: { email: string; password: string }): Promise<{ context: BrowserContext; page: Page }>;
}

let counter = 0;

/**
 * The app on an ephemeral port with a fresh database (SQLite or PostgreSQL like every test
 * file), and one Chromium for the whole file. PUBLIC_URL is plain http, as on a local set-up,
 * so cookies carry no `Secure` flag (the https names are tested over HTTP).
 */
export function useBrowserApp(env: Record<string, string> = {}): BrowserTestContext {
  // A journey visits several pages, each checked by axe and photographed twice: on a shared
  // machine under load that takes longer than the suite's 30 s for one HTTP test.
  vi.setConfig({ testTimeout: 90_000 });
  const ctx = useTestApp({ PUBLIC_URL: 'http://127.0.0.1:3000', ...env }) as BrowserTestContext;
  let profile: string | undefined;
  beforeAll(async () => {
    const address = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    ctx.baseUrl = address;
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ordipratique-chromium-'));
    // launch() gives the browser a fresh temporary profile of its own; `profile` is its scratch space.
    ctx.browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true, downloadsPath: profile });
    ctx.staff = async (role, name = `Agent ${role} ${++counter}`) => {
      const email = `${role}.${counter}.${Date.now()}@example.fr`;
      const password = `Ordi-${role}-horse-battery-${counter}`;
      const { user, token } = await createUser(ctx.db, { email, name, role }, 'test');
      await acceptInvitation(ctx.db, token, password);
      return { id: user.id, email, password, name };
    };
    ctx.signedIn = async (user) => {
      const context = await ctx.browser.newContext({ baseURL: ctx.baseUrl, locale: 'fr-FR', viewport: { width: 1280, height: 800 } });
      context.setDefaultTimeout(10_000);
      const page = await context.newPage();
      await page.goto('/connexion');
      await page.getByLabel('Adresse e-mail').fill(user.email);
      await page.getByLabel('Mot de passe').fill(user.password);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.waitForURL((url) => url.pathname !== '/connexion');
      return { context, page };
    };
  });
  afterAll(async () => {
    await ctx.browser?.close();
    if (profile) fs.rmSync(profile, { recursive: true, force: true });
  });
  return ctx;
}

/**
 * What every test does after each page it visits: no serious or critical accessibility
 * violation (axe-core), and screenshots at phone and desktop sizes for a person to look at.
 */
export async function checkPage(page: Page, name: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  type Violation = { id: string; impact?: string | null; help: string; nodes: { target: unknown[] }[] };
  const serious = (results.violations as Violation[]).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`), name).toEqual([]);
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const original = page.viewportSize() ?? { width: 1280, height: 800 };
  for (const size of [{ width: 390, height: 844 }, { width: 1280, height: 800 }]) {
    await page.setViewportSize(size);
    await page.screenshot({ path: path.join(SCREENSHOTS, `${dialect}-${name}-${size.width}.png`), fullPage: true });
  }
  await page.setViewportSize(original);
}

/** The text of the first match, once it is there (playwright-core has no web-first assertions). */
export async function textOf(locator: import('playwright-core').Locator): Promise<string> {
  await locator.first().waitFor();
  return (await locator.first().innerText()).replace(/\s+/g, ' ');
}

export async function isFocused(locator: import('playwright-core').Locator): Promise<boolean> {
  return locator.evaluate((element) => element === document.activeElement);
}
