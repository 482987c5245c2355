import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { createCollection, createDonor, deviceInput, intake } from '../helpers/factories.js';
import { move } from '../helpers/lifecycle.js';
import { binaryParser, pdfPages } from '../helpers/pdf.js';

const ctx = useTestApp();
// The service's today, from the test clock (TEST_CLOCK moves it).
const thisMonth = () => ctx.clock.now().toISOString().slice(0, 7);
const today = () => ctx.clock.now().toISOString().slice(0, 10);

/**
 * The scenario, by hand. Collections (their dates are what counts):
 *   A 2025-03-10 donor X: laptop 2 kg, laptop 2 kg, monitor 4.5 kg
 *   B 2025-04-02 donor X: desktop 8 kg
 *   C 2025-04-20 donor Y: laptop, no weight
 *   D 2025-02-28 donor Z: laptop 1.5 kg   (before both periods)
 *   E 2025-05-01 donor Z: tablet 0.5 kg   (after March–April 2025)
 * Then, today: A's two laptops dispatched, one delivered back, installed and returned; the
 * desktop reconditioned in-house; the monitor scrapped.
 */
beforeAll(async () => {
  const [x, y, z] = [await createDonor(ctx, { name: 'X' }), await createDonor(ctx, { name: 'Y' }), await createDonor(ctx, { name: 'Z' })];
  const collection = async (donorId: string, collectedOn: string, items: Record<string, unknown>[]) =>
    intake(ctx, items.map((i) => deviceInput(i)), (await createCollection(ctx, { donorId, collectedOn })).id);
  const [la1, la2, monitor] = await collection(x.id, '2025-03-10', [{ kind: 'laptop', weightKg: 2 }, { kind: 'laptop', weightKg: 2 }, { kind: 'monitor', weightKg: 4.5 }]);
  const [desktop] = await collection(x.id, '2025-04-02', [{ kind: 'desktop', weightKg: 8 }]);
  await collection(y.id, '2025-04-20', [{ kind: 'laptop', weightKg: null }]);
  await collection(z.id, '2025-02-28', [{ kind: 'laptop', weightKg: 1.5 }]);
  await collection(z.id, '2025-05-01', [{ kind: 'tablet', weightKg: 0.5 }]);
  await move(ctx, [la1.id, la2.id], 'dispatch');
  await move(ctx, [la1.id], 'deliver', 'schedule', 'complete', 'return');
  await move(ctx, [desktop.id], 'recondition');
  await move(ctx, [monitor.id], 'scrap');
});

const noMovements = { shipped: 0, receivedReconditioned: 0, reconditionedInHouse: 0, installed: 0, householdsEquipped: 0, returns: 0, scrapped: 0 };

