import { describe, expect, it } from 'vitest';
import { FORMATS } from '../../src/modules/labels/formats.js';
import { cellRect } from '../../src/modules/labels/layout.js';
import { decodeQr, rasterise } from '../labels/pdf-geometry.js';
import { createCollection, deviceInput, intake } from '../helpers/factories.js';
import { checkPage, isFocused, textOf, useBrowserApp } from './browser.js';

const ctx = useBrowserApp();

describe('saisie rapide', () => {
  it('when a collector keys in 5 devices without the mouse, then a duplicate is flagged first, one batch is saved, and the labels PDF holds their 5 QR codes', async () => {
    const collection = await createCollection(ctx);
    const [existing] = await intake(ctx, [deviceInput({ serialNumber: 'ALREADY-KNOWN-1' })]);
    const collector = await ctx.staff('collector', 'Sami Benali');
    const { page, context } = await ctx.signedIn(collector);

    await page.goto(`/collectes/${collection.id}/saisie`);
    await checkPage(page, 'saisie-rapide');
    const serial = (n: number) => page.getByLabel(`Numéro de série, ligne ${n}`);
    expect(await isFocused(serial(1))).toBe(true);

    // Line 1 on a phone: everything typed; the next lines carry brand, model and weight over. The
    // table is wider than the screen: it says it scrolls, and the field reached by Tab comes into view.
    await page.setViewportSize({ width: 390, height: 844 });
    const grid = page.getByRole('region', { name: 'Tableau défilant' });
    expect(await page.locator('#grid-scroll-hint').isVisible()).toBe(true);
    expect(await grid.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    await page.keyboard.type('5CG0000001');
    await page.keyboard.press('Tab');
    await page.keyboard.type('HP');
    await page.keyboard.press('Tab');
    await page.keyboard.type('EliteBook 840 G5');
    await page.keyboard.press('Tab');
    await page.keyboard.type('1,5');
    const [box, view] = [await page.getByLabel('Poids en kg, ligne 1').boundingBox(), await grid.boundingBox()];
    expect(box!.x).toBeGreaterThanOrEqual(view!.x);
    expect(box!.x + box!.width).toBeLessThanOrEqual(view!.x + view!.width + 1);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.keyboard.press('Enter');
    expect(await isFocused(serial(2))).toBe(true);
    expect(await page.getByLabel('Marque, ligne 2').inputValue()).toBe('HP');
    expect(await page.getByLabel('Poids en kg, ligne 2').inputValue()).toBe('1,5');
    for (const code of ['5CG0000002', '5CG0000003', '5CG0000002']) {
      await page.keyboard.type(code);
      await page.keyboard.press('Enter');
    }
    expect(await textOf(page.locator('tr', { has: serial(4) }).locator('[data-check]'))).toContain('Doublon de la ligne 2');
    await page.keyboard.type('ALREADY-KNOWN-1');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.body.innerText.includes('Déjà enregistré'));
    expect(await textOf(page.locator('tr', { has: serial(5) }).locator('[data-check]'))).toContain(existing.assetTag);
    await checkPage(page, 'saisie-rapide-doublons');

    // Correct lines 4 and 5, from the keyboard.
    await serial(4).fill('5CG0000004');
    await serial(5).fill('5CG0000005');
    await serial(5).press('Enter');
    // The empty last line is ignored; Tab leads to "Enregistrer".
    await page.getByRole('button', { name: 'Enregistrer' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Appareils enregistrés' }).waitFor();
    await checkPage(page, 'saisie-rapide-enregistre');
    expect(await textOf(page.locator('[data-intake-status]'))).toBe('5 appareils enregistrés : imprimez leurs étiquettes ci-dessous.');
    expect(await page.locator('[data-intake]').isVisible()).toBe(false);
    const list = await textOf(page.locator('[data-done-list]'));
    for (const n of [1, 2, 3, 4, 5]) expect(list).toContain(`5CG000000${n}`);

    const devices = (await ctx.api().get(`/api/v1/devices?collectionId=${collection.id}`)).body.items as { assetTag: string; serialNumber: string; weightKg: number; brand: string }[];
    expect(devices).toHaveLength(5);
    expect(devices.every((d) => d.brand === 'HP' && d.weightKg === 1.5)).toBe(true);
    const events = (await ctx.api().get(`/api/v1/devices/${(devices[0] as unknown as { id: string }).id}/events`)).body.items;
    expect(events[0].actor).toBe('Sami Benali');

    // The labels form: the URL it opens, fetched with this browser's session.
    const tags = await page.locator('[data-labels-form] input[name="tags"]').inputValue();
    expect(tags.split(',')).toEqual(devices.map((d) => d.assetTag));
    const res = await context.request.get(`/collectes/${collection.id}/etiquettes.pdf?tags=${tags}&format=avery-l7160&startPosition=1`);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('application/pdf');
    const [png] = await rasterise(Buffer.from(await res.body()));
    const decoded = [1, 2, 3, 4, 5].map((position) => decodeQr(png, cellRect(FORMATS['avery-l7160'], position)));
    expect(decoded).toEqual(devices.map((d) => `${ctx.config.publicUrl}/d/${d.assetTag}`));
    await context.close();
  });

  it('when the same batch is sent twice with its Idempotency-Key, then nothing is created twice', async () => {
    const collection = await createCollection(ctx);
    const collector = await ctx.staff('collector');
    const { page, context } = await ctx.signedIn(collector);
    await page.goto(`/collectes/${collection.id}/saisie`);
    const key = await page.locator('[data-intake]').getAttribute('data-key');
    const csrf = await page.locator('meta[name="csrf-token"]').getAttribute('content');
    const send = () =>
      context.request.post(`/collectes/${collection.id}/saisie`, {
        headers: { 'Idempotency-Key': key!, 'X-CSRF-Token': csrf!, Origin: ctx.baseUrl },
        data: [{ kind: 'laptop', serialNumber: 'TWICE-1' }],
      });
    const [first, second] = [await send(), await send()];
    expect(first.status()).toBe(201);
    expect(second.status()).toBe(201);
    expect(second.headers()['idempotent-replayed']).toBe('true');
    expect((await ctx.api().get(`/api/v1/devices?collectionId=${collection.id}`)).body.items).toHaveLength(1);
    await context.close();
  });

  it('when a batch posted to the grid gives a monitor a system or a disk, then the line is refused as the API refuses it, and nothing is created', async () => {
    const collection = await createCollection(ctx);
    const { page, context } = await ctx.signedIn(await ctx.staff('collector'));
    await page.goto(`/collectes/${collection.id}/saisie`);
    const csrf = await page.locator('meta[name="csrf-token"]').getAttribute('content');
    const res = await context.request.post(`/collectes/${collection.id}/saisie`, {
      headers: { 'Idempotency-Key': 'grid-monitor-disk', 'X-CSRF-Token': csrf!, Origin: ctx.baseUrl },
      data: [{ kind: 'laptop', serialNumber: 'GRID-OK-1' }, { kind: 'monitor', serialNumber: 'GRID-DISK-1', specs: { os: 'Windows 10', storageGb: 256, storageType: 'ssd' } }],
    });
    expect(res.status()).toBe(422);
    expect((await res.json()).errors).toEqual([expect.objectContaining({ line: 2, field: 'specs' })]);
    expect((await ctx.api().get(`/api/v1/devices?collectionId=${collection.id}`)).body.items).toHaveLength(0);
    await context.close();
  });
});
