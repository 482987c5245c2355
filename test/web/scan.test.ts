import { describe, expect, it } from 'vitest';
import { deviceInput, intake } from '../helpers/factories.js';
import { dialect } from '../helpers/app.js';
import { checkPage, isFocused, SCREENSHOTS, textOf, useBrowserApp } from './browser.js';

const ctx = useBrowserApp();

describe('signing in and scanning', () => {
  it('when a collector asks for the scanner while signed out, then signing in brings them back to it, and a typed tag and a pasted label URL both open the device page', async () => {
    const [device, other] = await intake(ctx, [deviceInput({ brand: 'Lenovo', model: 'ThinkPad T480' }), deviceInput({ brand: 'Dell', model: 'Latitude 5490' })]);
    const collector = await ctx.staff('collector', 'Camille Martin');
    const context = await ctx.browser.newContext({ baseURL: ctx.baseUrl, locale: 'fr-FR' });
    const page = await context.newPage();

    await page.goto('/scanner');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/connexion');
    await checkPage(page, 'connexion');
    await page.getByLabel('Adresse e-mail').fill(collector.email);
    await page.getByLabel('Mot de passe').fill('pas le bon mot de passe');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    expect(await textOf(page.getByRole('alert'))).toContain('Adresse e-mail ou mot de passe incorrect');
    await page.getByLabel('Mot de passe').fill(collector.password);
    await page.keyboard.press('Enter');
    await page.waitForURL('**/scanner');
    await checkPage(page, 'scanner');

    // A USB scanner types the code and Enter into the focused field.
    const code = page.getByLabel('Code', { exact: true });
    expect(await isFocused(code)).toBe(true);
    await page.keyboard.type(device.assetTag.toLowerCase());
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/appareils/${device.id}?scan=1`);
    expect(await textOf(page.getByRole('heading', { level: 1 }))).toContain(device.assetTag);
    await page.waitForFunction(() => document.documentElement.dataset.scanMs !== undefined);
    const scanMs = Number(await page.locator('html').getAttribute('data-scan-ms'));
    console.log(`[figure] scanner Enter → device page shown: ${scanMs} ms`);
    await checkPage(page, 'appareil');
    const history = await textOf(page.locator('.history'));
    expect(history).toContain('Collecté');
    expect(history).toContain('par test collector');

    // The next scan needs no mouse: the field on the device page has the focus.
    expect(await isFocused(page.getByLabel('Code', { exact: true }))).toBe(true);
    await page.keyboard.insertText(`https://ordi.example.fr/d/${other.assetTag}`);
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/appareils/${other.id}?scan=1`);
    expect(await textOf(page.getByRole('heading', { level: 1 }))).toContain(other.assetTag);

    await page.getByLabel('Code', { exact: true }).fill('NOPE-NOT-A-SERIAL');
    await page.keyboard.press('Enter');
    expect(await textOf(page.getByRole('alert'))).toContain('Aucun appareil ne porte le code NOPE-NOT-A-SERIAL');
    await checkPage(page, 'scanner-inconnu');
    // An unknown serial number: the offer leads through donor and collection to the intake grid.
    await page.getByRole('link', { name: 'enregistrez-le dans une collecte' }).click();
    await checkPage(page, 'donateurs');
    await page.locator('table.cards a').first().click();
    await page.getByRole('link', { name: /^Collecte du/ }).first().click();
    await page.waitForURL(/\/saisie\?serie=/);
    expect(await page.getByLabel('Numéro de série, ligne 1').inputValue()).toBe('NOPE-NOT-A-SERIAL');

    await page.getByRole('link', { name: 'Appareils', exact: true }).click();
    await page.getByLabel('Numéro, série, marque ou modèle').fill('Lenovo');
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=Lenovo/);
    expect(await textOf(page.locator('table.cards tbody'))).toContain(device.assetTag);
    expect(await page.locator('table.cards tbody tr').count()).toBe(1);
    await checkPage(page, 'appareils');
    await context.close();
  });
});

describe('the frame around every page', () => {
  it('when a page opens, then its icon is served fingerprinted and cached for a year (and /favicon.ico answers), and on a phone the menu folds behind a button that opens with the keyboard', async () => {
    const collector = await ctx.staff('collector');
    const { page, context } = await ctx.signedIn(collector);
    const icon = await page.locator('link[rel="icon"]').getAttribute('href');
    expect(icon).toMatch(/^\/assets\/favicon\.[0-9a-f]{10}\.ico$/);
    const fingerprinted = await context.request.get(icon!);
    expect(fingerprinted.status()).toBe(200);
    expect(fingerprinted.headers()).toMatchObject({ 'content-type': 'image/x-icon', 'cache-control': 'public, max-age=31536000, immutable' });
    const byName = await context.request.get('/favicon.ico');
    expect(byName.status()).toBe(200);
    expect(Buffer.compare(await byName.body(), await fingerprinted.body())).toBe(0);

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/appareils');
    const toggle = page.getByRole('button', { name: 'Menu' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await page.getByRole('link', { name: 'Donateurs' }).isVisible()).toBe(false);
    // The page's title sits under the header bar, not a screen of links below it.
    expect((await page.locator('h1').boundingBox())!.y).toBeLessThan(150);
    await checkPage(page, 'menu-ferme');
    await toggle.focus();
    await page.keyboard.press('Enter');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await page.keyboard.press('Tab');
    expect(await isFocused(page.getByRole('link', { name: 'Scanner' }))).toBe(true);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${SCREENSHOTS}/${dialect}-menu-ouvert-390.png` });
    await page.keyboard.press('Escape');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await isFocused(toggle)).toBe(true);

    // On a desktop the menu is always there and the button is not.
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(await toggle.isVisible()).toBe(false);
    expect(await page.getByRole('link', { name: 'Donateurs' }).isVisible()).toBe(true);
    await context.close();
  });
});
