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
