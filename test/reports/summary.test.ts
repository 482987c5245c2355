import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/index.js';
import { erasureInput, ship } from '../exchange/helpers.js';
import { useTestApp } from '../helpers/app.js';
import { createCollection, createDonor, deviceInput, intake } from '../helpers/factories.js';
import { createBeneficiary } from '../helpers/installations.js';
import { binaryParser, pdfPages } from '../helpers/pdf.js';
import { PT_PER_MM, textBoxes } from '../labels/pdf-geometry.js';

const ctx = useTestApp();

const ok = async (request: Promise<{ status: number; body: unknown }>, status = 200) => {
  const res = await request;
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body as { id: string };
};

/**
 * The scenario, by hand. Everything is typed in long after it happened (the test runs in
 * 2026 or later), so each figure must follow the business date, never the day it was typed.
 * Collections (their dates are what counts):
 *   A 2025-03-10 donor X: laptop 2 kg, laptop 2 kg, monitor 4.5 kg
 *   B 2025-04-02 donor X: desktop 8 kg, printer 6 kg
 *   C 2025-04-20 donor Y: laptop, no weight
 *   D 2025-02-28 donor Z: laptop 1.5 kg   (before both periods)
 *   E 2025-05-01 donor Z: tablet 0.5 kg   (after March–April 2025)
 * Then: A's two laptops dispatched on 2025-03-20; one erased and delivered back on 2025-04-05;
 * the desktop (erased) and the monitor reconditioned in-house on 2025-04-04; the laptop and the
 * monitor installed as one kit on 2025-04-10 and given back on 2025-04-25; the printer scrapped
 * on 2025-04-15.
 */
beforeAll(async () => {
  const [x, y, z] = [await createDonor(ctx, { name: 'X' }), await createDonor(ctx, { name: 'Y' }), await createDonor(ctx, { name: 'Z' })];
  const collection = async (donorId: string, collectedOn: string, items: Record<string, unknown>[]) =>
    intake(ctx, items.map((i) => deviceInput(i)), (await createCollection(ctx, { donorId, collectedOn })).id);
  const [la1, la2, monitor] = await collection(x.id, '2025-03-10', [{ kind: 'laptop', weightKg: 2 }, { kind: 'laptop', weightKg: 2 }, { kind: 'monitor', weightKg: 4.5, specs: null }]);
  const [desktop, printer] = await collection(x.id, '2025-04-02', [{ kind: 'desktop', weightKg: 8 }, { kind: 'printer', weightKg: 6, specs: null }]);
  await collection(y.id, '2025-04-20', [{ kind: 'laptop', weightKg: null }]);
  await collection(z.id, '2025-02-28', [{ kind: 'laptop', weightKg: 1.5 }]);
  await collection(z.id, '2025-05-01', [{ kind: 'tablet', weightKg: 0.5 }]);

  await ship(ctx, [la1, la2], '2025-03-20');
  const reconditioner = ctx.api('reconditioner');
  await ok(reconditioner.post(`/api/v1/devices/${la1.id}/erasure`).send(erasureInput({ performedAt: '2025-03-28T09:00:00Z' })), 201);
  await ok(reconditioner.post('/api/v1/deliveries').send({ receivedOn: '2025-04-05', reference: 'BL-2025-04', items: [{ code: la1.assetTag }] }), 201);
  await ok(reconditioner.post(`/api/v1/devices/${desktop.id}/erasure`).send(erasureInput({ performedAt: '2025-04-03T09:00:00Z' })), 201);
  for (const device of [desktop, monitor]) await ok(ctx.api('collector').post(`/api/v1/devices/${device.id}/recondition`).send({ grade: 'B', reconditionedOn: '2025-04-04' }));
  await ok(ctx.api('collector').post(`/api/v1/devices/${printer.id}/scrap`).send({ reason: 'Tambour hors d’usage', scrappedOn: '2025-04-15' }));

  const installer = ctx.api('installer');
  const person = await createBeneficiary(ctx, { trainingCompletedOn: '2025-03-31', consentRecordedOn: '2025-03-01' });
  const installation = await ok(
    installer.post('/api/v1/installations').send({ code: la1.assetTag, beneficiaryId: person.id, scheduledOn: '2025-04-10', accessories: ['chargeur'], extraDevices: [monitor.assetTag] }),
    201,
  );
  await ok(installer.post(`/api/v1/installations/${installation.id}/complete`).send({ installedOn: '2025-04-10', installedBy: 'Julien Morel' }));
  await ok(installer.post(`/api/v1/devices/${la1.id}/return`).send({ returnedOn: '2025-04-25', reason: 'fin du prêt', condition: 'bon état', scope: 'kit' }));
});

