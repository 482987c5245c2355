import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectedOn, deviceInput, intake } from '../helpers/factories.js';
import { pdfText } from '../helpers/pdf.js';
import { checkPage, isFocused, textOf, useBrowserApp } from './browser.js';

const ctx = useBrowserApp();

/** The month before the clock's, `YYYY-MM`, and its last day. */
function previousMonth(): { month: string; first: string; last: string } {
  const now = ctx.clock.now();
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0));
  return { month: first.toISOString().slice(0, 7), first: first.toISOString().slice(0, 10), last: last.toISOString().slice(0, 10) };
}

/** Every figure the page shows, by its report key, read back as a number ("1 234,5" → 1234.5). */
async function figuresOn(page: Page): Promise<Record<string, number>> {
  const cells = await page.locator('[data-figure]').evaluateAll((nodes) => nodes.map((n) => [n.getAttribute('data-figure'), n.textContent ?? '']));
  return Object.fromEntries(cells.map(([key, text]) => [key, Number(text!.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.'))]));
}

function expectSameFigures(shown: Record<string, number>, totals: Record<string, number>) {
  expect(Object.keys(shown).length).toBeGreaterThanOrEqual(10);
  for (const [key, value] of Object.entries(shown)) expect(value, key).toBeCloseTo(totals[key], 1);
}

beforeAll(async () => {
  const last = previousMonth();
  await intake(ctx, [deviceInput(), deviceInput(), deviceInput({ kind: 'monitor', weightKg: 4.2 })], await collectedOn(ctx, last.first));
  await intake(ctx, [deviceInput()], await collectedOn(ctx, ctx.clock.now().toISOString().slice(0, 10)));
});

describe('the programme report in the web app', () => {
  it('when a viewer opens it from the menu, then the figures are the API’s for the same period, and the PDF and both CSVs download', async () => {
    const viewer = await ctx.staff('viewer', 'Claire Grand Chambéry');
    const { page, context } = await ctx.signedIn(viewer);
    await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Rapport' }).click();
    await page.waitForURL('**/rapport');
    await checkPage(page, 'rapport');
    expect(await textOf(page.locator('h1'))).toBe('Rapport du programme');

    // The API's default period: 1 January to today.
    const byDefault = (await ctx.api('viewer').get('/api/v1/reports/summary').expect(200)).body;
    expect(await textOf(page.locator('[data-period]'))).toContain(new Date(`${byDefault.period.to}T12:00:00Z`).getUTCFullYear().toString());
    expectSameFigures(await figuresOn(page), byDefault.totals);

    // Last month alone, chosen from the keyboard: Tab walks each month field's parts (month,
    // year), then reaches the next field and the button, and Enter shows the period.
    const last = previousMonth();
    const tabTo = async (name: string, locator: import('playwright-core').Locator) => {
      for (let i = 0; i < 4 && !(await isFocused(locator)); i++) await page.keyboard.press('Tab');
      expect(await isFocused(locator), name).toBe(true);
    };
    await page.getByLabel('Premier mois').focus();
    await page.getByLabel('Premier mois').fill(last.month);
    await tabTo('Dernier mois', page.getByLabel('Dernier mois'));
    await page.getByLabel('Dernier mois').fill(last.month);
    await tabTo('Afficher', page.getByRole('button', { name: 'Afficher' }));
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/rapport?from=${last.month}&to=${last.month}`);
    await checkPage(page, 'rapport-mois');
    const month = (await ctx.api('viewer').get(`/api/v1/reports/summary?from=${last.first}&to=${last.last}`).expect(200)).body;
    expect(month.totals.devicesCollected).toBe(3);
    const shown = await figuresOn(page);
    expectSameFigures(shown, month.totals);
    expect(shown.devicesCollected).toBe(3);

    const pdfHref = await page.getByRole('link', { name: /PDF/ }).getAttribute('href');
    const pdf = await context.request.get(pdfHref!);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect(pdf.headers()['content-disposition']).toContain(`bilan-ordipratique-${last.first}-${last.last}.pdf`);
    const text = await pdfText(Buffer.from(await pdf.body()));
    expect(text).toContain('Bilan du programme');
    expect(text).toContain(`Période du ${last.first.split('-').reverse().join('/')} au ${last.last.split('-').reverse().join('/')}`);
    expect(text).toMatch(/Appareils collectés 3/);

    const csvHref = await page.getByRole('link', { name: /CSV pour Excel/ }).getAttribute('href');
    const csv = await context.request.get(csvHref!);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers()['content-disposition']).toContain(`bilan-ordipratique-${last.first}-${last.last}.csv`);
    const apiCsv = await ctx.api('viewer').get(`/api/v1/reports/summary?from=${last.first}&to=${last.last}&format=csv&delimiter=semicolon`).expect(200);
    expect(await csv.text()).toBe(apiCsv.text);
    const rows = parse(await csv.text(), { bom: true, columns: true, delimiter: ';' }) as Record<string, string>[];
    expect(rows.find((r) => r.month === 'total' && r.metric === 'weightKgCollected' && r.breakdown === '')?.value).toBe('7,2');

    const plainHref = await page.getByRole('link', { name: /CSV \(virgules\)/ }).getAttribute('href');
    const plain = parse(await (await context.request.get(plainHref!)).text(), { bom: true, columns: true }) as Record<string, string>[];
    expect(plain.find((r) => r.month === 'total' && r.metric === 'devicesCollected' && r.breakdown === '')?.value).toBe('3');
    await context.close();
  });

  it('when a month does not exist or the period is out of limits, then the page says so in French beside the field, never a 500', async () => {
    const viewer = await ctx.staff('viewer');
    const { page, context } = await ctx.signedIn(viewer);
    const bad = await page.goto('/rapport?from=2026-13&to=2026-12');
    expect(bad!.status()).toBe(422);
    expect(await textOf(page.locator('#from-error'))).toBe('Mois attendu (AAAA-MM), par exemple 2026-03.');
    expect(await page.getByLabel('Premier mois').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('[data-figure]').count()).toBe(0);
    await checkPage(page, 'rapport-mois-invalide');

    await page.goto('/rapport?from=2000-01&to=2026-12');
    expect(await textOf(page.locator('#from-error'))).toContain('120 mois');
    await page.goto('/rapport?from=2026-06&to=2026-01');
    expect(await textOf(page.locator('#from-error'))).toContain('avant le dernier');
    await page.goto('/rapport?from=1999-12');
    expect(await textOf(page.locator('#from-error'))).toContain('2000');

    for (const path of ['/rapport.pdf?from=2026-13', '/rapport.csv?to=2026-00']) {
      const res = await context.request.get(path);
      expect(res.status(), path).toBe(422);
      expect(await res.text(), path).toContain('field-error');
    }
    const delimiter = await context.request.get('/rapport.csv?delimiter=tab');
    expect(delimiter.status()).toBe(422);
    expect(await delimiter.text()).toContain('Séparateur inconnu');
    await context.close();
  });

  it('when an admin looks for it by the names people try, then the menu and /rapports or /bilan lead to it', async () => {
    const admin = await ctx.staff('admin');
    const { page, context } = await ctx.signedIn(admin);
    for (const path of ['/rapports', '/bilan']) {
      await page.goto(path);
      expect(new URL(page.url()).pathname, path).toBe('/rapport');
    }
    expect(await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Rapport' }).getAttribute('aria-current')).toBe('page');
    await checkPage(page, 'rapport-admin');
    await context.close();
  });

  it('when a trainer (partner staff) asks for it, then 403 and no menu entry, as the API answers their role', async () => {
    const trainer = await ctx.staff('trainer');
    const { page, context } = await ctx.signedIn(trainer);
    expect(await page.getByRole('link', { name: 'Rapport' }).count()).toBe(0);
    for (const path of ['/rapport', '/rapport.pdf', '/rapport.csv']) expect((await context.request.get(path)).status(), path).toBe(403);
    await context.close();
  });
});
