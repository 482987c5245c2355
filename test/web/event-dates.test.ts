import { describe, expect, it } from 'vitest';
import { collectedOn, deviceInput, intake } from '../helpers/factories.js';
import { checkPage, textOf, useBrowserApp } from './browser.js';

// Data typed days after it happened: the pages date each event by the day it happened, as the reports count.
const ctx = useBrowserApp();

const lines = async (page: import('playwright-core').Page, selector: string) =>
  (await page.locator(selector).allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());

describe('events typed after the day they happened', () => {
  it('when a collection, an erasure and a shipment are typed on 03/12, then the history and the dashboard show the days they happened, in that order, and say when they were typed', async () => {
    ctx.clock.set('2026-12-03T05:48:00Z'); // 06:48 in Paris
    const [laptop] = await intake(ctx, [deviceInput({ brand: 'Lenovo', model: 'ThinkPad T470' })], await collectedOn(ctx, '2026-11-20'));
    const erased = await ctx.api('reconditioner').post(`/api/v1/devices/${laptop.id}/erasure`).send({
      method: 'nist-800-88-purge',
      tool: 'Blancco Drive Eraser 7.14',
      performedAt: '2026-11-24T10:30:00+01:00',
      operator: 'Agnès Müller',
      result: 'passed',
      storage: [{ serialNumber: `S${laptop.assetTag}`, capacityGb: 256, type: 'ssd' }],
    });
    expect(erased.status, JSON.stringify(erased.body)).toBe(201);
    // Typed after the erasure, though handed over three days before it.
    const shipment = (await ctx.api('collector').post('/api/v1/shipments').send({})).body;
    await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/items`).send({ codes: [laptop.assetTag] }).expect(200);
    await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/dispatch`).send({ dispatchedOn: '2026-11-21' }).expect(200);
    // Collected and edited the day it is typed: two events of one day, in the order they were recorded.
    const [monitor] = await intake(ctx, [deviceInput({ kind: 'monitor', brand: 'Dell', model: 'P2219H' })], await collectedOn(ctx, '2026-12-03'));
    const etag = (await ctx.api().get(`/api/v1/devices/${monitor.id}`)).headers.etag;
    await ctx.api().patch(`/api/v1/devices/${monitor.id}`).set('If-Match', etag).send({ notes: 'Pied fourni' }).expect(200);

    const events = (await ctx.api().get(`/api/v1/devices/${laptop.id}/events`)).body.items as { type: string; occurredOn: string }[];
    expect(events.map((e) => [e.type, e.occurredOn])).toEqual([['intake', '2026-11-20'], ['erasure', '2026-11-24'], ['dispatch', '2026-11-21']]);

    const admin = await ctx.staff('admin', 'Camille Admin');
    const { context, page } = await ctx.signedIn(admin);
    await page.goto(`/appareils/${laptop.id}`);
    await checkPage(page, 'historique-dates-metier');
    const history = await lines(page, '.history li');
    expect(history).toHaveLength(3);
    expect(history[0]).toMatch(/^20\/11\/2026 Collecté par test collector, saisi le 03\/12\/2026$/);
    expect(history[1]).toMatch(/^21\/11\/2026 Expédié à TRIRA → expédié par test collector, saisi le 03\/12\/2026 \(EXP-/);
    expect(history[2]).toMatch(/^24\/11\/2026 Effacement réussi par test reconditioner, saisi le 03\/12\/2026$/);
    // The erasure table keeps the time the erasure was performed.
    expect(await textOf(page.locator('#erasure-title + table td[data-label="Date"]'))).toBe('24/11/2026 10:30');
    expect(await page.locator('.history li time').first().getAttribute('datetime')).toBe('2026-11-20');

    await page.goto(`/appareils/${monitor.id}`);
    expect(await lines(page, '.history li')).toEqual(['03/12/2026 Collecté par test collector', '03/12/2026 Description modifiée par test admin']);

    await page.goto('/');
    await checkPage(page, 'tableau-de-bord-dates-metier');
    const activity = await lines(page, '#activity-title + ol li');
    expect(activity[0]).toBe(`03/12/2026 Description modifiée : ${monitor.assetTag} par test admin`);
    expect(activity[1]).toBe(`03/12/2026 Collecté : ${monitor.assetTag} par test collector`);
    expect(activity[2]).toBe(`24/11/2026 Effacement réussi : ${laptop.assetTag} par test reconditioner, saisi le 03/12/2026`);
    expect(activity[3]).toMatch(new RegExp(`^21/11/2026 Expédié à TRIRA : ${laptop.assetTag} par test collector, saisi le 03/12/2026$`));
    expect(activity[4]).toBe(`20/11/2026 Collecté : ${laptop.assetTag} par test collector, saisi le 03/12/2026`);
    await context.close();
  });

  it('when a device is edited at 00:30 in Paris, then its event falls on that Paris day, not on the UTC day before, and the page adds no "saisi le"', async () => {
    ctx.clock.set('2026-12-09T23:30:00Z'); // 00:30 on 10/12 in Paris
    const [device] = await intake(ctx, [deviceInput()], await collectedOn(ctx, '2026-12-08'));
    const etag = (await ctx.api().get(`/api/v1/devices/${device.id}`)).headers.etag;
    await ctx.api().patch(`/api/v1/devices/${device.id}`).set('If-Match', etag).send({ notes: 'Chargeur absent' }).expect(200);
    const events = (await ctx.api().get(`/api/v1/devices/${device.id}/events`)).body.items as { type: string; occurredOn: string }[];
    expect(events.map((e) => [e.type, e.occurredOn])).toEqual([['intake', '2026-12-08'], ['update', '2026-12-10']]);

    const { context, page } = await ctx.signedIn(await ctx.staff('admin', 'Camille Admin'));
    await page.goto(`/appareils/${device.id}`);
    expect(await lines(page, '.history li')).toEqual(['08/12/2026 Collecté par test collector, saisi le 10/12/2026', '10/12/2026 Description modifiée par test admin']);
    await context.close();
  });
});