const noMovements = { shipped: 0, receivedReconditioned: 0, reconditionedInHouse: 0, installed: 0, computersInstalled: 0, otherEquipmentInstalled: 0, householdsEquipped: 0, returns: 0, scrapped: 0 };
// No workshop in this scenario (test/training/report.test.ts has them); the one person was
// trained elsewhere, entered by hand (2025-03-31), so counts as trained in March.
const noTraining = { peopleTrained: 0, peopleTrainedInCycles: 0, peopleAttended: 0, workshopsHeld: 0, trainingHours: 0 };
const aprilMovements = { receivedReconditioned: 1, reconditionedInHouse: 2, installed: 2, computersInstalled: 1, otherEquipmentInstalled: 1, householdsEquipped: 1, returns: 2, scrapped: 1 };

describe('programme report', () => {
  it('when the period is March–April 2025, then every figure counts what happened in those months, typed long after', async () => {
    const res = await ctx.api('viewer').get('/api/v1/reports/summary?from=2025-03-01&to=2025-04-30');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      period: { from: '2025-03-01', to: '2025-04-30' },
      totals: { donors: 2, collections: 3, devicesCollected: 6, weightKgCollected: 22.5, ...aprilMovements, shipped: 2, ...noTraining, peopleTrained: 1 },
      collectedByKind: [
        { kind: 'laptop', units: 3, weightKg: 4 },
        { kind: 'desktop', units: 1, weightKg: 8 },
        { kind: 'monitor', units: 1, weightKg: 4.5 },
        { kind: 'printer', units: 1, weightKg: 6 },
      ],
      // Two laptops at the initial terms' 1 credit each, one unit received back.
      exchange: { asOf: '2025-04-30', credits: 2, unitsReceived: 1, adjustments: 0, balance: 1 },
      byMonth: [
        { month: '2025-03', donors: 1, collections: 1, devicesCollected: 3, weightKgCollected: 8.5, ...noMovements, shipped: 2, ...noTraining, peopleTrained: 1 },
        { month: '2025-04', donors: 2, collections: 2, devicesCollected: 3, weightKgCollected: 14, ...noMovements, ...aprilMovements, ...noTraining },
      ],
    });
  });

  it('when the period is one month, then only what happened in it counts, and later months hold nothing', async () => {
    const april = await ctx.api('viewer').get('/api/v1/reports/summary?from=2025-04-01&to=2025-04-30');
    expect(april.body.totals).toEqual({ donors: 2, collections: 2, devicesCollected: 3, weightKgCollected: 14, ...aprilMovements, shipped: 0, ...noTraining });
    const later = await ctx.api('viewer').get('/api/v1/reports/summary?from=2025-05-01&to=2025-12-31');
    expect(later.body.totals).toEqual({ donors: 1, collections: 1, devicesCollected: 1, weightKgCollected: 0.5, ...noMovements, ...noTraining });
    expect(later.body.byMonth).toHaveLength(8);
  });

  it('when events are read back, then each carries the business date it stands for beside the time it was typed', async () => {
    const feed = await ctx.api('viewer').get('/api/v1/events?limit=500');
    expect(feed.status).toBe(200);
    const dates = (type: string) => [...new Set(feed.body.items.filter((e: { type: string }) => e.type === type).map((e: { occurredOn: string }) => e.occurredOn))];
    expect(dates('dispatch')).toEqual(['2025-03-20']);
    expect(dates('deliver')).toEqual(['2025-04-05']);
    expect(dates('recondition')).toEqual(['2025-04-04']);
    expect(dates('complete')).toEqual(['2025-04-10']);
    expect(dates('return')).toEqual(['2025-04-25']);
    expect(dates('scrap')).toEqual(['2025-04-15']);
    expect(dates('intake').sort()).toEqual(['2025-02-28', '2025-03-10', '2025-04-02', '2025-04-20', '2025-05-01']);
    for (const event of feed.body.items) expect(event.at.slice(0, 4) >= '2026').toBe(true);
  });

  it('when a scrapping or a reconditioning is dated in the future, then 422 names the field', async () => {
    // 2099, not 2999: dates outside 2000-2100 are a 400 before any business rule.
    const [device] = await intake(ctx, [deviceInput({ kind: 'monitor', specs: null })]);
    const scrap = await ctx.api('collector').post(`/api/v1/devices/${device.id}/scrap`).send({ reason: 'cassé', scrappedOn: '2099-01-01' });
    expect(scrap.status).toBe(422);
    expect(scrap.body.errors).toEqual([{ path: 'scrappedOn', message: 'after today' }]);
    const recondition = await ctx.api('collector').post(`/api/v1/devices/${device.id}/recondition`).send({ grade: 'A', reconditionedOn: '2099-01-01' });
    expect(recondition.status).toBe(422);
    expect(recondition.body.errors).toEqual([{ path: 'reconditionedOn', message: 'after today' }]);
    expect((await ctx.api('viewer').get(`/api/v1/devices/${device.id}`)).body.status).toBe('collected');
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
    expect(value('total', 'devicesCollected')).toBe('6');
    expect(value('total', 'weightKgCollected')).toBe('22.5');
    expect(value('total', 'devicesCollected', 'laptop')).toBe('3');
    expect(value('total', 'weightKgCollected', 'monitor')).toBe('4.5');
    expect(value('2025-04', 'donors')).toBe('2');
    expect(value('2025-03', 'installed')).toBe('0');
    expect(value('2025-04', 'computersInstalled')).toBe('1');
    expect(value('2025-04', 'otherEquipmentInstalled')).toBe('1');

    const french = await ctx.api('viewer').get('/api/v1/reports/summary?from=2025-03-01&to=2025-04-30&format=csv&delimiter=semicolon').buffer(true).parse(binaryParser);
    expect(french.body.toString('utf8')).toContain('total;weightKgCollected;;22,5\r\n');
  });

  it('when the PDF is asked, then it is one French page with the key figures and a vector chart, and no personal data', async () => {
    const res = await ctx.api('viewer').get('/api/v1/reports/summary.pdf?from=2025-03-01&to=2025-04-30').buffer(true).parse(binaryParser);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pages = await pdfPages(res.body);
    expect(pages).toHaveLength(1);
    expect(pages[0]).toContain('Bilan du programme');
    expect(pages[0]).toContain('Période du 01/03/2025 au 30/04/2025');
    expect(pages[0]).toContain('Appareils collectés 6');
    expect(pages[0]).toContain('Poids collecté (kg) 22,5');
    // Computers installed: once, in the headline (the chart's legend names its series only).
    expect(pages[0]).toContain('1 ordinateur installé');
    expect(pages[0].match(/ordinateurs? installés?(?!s| à domicile)/gi)).toHaveLength(1);
    expect(pages[0]).toContain('Autres équipements installés (hors ordinateurs) 1');
    expect(pages[0]).toContain('Ordinateurs portables');
    expect(pages[0]).toContain('Mois par mois');
    expect(pages[0]).toMatch(/mars .*avr\./);
    expect(pages[0]).not.toContain('Hélène Dupré');
    expect(res.body.toString('latin1')).not.toContain('/Subtype /Image');
  });

  it('when the period spans three years, then the PDF still fits on one page, no text below 8 pt, month labels apart, the chart at least 5 cm high', async () => {
    const res = await ctx.api('viewer').get('/api/v1/reports/summary.pdf?from=2024-01-01&to=2026-12-31').buffer(true).parse(binaryParser);
    expect(res.status).toBe(200);
    expect(await pdfPages(res.body)).toHaveLength(1);
    const boxes = await textBoxes(res.body);
    for (const box of boxes) expect((box.height * PT_PER_MM) / 1.17, box.text).toBeGreaterThanOrEqual(7.99);
    const months = boxes.filter((b) => /^(janv\.|févr\.|mars|avr\.|mai|juin|juil\.|août|sept\.|oct\.|nov\.|déc\.) \d\d$/.test(b.text)).sort((a, b) => a.x - b.x);
    expect(months.length).toBeGreaterThanOrEqual(6);
    months.slice(1).forEach((b, i) => expect(b.x, `${months[i].text} / ${b.text}`).toBeGreaterThan(months[i].x + months[i].width));
    const title = boxes.find((b) => b.text === 'Mois par mois')!;
    expect(months[0].y - title.y).toBeGreaterThan(50);
  });

  it('when the reconditioner has delivered more than it owed, then the PDF says the programme owes it, with no negative number', async () => {
    await ok(ctx.api('admin').post('/api/v1/exchange/adjustments').send({ units: -3.5, reason: 'Unités livrées d’avance', occurredOn: '2026-01-05' }), 201);
    const res = await ctx.api('viewer').get('/api/v1/reports/summary.pdf?from=2026-01-01&to=2026-01-31').buffer(true).parse(binaryParser);
    const json = await ctx.api('viewer').get('/api/v1/reports/summary?from=2026-01-01&to=2026-01-31');
    expect(json.body.exchange.balance).toBeLessThan(0);
    const units = Math.abs(json.body.exchange.balance);
    const text = (await pdfPages(res.body))[0];
    expect(text).toContain(`au 31 janvier 2026, le programme doit ${String(units).replace('.', ',')} ${units < 2 ? 'unité' : 'unités'} à TRIRA.`);
    expect(text).not.toMatch(/-\s?\d|−\s?\d/);
  });

  // Last: it rewrites the events' dates the test above relies on.
  it('when the business-date migration runs on existing events, then it takes each date from the collection, shipment, delivery, installation or return', async () => {
    type Event = { type: string; occurredOn: string; at: string };
    const events = async () => (await ctx.api('viewer').get('/api/v1/events?limit=500')).body.items as Event[];
    const before = await events();
    const migration = migrations['060_event_business_dates'];
    // Later indexes are on the column this migration adds: down and up around it (SQLite refuses the drop otherwise).
    const laterIndexes = [migrations['940_device_events_activity_index'], migrations['950_device_events_status_since_index']];
    for (const index of laterIndexes) await index.down!(ctx.db.kysely);
    await migration.down!(ctx.db.kysely);
    await migration.up(ctx.db.kysely);
    for (const index of laterIndexes) await index.up(ctx.db.kysely);
    const after = await events();
    expect(after).toHaveLength(before.length);
    for (const [i, event] of after.entries()) {
      // Reconditioning and scrapping kept no date of their own before: the day they were recorded;
      // so did erasures (dated by their performedAt only since) and reservations (dated by a past
      // scheduledOn only since), which this migration leaves alone.
      const expected = ['recondition', 'scrap', 'erasure', 'schedule'].includes(event.type) ? event.at.slice(0, 10) : before[i].occurredOn;
      expect(event.occurredOn, `${event.type} #${i}`).toBe(expected);
    }
    expect(after.filter((e) => e.type === 'complete').map((e) => e.occurredOn)).toEqual(['2025-04-10', '2025-04-10']);
  });
});
