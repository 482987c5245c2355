import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { erasureInput, ship } from '../exchange/helpers.js';
import { TEST_START, useTestApp } from '../helpers/app.js';
import { frLongDate } from '../../src/shared/french.js';
import { collectedOn, deviceInput, intake } from '../helpers/factories.js';
import { createBeneficiary, scheduleKit, type BeneficiaryBody } from '../helpers/installations.js';
import { binaryParser, pdfPages } from '../helpers/pdf.js';

const ctx = useTestApp();

async function install(beneficiary: BeneficiaryBody, installedOn: string) {
  const { installation, main } = await scheduleKit(ctx, { beneficiary, scheduledOn: installedOn });
  const res = await ctx.api('installer').post(`/api/v1/installations/${installation.id}/complete`).send({ installedOn, installedBy: 'Julien Morel' });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return main;
}

async function giveBack(deviceId: string, returnedOn: string) {
  const res = await ctx.api('installer').post(`/api/v1/devices/${deviceId}/return`).send({ returnedOn, reason: 'fin du prêt', condition: 'bon état', accessoriesReturned: ['chargeur', 'souris'] });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.status).toBe('closed');
}

const people = async (neighbourhood: string, count: number) => {
  const out: BeneficiaryBody[] = [];
  for (let i = 0; i < count; i++) out.push(await createBeneficiary(ctx, { neighbourhood, lastName: `Nomdefamille${neighbourhood.length}x${i}`, trainingCompletedOn: '2026-08-01' }));
  return out;
};

/**
 * The scenario, by hand (installation dates are the contracts' dates):
 *   Les Hauts de Chambéry: H0, H1 on 2026-09-10; H2, H3, H4 on 2026-10-05          → 5 installations
 *   Le Biollay: B0…B4 on 2026-10-20; B0 gives the kit back on 10-25 and is equipped
 *               again on 2026-11-05                                                  → 6 installations, 5 households
 *   Bissy: S0, S1 on 2026-11-10; S1 gives it back and is anonymised (keeps the
 *          neighbourhood: still counted)                                             → 2 installations
 *   Le Covet: C0 on 2026-08-31, outside the period                                   → not listed
 * September–November: 13 installations, 12 households; by month 2, 8 (H2–H4, B0–B4), 3 (B0, S0, S1).
 * By neighbourhood: Bissy 2 → "< 5"; as the total is known (12 households, 13 installations),
 * the smallest other count, Les Hauts (5), is masked; Le Biollay (6) is shown.
 * Exchange: 3 laptops and 1 monitor dispatched on 2026-10-01 (1 + 1 + 1 + 0.25 credits), one
 * laptop delivered back on 2026-10-15 (1 unit received), an adjustment of −0.5 on 2026-11-02.
 */
beforeAll(async () => {
  const [hauts, biollay, bissy, covet] = [await people('Les Hauts de Chambéry', 5), await people('Le Biollay', 5), await people('Bissy', 2), await people('Le Covet', 1)];
  for (const [i, h] of hauts.entries()) await install(h, i < 2 ? '2026-09-10' : '2026-10-05');
  const firstKits = [];
  for (const b of biollay) firstKits.push(await install(b, '2026-10-20'));
  await giveBack(firstKits[0].id, '2026-10-25');
  await install(biollay[0], '2026-11-05');
  await install(bissy[0], '2026-11-10');
  const s1 = await install(bissy[1], '2026-11-10');
  await giveBack(s1.id, '2026-11-12');
  expect((await ctx.api('installer').post(`/api/v1/beneficiaries/${bissy[1].id}/anonymise`).send({})).status).toBe(200);
  await install(covet[0], '2026-08-31');

  const shipped = await intake(ctx, [deviceInput(), deviceInput(), deviceInput(), deviceInput({ kind: 'monitor', specs: null })], await collectedOn(ctx, '2025-01-06'));
  await ship(ctx, shipped, '2026-10-01');
  const delivery = await ctx.api('reconditioner').post('/api/v1/deliveries').send({ receivedOn: '2026-10-15', reference: 'BL-2026-17', items: [{ code: shipped[0].assetTag, erasure: erasureInput({ performedAt: '2026-10-14T10:00:00Z' }) }] });
  expect(delivery.status, JSON.stringify(delivery.body)).toBe(201);
  const adjustment = await ctx.api('admin').post('/api/v1/exchange/adjustments').send({ units: -0.5, reason: 'unité défectueuse remplacée', occurredOn: '2026-11-02' });
  expect(adjustment.status, JSON.stringify(adjustment.body)).toBe(201);
});

