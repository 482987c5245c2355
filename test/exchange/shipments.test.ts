import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { collectedOn, deviceInput, intake } from '../helpers/factories.js';
import { pdfPages, pdfRectangles, pdfRuns, pdfText } from '../helpers/pdf.js';
import { addCodes, getPdf, openShipment } from './helpers.js';

const ctx = useTestApp();

describe('shipments to the reconditioner', () => {
  it('when a mixed batch of codes is scanned, then each code gets its own answer and the good ones are added', async () => {
    const [a, b, c, scrapped] = await intake(ctx, [deviceInput(), deviceInput(), deviceInput(), deviceInput()]);
    await ctx.api('collector').post(`/api/v1/devices/${scrapped.id}/scrap`).send({ reason: 'Carte mère HS', destructionCertificate: 'CD-2025-0007' }).expect(200);
    const shipment = await openShipment(ctx);
    await addCodes(ctx, shipment.id, [c.assetTag]);
    const res = await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/items`).send({
      codes: [a.assetTag.toLowerCase(), 'OP-999999', b.serialNumber, `https://ordi.example.fr/d/${a.assetTag}`, c.assetTag, scrapped.assetTag],
    });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { outcome: string }) => r.outcome)).toEqual([
      'added', 'not_found', 'added', 'already_in_shipment', 'already_in_shipment', 'not_eligible',
    ]);
    expect(res.body.results[5]).toMatchObject({ deviceId: scrapped.id, status: 'scrapped' });
    expect(res.body.shipment.itemCount).toBe(3);
    const read = await ctx.api('viewer').get(`/api/v1/shipments/${shipment.id}`);
    expect(read.body.items.map((i: { deviceId: string }) => i.deviceId).sort()).toEqual([a.id, b.id, c.id].sort());
  });

  it('when a device sits in another open shipment, then it is not eligible and that shipment is named', async () => {
    const [device] = await intake(ctx);
    const first = await openShipment(ctx);
    const second = await openShipment(ctx);
    await addCodes(ctx, first.id, [device.assetTag]);
    const [result] = await addCodes(ctx, second.id, [device.assetTag]);
    expect(result).toMatchObject({ outcome: 'not_eligible', shipmentId: first.id, status: 'collected' });
  });

  it('when two shipments scan the same device at once, then exactly one gets it', async () => {
    const [device] = await intake(ctx);
    const shipments = [await openShipment(ctx), await openShipment(ctx)];
    const answers = await Promise.all(shipments.map((s) => ctx.api('collector').post(`/api/v1/shipments/${s.id}/items`).send({ codes: [device.assetTag] })));
    expect(answers.map((a) => a.body.results[0].outcome).sort()).toEqual(['added', 'not_eligible']);
  });

  it('when an empty shipment is dispatched, then 409 and it stays open', async () => {
    const [device] = await intake(ctx);
    const shipment = await openShipment(ctx);
    await addCodes(ctx, shipment.id, [device.assetTag]);
    await ctx.api('collector').delete(`/api/v1/shipments/${shipment.id}/items/${device.id}`).expect(204);
    const res = await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/dispatch`);
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain('empty');
    expect((await ctx.api().get(`/api/v1/shipments/${shipment.id}`)).body.status).toBe('open');
    expect((await ctx.api().get(`/api/v1/devices/${device.id}`)).body.status).toBe('collected');
  });

  it('when a shipment is dispatched, then its devices are shipped and it can no longer change', async () => {
    const devices = await intake(ctx, [deviceInput(), deviceInput({ kind: 'monitor' })]);
    const [other] = await intake(ctx);
    const shipment = await openShipment(ctx, { reference: 'EXP-TEST-FROZEN' });
    await addCodes(ctx, shipment.id, devices.map((d) => d.assetTag));
    const res = await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/dispatch`).send({});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'dispatched', itemCount: 2, dispatchedBy: 'test collector', credits: 1.25 });
    for (const device of devices) {
      expect((await ctx.api().get(`/api/v1/devices/${device.id}`)).body.status).toBe('shipped');
      const events = await ctx.api().get(`/api/v1/devices/${device.id}/events`);
      expect(events.body.items.at(-1)).toMatchObject({ type: 'dispatch', fromStatus: 'collected', toStatus: 'shipped', details: { shipmentId: shipment.id } });
    }
    const add = await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/items`).send({ codes: [other.assetTag] });
    const remove = await ctx.api('collector').delete(`/api/v1/shipments/${shipment.id}/items/${devices[0].id}`);
    const again = await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/dispatch`);
    expect([add.status, remove.status, again.status]).toEqual([409, 409, 409]);
    expect(add.body.detail).toContain('can no longer change');
    expect((await ctx.api().get(`/api/v1/shipments/${shipment.id}`)).body.itemCount).toBe(2);
  });

  it('when two shipments holding the same device are dispatched at once, then exactly one takes it', async () => {
    const [shared] = await intake(ctx);
    const [a, b] = [await openShipment(ctx), await openShipment(ctx)];
    await addCodes(ctx, a.id, [shared.assetTag]);
    // Forge the overlap the API refuses, to prove the dispatch itself cannot hand a device over twice.
    await ctx.db.kysely.insertInto('shipment_items').values({ shipment_id: b.id, device_id: shared.id, is_open: 1, missing: 0, credits_milli: null, added_at: ctx.clock.now().toISOString() }).execute();
    const answers = await Promise.all([a, b].map((s) => ctx.api('collector').post(`/api/v1/shipments/${s.id}/dispatch`)));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
    const loser = answers.find((r) => r.status === 409)!;
    expect(loser.body).toMatchObject({ currentStatus: 'shipped', deviceId: shared.id });
    const events = await ctx.api().get(`/api/v1/devices/${shared.id}/events`);
    expect(events.body.items.filter((e: { type: string }) => e.type === 'dispatch')).toHaveLength(1);
    const statuses = await Promise.all([a, b].map(async (s) => (await ctx.api().get(`/api/v1/shipments/${s.id}`)).body.status));
    expect(statuses.sort()).toEqual(['dispatched', 'open']);
    const entries = await ctx.api().get('/api/v1/exchange/entries?limit=500');
    expect(entries.body.items.filter((e: { deviceId: string }) => e.deviceId === shared.id)).toHaveLength(1);
  });

  it('when the reconditioner acknowledges with missing codes, then those devices are flagged and the shipment names who confirmed', async () => {
    const devices = await intake(ctx, [deviceInput(), deviceInput(), deviceInput({ kind: 'monitor' })]);
    const shipment = await openShipment(ctx);
    await addCodes(ctx, shipment.id, devices.map((d) => d.assetTag));
    const early = await ctx.api('reconditioner').post(`/api/v1/shipments/${shipment.id}/acknowledge`).send({});
    expect(early.status).toBe(409);
    await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/dispatch`).expect(200);
    const forbidden = await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/acknowledge`).send({});
    expect(forbidden.status).toBe(403);
    const stranger = await ctx.api('reconditioner').post(`/api/v1/shipments/${shipment.id}/acknowledge`).send({ missing: ['OP-999998'] });
    expect(stranger.status).toBe(422);
    expect(stranger.body.errors).toEqual([{ path: 'missing.0', message: 'no device has this code' }]);

    const res = await ctx.api('reconditioner').post(`/api/v1/shipments/${shipment.id}/acknowledge`).send({ missing: [devices[1].serialNumber], notes: 'Carton 3 absent' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'test reconditioner', missingCount: 1, credits: 1.25 });
    expect(Date.parse(res.body.acknowledgedAt)).not.toBeNaN();
    const missing = (await ctx.api().get(`/api/v1/devices/${devices[1].id}`)).body;
    expect(missing).toMatchObject({ status: 'shipped', missingSince: res.body.acknowledgedAt });
    expect((await ctx.api().get(`/api/v1/devices/${devices[0].id}`)).body.missingSince).toBeNull();
    const events = await ctx.api().get(`/api/v1/devices/${devices[1].id}/events`);
    expect(events.body.items.at(-1)).toMatchObject({ type: 'missing', fromStatus: 'shipped', toStatus: 'shipped' });
    const read = await ctx.api().get(`/api/v1/shipments/${shipment.id}`);
    expect(read.body.items.filter((i: { missing: boolean }) => i.missing).map((i: { deviceId: string }) => i.deviceId)).toEqual([devices[1].id]);
    const twice = await ctx.api('reconditioner').post(`/api/v1/shipments/${shipment.id}/acknowledge`).send({});
    expect(twice.status).toBe(409);
  });

  it('when the reconditioner says on which day it received the shipment, then the receipt, the credit reversal and the missing event are dated by that day, and a day before the dispatch or in the future is refused', async () => {
    const devices = await intake(ctx, [deviceInput(), deviceInput()], await collectedOn(ctx, '2026-11-02'));
    const shipment = await openShipment(ctx);
    await addCodes(ctx, shipment.id, devices.map((d) => d.assetTag));
    await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/dispatch`).send({ dispatchedOn: '2026-11-16' }).expect(200);
    const acknowledge = (body: object) => ctx.api('reconditioner').post(`/api/v1/shipments/${shipment.id}/acknowledge`).send(body);

    const early = await acknowledge({ receivedOn: '2026-11-13', missing: [devices[1].assetTag] });
    expect(early.status).toBe(422);
    expect(early.body.errors).toEqual([{ path: 'receivedOn', message: 'before the shipment was dispatched (2026-11-16)' }]);
    const future = await acknowledge({ receivedOn: '2099-01-01' });
    expect(future.status).toBe(422);
    expect(future.body.errors).toEqual([{ path: 'receivedOn', message: 'after today' }]);
    expect((await ctx.api().get(`/api/v1/shipments/${shipment.id}`)).body).toMatchObject({ status: 'dispatched', receivedOn: null, missingCount: 0 });

    // Typed on the test's day (2 December), received on 18 November.
    const res = await acknowledge({ receivedOn: '2026-11-18', missing: [devices[1].assetTag] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ status: 'acknowledged', receivedOn: '2026-11-18' });
    expect(res.body.acknowledgedAt.slice(0, 10)).not.toBe('2026-11-18');
    const entries = (await ctx.api().get('/api/v1/exchange/entries?limit=500')).body.items as { type: string; deviceId: string; occurredOn: string }[];
    expect(entries.find((e) => e.type === 'credit_reversal' && e.deviceId === devices[1].id)?.occurredOn).toBe('2026-11-18');
    const events = (await ctx.api().get(`/api/v1/devices/${devices[1].id}/events`)).body.items;
    expect(events.at(-1)).toMatchObject({ type: 'missing', occurredOn: '2026-11-18' });
    const manifest = await pdfText((await getPdf(ctx, `/api/v1/shipments/${shipment.id}/manifest.pdf`)).body);
    expect(manifest).toContain('Reçue le 18 novembre 2026 (réception confirmée par test reconditioner) — 1 appareil non reçu');
  });

  it('when the manifest is downloaded, then it lists every device with serials and totals in French', async () => {
    const devices = await intake(ctx, [
      deviceInput({ brand: 'Lenovo', model: 'ThinkPad T480', weightKg: 1.6 }),
      deviceInput({ kind: 'monitor', brand: 'Dell', model: 'P2419H', weightKg: 3.4 }),
      deviceInput({ kind: 'monitor', brand: 'Dell', model: 'P2419H', weightKg: 3.4 }),
    ], await collectedOn(ctx, '2025-01-06'));
    const shipment = await openShipment(ctx, { reference: 'EXP-2025-ÉTÉ' });
    await addCodes(ctx, shipment.id, devices.map((d) => d.assetTag));
    await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/dispatch`).send({ dispatchedOn: '2025-07-15' }).expect(200);
    const res = await getPdf(ctx, `/api/v1/shipments/${shipment.id}/manifest.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const text = await pdfText(res.body);
    expect(text).toContain('Bordereau de remise au reconditionneur');
    expect(text).toContain('Expédition EXP-2025-ÉTÉ du 15 juillet 2025');
    for (const device of devices) {
      expect(text).toContain(device.assetTag);
      expect(text).toContain(device.serialNumber!);
    }
    expect(text).toContain('Lenovo ThinkPad T480');
    expect(text).toMatch(/Écran 2 6,8/);
    expect(text).toMatch(/Total 3 8,4/);
    expect(text).toContain('Reçu par (le reconditionneur)');
    expect(text).toContain('TRIRA');
    expect(text).toContain('page 1/1');
  });

  it('when the reconditioner has confirmed the receipt, then the manifest’s « Reçu » column says what happened with no box left to tick; before, each line has its empty box', async () => {
    const devices = await intake(ctx, [deviceInput(), deviceInput()], await collectedOn(ctx, '2026-11-02'));
    const shipment = await openShipment(ctx);
    await addCodes(ctx, shipment.id, devices.map((d) => d.assetTag));
    await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/dispatch`).send({ dispatchedOn: '2026-11-21' }).expect(200);
    // A box to tick is a small square; the signature boxes are wide.
    const ticks = async () => (await pdfRectangles((await getPdf(ctx, `/api/v1/shipments/${shipment.id}/manifest.pdf`)).body)).flat().filter((r) => r.width === r.height && r.width < 20).length;
    expect(await ticks()).toBe(2);

    await ctx.api('reconditioner').post(`/api/v1/shipments/${shipment.id}/acknowledge`).send({ receivedOn: '2026-11-24', missing: [devices[1].assetTag] }).expect(200);
    expect(await ticks()).toBe(0);
    const text = await pdfText((await getPdf(ctx, `/api/v1/shipments/${shipment.id}/manifest.pdf`)).body);
    expect(text).toContain(`Expédition ${shipment.reference} du 21 novembre 2026`);
    expect(text).toContain('Reçue le 24 novembre 2026');
    expect(text).toMatch(new RegExp(`${devices[0].assetTag} .*? 1,5 oui 2 ${devices[1].assetTag} .*? 1,5 manquant`));
  });

  it('when TRIRA confirmed the receipt with a unit missing, then the totals it signs under say what was handed over, what it received and what is missing, by kind, and its remark is printed beside the reception line', async () => {
    const devices = await intake(ctx, [
      deviceInput({ weightKg: 1.5 }),
      deviceInput({ weightKg: 1.5 }),
      deviceInput({ kind: 'monitor', weightKg: 4.2 }),
    ], await collectedOn(ctx, '2026-11-02'));
    const shipment = await openShipment(ctx, { notes: 'Palette filmée' });
    await addCodes(ctx, shipment.id, devices.map((d) => d.assetTag));
    await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/dispatch`).send({ dispatchedOn: '2026-11-21' }).expect(200);
    const before = await pdfText((await getPdf(ctx, `/api/v1/shipments/${shipment.id}/manifest.pdf`)).body);
    expect(before).toMatch(/Totaux Type Nombre Poids \(kg\) Ordinateur portable 2 3,0 Écran 1 4,2 Total 3 7,2 Remis par/);

    await ctx.api('reconditioner').post(`/api/v1/shipments/${shipment.id}/acknowledge`)
      .send({ receivedOn: '2026-11-24', missing: [devices[1].assetTag], notes: 'Carton abîmé, un portable absent' }).expect(200);
    const pages = await pdfPages((await getPdf(ctx, `/api/v1/shipments/${shipment.id}/manifest.pdf`)).body);
    expect(pages).toHaveLength(1);
    const [text] = pages;
    expect(text).toContain('Remarques à l’expédition : Palette filmée');
    expect(text).toContain('Reçue le 24 novembre 2026 (réception confirmée par test reconditioner) — 1 appareil non reçu Remarques de TRIRA à la réception : Carton abîmé, un portable absent');
    expect(text).toMatch(/Totaux Type Remis Poids remis \(kg\) Reçus Poids reçu \(kg\) Manquants Poids manquant \(kg\) /);
    expect(text).toContain('Ordinateur portable 2 3,0 1 1,5 1 1,5 Écran 1 4,2 1 4,2 0 0,0 Total 3 7,2 2 5,7 1 1,5');
    expect(text).toContain('2 appareils reçus sur 3 remis (5,7 kg sur 7,2 kg), 1 appareil manquant (1,5 kg). Remis par (la régie)');
  });

  it('when several units are missing from a long shipment, then the totals say so in the plural and stay whole on the page of the signatures, wherever the list ends', async () => {
    const kinds = ['laptop', 'monitor', 'desktop', 'tablet'];
    const collection = await collectedOn(ctx, '2026-11-02');
    const batch = () => Array.from({ length: 16 * 22 }, (_, i) => deviceInput({ kind: kinds[i % kinds.length], weightKg: 1 + (i % 5) / 2 }));
    const all = [...await intake(ctx, batch(), collection), ...await intake(ctx, batch(), collection)];
    // The list ends lower on the page from one shipment to the next: one more device, or one more line of remark.
    const remarks = ['Deux appareils absents', 'Deux appareils absents du carton, signalés au transporteur le jour même ; la réclamation suit.'];
    let offset = 0;
    for (let step = 0; step < 32; step++) {
      const n = 8 + (step >> 1);
      const devices = all.slice(offset, offset + n);
      offset += n;
      const shipment = await openShipment(ctx);
      await addCodes(ctx, shipment.id, devices.map((d) => d.assetTag));
      await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/dispatch`).send({ dispatchedOn: '2026-11-21' }).expect(200);
      await ctx.api('reconditioner').post(`/api/v1/shipments/${shipment.id}/acknowledge`)
        .send({ receivedOn: '2026-11-24', missing: [devices[1].assetTag, devices[5].assetTag], notes: remarks[step % 2] }).expect(200);
      const pages = await pdfPages((await getPdf(ctx, `/api/v1/shipments/${shipment.id}/manifest.pdf`)).body);
      const last = pages.at(-1)!;
      expect(pages.filter((p) => p.includes('Totaux')), `${n} devices, remark ${step % 2}`).toEqual([last]);
      expect(last, `${n} devices, remark ${step % 2}`).toMatch(new RegExp(`Totaux Type .* Total ${n} [0-9,]+ ${n - 2} [0-9,]+ 2 [0-9,]+ ${n - 2} appareils reçus sur ${n} remis \\([0-9,]+ kg sur [0-9,]+ kg\\), 2 appareils manquants \\([0-9,]+ kg\\)\\. Remis par \\(la régie\\) .* Reçu par \\(le reconditionneur\\)`));
    }
  }, 120_000);

  it('when TRIRA confirmed the receipt with nothing missing, then the manifest keeps its single total and still prints TRIRA’s remark', async () => {
    const devices = await intake(ctx, [deviceInput({ weightKg: 1.5 }), deviceInput({ weightKg: 1.5 })], await collectedOn(ctx, '2026-11-02'));
    const shipment = await openShipment(ctx);
    await addCodes(ctx, shipment.id, devices.map((d) => d.assetTag));
    await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/dispatch`).send({ dispatchedOn: '2026-11-21' }).expect(200);
    await ctx.api('reconditioner').post(`/api/v1/shipments/${shipment.id}/acknowledge`).send({ receivedOn: '2026-11-24', notes: 'RAS' }).expect(200);
    const text = await pdfText((await getPdf(ctx, `/api/v1/shipments/${shipment.id}/manifest.pdf`)).body);
    expect(text).toContain('Reçue le 24 novembre 2026 (réception confirmée par test reconditioner) Remarques de TRIRA à la réception : RAS');
    expect(text).toMatch(/Totaux Type Nombre Poids \(kg\) Ordinateur portable 2 3,0 Total 2 3,0 Remis par/);
    expect(text).not.toContain('Manquants');
    expect(text).not.toContain('Remarques à l’expédition');
  });

  it('when TRIRA’s remark is long, then it is wrapped over several lines and printed whole', async () => {
    const remark = 'Carton abîmé à l’arrivée, un portable absent. Le transporteur a été prévenu par téléphone le jour même et une réclamation est ouverte sous la référence TR 2026 4481. Les autres appareils sont arrivés en bon état, emballés séparément, avec leurs chargeurs et leurs sacoches. '.repeat(3).trim();
    const devices = await intake(ctx, [deviceInput(), deviceInput()], await collectedOn(ctx, '2026-11-02'));
    const shipment = await openShipment(ctx, { notes: 'Palette filmée' });
    await addCodes(ctx, shipment.id, devices.map((d) => d.assetTag));
    await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/dispatch`).send({ dispatchedOn: '2026-11-21' }).expect(200);
    await ctx.api('reconditioner').post(`/api/v1/shipments/${shipment.id}/acknowledge`).send({ receivedOn: '2026-11-24', missing: [devices[0].assetTag], notes: remark }).expect(200);
    const pdf = (await getPdf(ctx, `/api/v1/shipments/${shipment.id}/manifest.pdf`)).body;
    const text = await pdfText(pdf);
    expect(text).toContain(`Remarques de TRIRA à la réception : ${remark} N° Étiquette`);
    const runs = (await pdfRuns(pdf)).flat();
    const lines = runs.filter((run) => remark.includes(run.trim()) && run.trim().length > 20);
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(text).not.toContain('…');
  });

  it('when a viewer tries to open a shipment, then 403', async () => {
    const res = await ctx.api('viewer').post('/api/v1/shipments').send({});
    expect(res.status).toBe(403);
  });
});