describe('a shipment whose receipt is typed days after it arrived', () => {
  it('when 3 units leave on 20/11 and TRIRA confirms on 27/11 a receipt on 24/11 with one missing, then the two received units say they were received on 24/11, in business-date order, and the missing one says it is missing', async () => {
    ctx.clock.set('2026-11-20T09:00:00Z');
    const devices = await intake(ctx, [deviceInput(), deviceInput(), deviceInput()], await collectedOn(ctx, '2026-11-18'));
    const shipment = (await ctx.api('collector').post('/api/v1/shipments').send({})).body;
    await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/items`).send({ codes: devices.map((d) => d.assetTag) }).expect(200);
    await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/dispatch`).send({ dispatchedOn: '2026-11-20' }).expect(200);
    // Erased on 25/11 and typed on 26/11: recorded before the receipt, it happened after it.
    ctx.clock.set('2026-11-26T09:00:00Z');
    const erased = await ctx.api('reconditioner').post(`/api/v1/devices/${devices[0].id}/erasure`).send({
      method: 'nist-800-88-purge',
      tool: 'Blancco Drive Eraser 7.14',
      performedAt: '2026-11-25T10:30:00+01:00',
      operator: 'Agnès Müller',
      result: 'passed',
      storage: [{ serialNumber: `S${devices[0].assetTag}`, capacityGb: 256, type: 'ssd' }],
    });
    expect(erased.status, JSON.stringify(erased.body)).toBe(201);

    ctx.clock.set('2026-11-27T09:00:00Z');
    const { context, page } = await ctx.signedIn(await ctx.staff('reconditioner', 'Agnès Müller'));
    await page.goto(`/expeditions/${shipment.id}`);
    await page.getByLabel(`${devices[2].assetTag} non reçu`).check();
    await page.getByLabel('Date de réception').fill('2026-11-24');
    await page.getByRole('button', { name: 'Confirmer la réception' }).click();
    await page.waitForFunction(() => document.body.innerText.includes('Réception confirmée'));

    const received = `24/11/2026 Reçu par TRIRA, confirmé par Agnès Müller, saisi le 27/11/2026 (expédition ${shipment.reference})`;
    await page.goto(`/appareils/${devices[0].id}`);
    await checkPage(page, 'historique-recu-reconditionneur');
    expect(await lines(page, '.history li')).toEqual([
      '18/11/2026 Collecté par test collector, saisi le 20/11/2026',
      `20/11/2026 Expédié à TRIRA → expédié par test collector (${shipment.reference})`,
      received,
      '25/11/2026 Effacement réussi par test reconditioner, saisi le 26/11/2026',
    ]);
    expect(await page.locator('.history li').nth(2).locator('time').first().getAttribute('datetime')).toBe('2026-11-24');
    expect(await textOf(page.locator('.status strong'))).toBe('chez le reconditionneur');
    await page.getByRole('link', { name: shipment.reference }).last().click();
    await page.waitForURL(`**/expeditions/${shipment.id}`);

    await page.goto(`/appareils/${devices[1].id}`);
    expect((await lines(page, '.history li')).at(-1)).toBe(received);
    expect(await textOf(page.locator('.status strong'))).toBe('chez le reconditionneur');

    await page.goto(`/appareils/${devices[2].id}`);
    await checkPage(page, 'historique-manquant-reception');
    const missing = await lines(page, '.history li');
    expect(missing.at(-1)).toBe(`24/11/2026 Manquant à la réception par Agnès Müller, saisi le 27/11/2026 (${shipment.reference})`);
    expect(missing.some((l) => l.includes('Reçu par TRIRA'))).toBe(false);
    // The reception day it went missing, then the day TRIRA typed it, never the typing day alone.
    expect(await textOf(page.locator('dl.facts dt:text-is("Manquant") + dd'))).toBe('Manquant à la réception du 24/11/2026, saisi le 27/11/2026');
    expect(await textOf(page.locator('.status strong'))).toBe('manquant à la réception');
    await context.close();

    // The shipment records the receipt: the device's events (the API's list and the change feed) stay as they were.
    const events = (await ctx.api().get(`/api/v1/devices/${devices[1].id}/events`)).body.items as { type: string }[];
    expect(events.map((e) => e.type)).toEqual(['intake', 'dispatch']);
    expect((await ctx.api().get(`/api/v1/devices/${devices[1].id}`)).body.status).toBe('shipped');
  });

  it('when a shipment is dispatched but not yet received, then its units read as shipped and have no receipt line', async () => {
    ctx.clock.set('2026-11-20T09:00:00Z');
    const [device] = await intake(ctx, [deviceInput()], await collectedOn(ctx, '2026-11-20'));
    const shipment = (await ctx.api('collector').post('/api/v1/shipments').send({})).body;
    await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/items`).send({ codes: [device.assetTag] }).expect(200);
    await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/dispatch`).send({}).expect(200);
    const { context, page } = await ctx.signedIn(await ctx.staff('admin', 'Camille Admin'));
    await page.goto(`/appareils/${device.id}`);
    expect(await lines(page, '.history li')).toEqual(['20/11/2026 Collecté par test collector', `20/11/2026 Expédié à TRIRA → expédié par test collector (${shipment.reference})`]);
    expect(await textOf(page.locator('.status strong'))).toBe('expédié');
    await context.close();
  });
});