const report = async (query: string) => {
  const res = await ctx.api('viewer').get(`/api/v1/reports/summary?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

describe('programme report: households, neighbourhoods and the exchange', () => {
  it('when the period is September–November 2026, then households, neighbourhoods and the exchange are as worked out by hand', async () => {
    const body = await report('from=2026-09-01&to=2026-11-30');
    expect(body.totals.householdsEquipped).toBe(12);
    expect(body.byMonth.map((m: { month: string; householdsEquipped: number }) => [m.month, m.householdsEquipped])).toEqual([
      ['2026-09', 2],
      ['2026-10', 8],
      ['2026-11', 3],
    ]);
    // By neighbourhood: November only, the period's last finished month (see the masking below).
    expect(body.neighbourhoodBreakdowns).toEqual({ from: '2026-11-01', to: '2026-11-30', withheld: [] });
    expect(body.installationsByNeighbourhood).toEqual([
      { neighbourhood: 'Bissy', installations: '< 5' },
      { neighbourhood: 'Le Biollay', installations: '< 5' },
    ]);
    // October: Les Hauts 3 and Le Biollay 5 of 8; the 5 is masked, or the 3 would be 8 − 5.
    expect((await report('from=2026-09-01&to=2026-10-31')).installationsByNeighbourhood).toEqual([
      { neighbourhood: 'Le Biollay', installations: 'masked' },
      { neighbourhood: 'Les Hauts de Chambéry', installations: '< 5' },
    ]);
    // Installations count by the contract's date: Le Covet's (31 August) falls outside; each kit is one laptop.
    expect(body.totals).toMatchObject({ installed: 13, computersInstalled: 13, otherEquipmentInstalled: 0 });
    expect(body.exchange).toEqual({ asOf: '2026-11-30', credits: 3.25, unitsReceived: 1, adjustments: -0.5, balance: 1.75 });
    const ledger = await ctx.api('viewer').get('/api/v1/exchange');
    expect(ledger.body).toMatchObject({ credits: 3.25, unitsReceived: 1, adjustments: -0.5, balance: 1.75 });
  });

  it('when the period ends before the delivery, then the exchange balance is the one of that day', async () => {
    expect((await report('from=2026-09-01&to=2026-10-14')).exchange).toEqual({ asOf: '2026-10-14', credits: 3.25, unitsReceived: 0, adjustments: 0, balance: 3.25 });
    expect((await report('from=2026-01-01&to=2026-09-30')).exchange).toEqual({ asOf: '2026-09-30', credits: 0, unitsReceived: 0, adjustments: 0, balance: 0 });
  });

  it('when every neighbourhood has fewer than five installations, then none shows a number', async () => {
    const body = await report('from=2026-11-01&to=2026-11-30');
    expect(body.totals.householdsEquipped).toBe(3);
    expect(body.installationsByNeighbourhood).toEqual([
      { neighbourhood: 'Bissy', installations: '< 5' },
      { neighbourhood: 'Le Biollay', installations: '< 5' },
    ]);
    const august = await report('from=2026-08-01&to=2026-08-31');
    // One home alone: its "< 5" would be the total, so the table is withheld whole.
    expect(august.installationsByNeighbourhood).toEqual([]);
    expect(august.neighbourhoodBreakdowns.withheld).toContain('installationsByNeighbourhood');
    expect(august.totals.householdsEquipped).toBe(1);
  });

  it('when the report is read as CSV, then it holds the same figures, "< 5" included', async () => {
    const res = await ctx.api('viewer').get('/api/v1/reports/summary?from=2026-09-01&to=2026-11-30&format=csv').buffer(true).parse(binaryParser);
    expect(res.status).toBe(200);
    const rows = parse(res.body, { bom: true, columns: true }) as Record<string, string>[];
    const value = (month: string, metric: string, breakdown = '') => rows.find((r) => r.month === month && r.metric === metric && r.breakdown === breakdown)?.value;
    expect(value('total', 'householdsEquipped')).toBe('12');
    expect(value('2026-10', 'householdsEquipped')).toBe('8');
    expect(value('total', 'installationsByNeighbourhood', 'Bissy')).toBe('< 5');
    expect(value('total', 'installationsByNeighbourhood', 'Le Biollay')).toBe('< 5');
    expect(value('total', 'installationsByNeighbourhood', 'Les Hauts de Chambéry')).toBeUndefined();
    expect(value('total', 'exchangeBalance')).toBe('1.75');
    expect(value('total', 'exchangeCredits')).toBe('3.25');
    expect(rows.filter((r) => r.metric === 'installationsByNeighbourhood')).toHaveLength(2);
  });

  it('when the period ends after today, then the balance is stated as of today, not at a date to come', async () => {
    const asOf = TEST_START < '2026-12-31' ? TEST_START : '2026-12-31';
    const pdf = await ctx.api('viewer').get('/api/v1/reports/summary.pdf?from=2026-09-01&to=2026-12-31').buffer(true).parse(binaryParser);
    expect(pdf.status).toBe(200);
    const [page] = await pdfPages(pdf.body);
    expect(page).toContain(`Échange d’appareils avec TRIRA : au ${frLongDate(asOf)}, TRIRA doit 1,75 unité au programme.`);
    expect((await report('from=2026-09-01&to=2026-12-31')).exchange.asOf).toBe(asOf);
  });

  it('when a viewer reads the report as JSON, CSV and PDF, then it holds no personal data and the PDF stays one page', async () => {
    const json = await ctx.api('viewer').get('/api/v1/reports/summary?from=2026-09-01&to=2026-11-30');
    const csv = await ctx.api('viewer').get('/api/v1/reports/summary?from=2026-09-01&to=2026-11-30').set('Accept', 'text/csv').buffer(true).parse(binaryParser);
    const pdf = await ctx.api('viewer').get('/api/v1/reports/summary.pdf?from=2026-09-01&to=2026-11-30').buffer(true).parse(binaryParser);
    expect([json.status, csv.status, pdf.status]).toEqual([200, 200, 200]);
    const pages = await pdfPages(pdf.body);
    expect(pages).toHaveLength(1);
    expect(pages[0]).toContain('Foyers équipés 12');
    // The balance as a sentence; 1,75 is singular in French (below 2), per Intl.PluralRules.
    expect(pages[0]).toContain('Échange d’appareils avec TRIRA : au 30 novembre 2026, TRIRA doit 1,75 unité au programme.');
    expect(pages[0]).toMatch(/Installations par quartier .*Bissy < 5 .*Le Biollay < 5 /);
    for (const text of [JSON.stringify(json.body), csv.body.toString('utf8'), pages[0]]) {
      for (const personal of ['Aïcha', 'Nomdefamille', 'Bon Pasteur', 'aicha.benali', '06 12 34 56 78', 'CCAS', 'B-2026-']) expect(text).not.toContain(personal);
    }
  });
});
