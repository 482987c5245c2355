import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { binaryParser } from '../helpers/pdf.js';
import { collectedOn, deviceInput, intake } from '../helpers/factories.js';
import { attestationOn, intakeMany, ship } from './helpers.js';

const ctx = useTestApp();

interface EntryBody { id: string; type: string; units: number; balance: number; occurredOn: string; assetTag: string | null }

async function allEntries(): Promise<EntryBody[]> {
  const items: EntryBody[] = [];
  let cursor: string | null = null;
  do {
    const res = await ctx.api('viewer').get(`/api/v1/exchange/entries?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

const summary = async () => (await ctx.api('viewer').get('/api/v1/exchange')).body;

describe('the exchange ledger', () => {
  it('when the terms change mid-period, then each dispatch earns the credits of the terms in force on its date', async () => {
    const start = await summary();
    expect(start.terms.creditsByKind).toMatchObject({ laptop: 1, desktop: 1, all_in_one: 1, monitor: 0.25, printer: 0 });

    // March: 3 monitors and a laptop under the initial terms: 3 × 0.25 + 1 = 1.75.
    const march = await intake(ctx, [deviceInput({ kind: 'monitor' }), deviceInput({ kind: 'monitor' }), deviceInput({ kind: 'monitor' }), deviceInput()], await collectedOn(ctx, '2025-01-06'));
    expect((await ship(ctx, march, '2025-03-10')).credits).toBe(1.75);

    const terms = await ctx.api('admin').put('/api/v1/exchange/terms').send({ creditsByKind: { laptop: 1.5, desktop: 1, all_in_one: 1, monitor: '0.125' }, effectiveOn: '2025-06-01', notes: 'Avenant n° 1' });
    expect(terms.status, JSON.stringify(terms.body)).toBe(200);
    expect(terms.body).toMatchObject({ effectiveOn: '2025-06-01', creditsByKind: { laptop: 1.5, monitor: 0.125, printer: 0 } });

    // May, recorded after the change: still the old terms. July: the new ones (2 × 0.125 + 1.5 = 1.75).
    const may = await intake(ctx, [deviceInput({ kind: 'monitor' }), deviceInput({ kind: 'printer' })], await collectedOn(ctx, '2025-01-06'));
    expect((await ship(ctx, may, '2025-05-20')).credits).toBe(0.25);
    const july = await intake(ctx, [deviceInput({ kind: 'monitor' }), deviceInput({ kind: 'monitor' }), deviceInput()], await collectedOn(ctx, '2025-01-06'));
    expect((await ship(ctx, july, '2025-07-01')).credits).toBe(1.75);

    const late = await ctx.api('admin').put('/api/v1/exchange/terms').send({ creditsByKind: { laptop: 2 }, effectiveOn: '2025-06-15' });
    expect(late.status).toBe(409);
    expect(late.body.latestCreditedOn).toBe('2025-07-01');

    await ctx.api('reconditioner').post('/api/v1/deliveries').send({ receivedOn: '2025-07-10', reference: 'BL-1', items: [{ ...deviceInput(), erasure: attestationOn('2025-07-10') }, { ...deviceInput(), erasure: attestationOn('2025-07-10') }] }).expect(201);
    const adjustment = await ctx.api('admin').post('/api/v1/exchange/adjustments').send({ units: -0.375, reason: 'Écran cassé au transport' });
    expect(adjustment.status).toBe(201);
    expect(adjustment.body).toMatchObject({ type: 'adjustment', units: -0.375 });

    const end = await summary();
    expect(end.credits - start.credits).toBe(3.75);
    expect(end.unitsReceived - start.unitsReceived).toBe(2);
    expect(end.adjustments - start.adjustments).toBe(-0.375);
    expect(end.balance).toBe(end.credits - end.unitsReceived + end.adjustments);
    expect(end.terms.creditsByKind.laptop).toBe(1.5);

    const entries = await allEntries();
    expect(entries.at(-1)!.balance).toBe(end.balance);
    const mayEntries = entries.filter((e) => e.occurredOn === '2025-05-20');
    expect(mayEntries.map((e) => [e.type, e.units])).toEqual([['credit', 0.25]]);
    let running = 0;
    for (const entry of entries) {
      running = Math.round((running + entry.units) * 1000) / 1000;
      expect(entry.balance).toBe(running);
    }
  });

  it('when the ledger is asked as CSV, then every entry comes with exact decimals and its running balance', async () => {
    const entries = await allEntries();
    const res = await ctx.api('viewer').get('/api/v1/exchange/entries').set('Accept', 'text/csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const rows = parse(res.text, { columns: true, bom: true }) as Record<string, string>[];
    expect(rows).toHaveLength(entries.length);
    expect(rows.find((r) => r.type === 'adjustment')).toMatchObject({ units: '-0.375', reason: 'Écran cassé au transport' });
    expect(rows.filter((r) => r.units === '0.250').length).toBeGreaterThanOrEqual(4);
    expect(rows.at(-1)!.balance).toBe((await summary()).balance.toFixed(3));
    expect(res.text.charCodeAt(0)).toBe(0xfeff);
    expect(rows.find((r) => r.type === 'adjustment')!.typeLabel).toBe('Ajustement');
    expect(rows.find((r) => r.type === 'credit' && r.kind === 'monitor')).toMatchObject({ typeLabel: 'Crédit (appareil remis au reconditionneur)', kindLabel: 'Écran' });
  });

  it('when the ledger CSV is asked with semicolons, then it has a BOM, decimal commas and formula-safe texts', async () => {
    await ctx.api('admin').post('/api/v1/exchange/adjustments').send({ units: 0.5, reason: '=HYPERLINK("http://x")' }).expect(201);
    const res = await ctx.api('viewer').get('/api/v1/exchange/entries?delimiter=semicolon').set('Accept', 'text/csv').buffer(true).parse(binaryParser);
    const text = (res.body as Buffer).toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const rows = parse(text, { columns: true, delimiter: ';', bom: true }) as Record<string, string>[];
    const last = rows.at(-1)!;
    expect(last.units).toBe('0,500');
    expect(last.reason).toBe('\'=HYPERLINK("http://x")');
    expect(text).toContain('\r\n');
  });

  it('when a device is reported missing, then the ledger CSV says why in French while the API keeps its English text', async () => {
    const devices = await intake(ctx, [deviceInput(), deviceInput({ kind: 'monitor' })], await collectedOn(ctx, '2025-07-01'));
    const shipment = await ship(ctx, devices, '2025-07-20');
    const ack = await ctx.api('reconditioner').post(`/api/v1/shipments/${shipment.id}/acknowledge`).send({ missing: [devices[0].assetTag] });
    expect(ack.status, JSON.stringify(ack.body)).toBe(200);
    const reversal = (await allEntries()).find((e) => e.type === 'credit_reversal' && e.assetTag === devices[0].assetTag) as EntryBody & { reason: string };
    expect(reversal).toMatchObject({ units: -1.5, reason: 'reported missing by the reconditioner' });

    for (const delimiter of ['comma', 'semicolon']) {
      const res = await ctx.api('viewer').get(`/api/v1/exchange/entries?delimiter=${delimiter}`).set('Accept', 'text/csv').buffer(true).parse(binaryParser);
      expect(res.status).toBe(200);
      const text = (res.body as Buffer).toString('utf8');
      const rows = parse(text, { columns: true, bom: true, delimiter: delimiter === 'comma' ? ',' : ';' }) as Record<string, string>[];
      expect(rows.find((r) => r.type === 'credit_reversal' && r.assetTag === devices[0].assetTag)).toMatchObject({
        typeLabel: 'Annulation de crédit', kind: 'laptop', kindLabel: 'Ordinateur portable', reason: 'Appareil non reçu par le reconditionneur',
      });
      // Every label and every reason the service writes is French; only the admins' own texts are as typed.
      expect(new Set(rows.map((r) => r.typeLabel))).toEqual(new Set(['Crédit (appareil remis au reconditionneur)', 'Annulation de crédit', 'Réception (appareil reconditionné reçu)', 'Ajustement']));
      expect(new Set(rows.filter((r) => r.type !== 'adjustment').map((r) => r.reason))).toEqual(new Set(['', 'Appareil non reçu par le reconditionneur']));
      const texts = rows.flatMap((r) => [r.typeLabel, r.kindLabel, r.reason]).join('\n');
      expect(texts).not.toMatch(/reported|missing|reconditioner|received|credit\b|receipt|adjustment/i);
    }
  });

  it('when thousands of quarter credits and tenth adjustments add up, then the balance has no drift', async () => {
    const before = await summary();
    const monitors = await intakeMany(ctx, 1000, { kind: 'monitor', serialNumber: undefined }, await collectedOn(ctx, '2025-01-06'));
    await ship(ctx, monitors, '2025-08-01');
    for (let i = 0; i < 30; i++) {
      await ctx.api('admin').post('/api/v1/exchange/adjustments').send({ units: 0.1, reason: `Ajustement ${i}` }).expect(201);
    }
    const after = await summary();
    // 1000 × 0.125 (terms of June) = 125 exactly; 30 × 0.1 = 3 exactly (floats would give 2.9999999999999996).
    expect(after.credits - before.credits).toBe(125);
    expect(after.adjustments).toBe((Math.round(before.adjustments * 1000) + 3000) / 1000);
    expect(String(after.balance)).toMatch(/^-?\d+(\.\d{1,3})?$/);
    const entries = await allEntries();
    expect(entries.length).toBeGreaterThan(1030);
    expect(entries.at(-1)!.balance).toBe(after.balance);
  });

  it('when a non-admin changes the terms or adjusts, then 403; a fourth decimal is refused', async () => {
    expect((await ctx.api('collector').put('/api/v1/exchange/terms').send({ creditsByKind: { laptop: 1 } })).status).toBe(403);
    expect((await ctx.api('reconditioner').post('/api/v1/exchange/adjustments').send({ units: 1, reason: 'x' })).status).toBe(403);
    const precise = await ctx.api('admin').post('/api/v1/exchange/adjustments').send({ units: 0.0001, reason: 'x' });
    expect(precise.status).toBe(400);
    expect(precise.body.errors[0].path).toBe('units');
    const history = await ctx.api('viewer').get('/api/v1/exchange/terms');
    expect(history.body.items.map((t: { effectiveOn: string }) => t.effectiveOn)).toEqual(['2000-01-01', '2025-06-01']);
  });
});