describe('programme report', () => {
  it('when the period is March–April 2025, then the figures are the collections of those months only', async () => {
    const res = await ctx.api('viewer').get('/api/v1/reports/summary?from=2025-03-01&to=2025-04-30');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      period: { from: '2025-03-01', to: '2025-04-30' },
      totals: { donors: 2, collections: 3, devicesCollected: 5, weightKgCollected: 16.5, ...noMovements },
      collectedByKind: [
        { kind: 'laptop', units: 3, weightKg: 4 },
        { kind: 'desktop', units: 1, weightKg: 8 },
        { kind: 'monitor', units: 1, weightKg: 4.5 },
      ],
      // These lifecycle moves bypass the shipment and installation endpoints: no ledger entry, no installation.
      exchange: { asOf: '2025-04-30', credits: 0, unitsReceived: 0, adjustments: 0, balance: 0 },
      installationsByNeighbourhood: [],
      byMonth: [
        { month: '2025-03', donors: 1, collections: 1, devicesCollected: 3, weightKgCollected: 8.5, ...noMovements },
        { month: '2025-04', donors: 2, collections: 2, devicesCollected: 2, weightKgCollected: 8, ...noMovements },
      ],
    });
  });

  it('when the period runs to today, then the movements of today are counted in this month', async () => {
    const res = await ctx.api('viewer').get(`/api/v1/reports/summary?from=2025-03-01&to=${today()}`);
    expect(res.status).toBe(200);
    const movements = { shipped: 2, receivedReconditioned: 1, reconditionedInHouse: 1, installed: 1, returns: 1, scrapped: 1 };
    // householdsEquipped: 0, the installation being a bare lifecycle move without an installation record
    expect(res.body.totals).toEqual({ donors: 3, collections: 4, devicesCollected: 6, weightKgCollected: 17, ...movements, householdsEquipped: 0 });
    const months = res.body.byMonth.map((m: { month: string }) => m.month);
    expect(months[0]).toBe('2025-03');
    expect(months[months.length - 1]).toBe(thisMonth());
    expect(new Set(months).size).toBe(months.length);
    expect(res.body.byMonth.find((m: { month: string }) => m.month === thisMonth())).toMatchObject(movements);
    expect(res.body.byMonth.find((m: { month: string }) => m.month === '2025-05')).toMatchObject({ donors: 1, devicesCollected: 1, weightKgCollected: 0.5 });
  });

  it('when from is after to, then 400', async () => {
    const res = await ctx.api('viewer').get('/api/v1/reports/summary?from=2025-05-01&to=2025-04-30');
    expect(res.status).toBe(400);
    expect((await ctx.api('viewer').get('/api/v1/reports/summary?from=2025-02-30')).status).toBe(400);
  });

  it('when the report is asked as CSV, then each figure is a line a spreadsheet reads back', async () => {
    const res = await ctx.api('viewer').get('/api/v1/reports/summary?from=2025-03-01&to=2025-04-30').set('Accept', 'text/csv').buffer(true).parse(binaryParser);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toContain('bilan-ordipratique-2025-03-01-2025-04-30.csv');
    const rows = parse(res.body, { bom: true, columns: true }) as Record<string, string>[];
    const value = (month: string, metric: string, breakdown = '') => rows.find((r) => r.month === month && r.metric === metric && r.breakdown === breakdown)?.value;
    expect(value('total', 'devicesCollected')).toBe('5');
    expect(value('total', 'weightKgCollected')).toBe('16.5');
    expect(value('total', 'devicesCollected', 'laptop')).toBe('3');
    expect(value('total', 'weightKgCollected', 'monitor')).toBe('4.5');
    expect(value('2025-04', 'donors')).toBe('2');
    expect(value('2025-03', 'installed')).toBe('0');

    const french = await ctx.api('viewer').get('/api/v1/reports/summary?from=2025-03-01&to=2025-04-30&format=csv&delimiter=semicolon').buffer(true).parse(binaryParser);
    expect(french.body.toString('utf8')).toContain('total;weightKgCollected;;16,5\r\n');
  });

  it('when the PDF is asked, then it is one French page with the key figures and a vector chart, and no personal data', async () => {
    const res = await ctx.api('viewer').get('/api/v1/reports/summary.pdf?from=2025-03-01&to=2025-04-30').buffer(true).parse(binaryParser);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pages = await pdfPages(res.body);
    expect(pages).toHaveLength(1);
    expect(pages[0]).toContain('Bilan du programme');
    expect(pages[0]).toContain('Période du 01/03/2025 au 30/04/2025');
    expect(pages[0]).toMatch(/5 appareils collectés \(16,5 kg\)/);
    expect(pages[0]).toContain('Ordinateurs portables');
    expect(pages[0]).toContain('Mois par mois');
    expect(pages[0]).toMatch(/mars .*avr\./);
    expect(pages[0]).not.toContain('Hélène Dupré');
    expect(res.body.toString('latin1')).not.toContain('/Subtype /Image');
  });

  it('when the period spans three years, then the PDF still fits on one page', async () => {
    const res = await ctx.api('viewer').get(`/api/v1/reports/summary.pdf?from=2024-01-01&to=${today()}`).buffer(true).parse(binaryParser);
    expect(res.status).toBe(200);
    expect(await pdfPages(res.body)).toHaveLength(1);
  });
});
