import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { createCollection, createDonor, deviceInput, intake } from '../helpers/factories.js';
import { pdfText } from '../helpers/pdf.js';
import { erasureInput, getPdf, ship } from './helpers.js';

const ctx = useTestApp();

describe("the donor's documents", () => {
  it('when the collection receipt is downloaded, then it lists every device with serials, weights and totals, accents intact', async () => {
    const donor = await createDonor(ctx, { name: 'Société Générale d’Électricité de Savoie' });
    const collection = await createCollection(ctx, { donorId: donor.id, collectedOn: '2025-10-07' });
    const devices = await intake(ctx, [
      deviceInput({ weightKg: 1.25 }),
      deviceInput({ kind: 'all_in_one', brand: 'Apple', model: 'iMac 21,5"', weightKg: 5.5 }),
      deviceInput({ kind: 'monitor', weightKg: 3 }),
    ], collection.id);
    const res = await getPdf(ctx, `/api/v1/collections/${collection.id}/receipt.pdf`);
    expect(res.status).toBe(200);
    const text = await pdfText(res.body);
    expect(text).toContain('Attestation de collecte');
    expect(text).toContain('Société Générale d’Électricité de Savoie');
    expect(text).toContain('Collecte du 7 octobre 2025');
    for (const device of devices) {
      expect(text).toContain(device.assetTag);
      expect(text).toContain(device.serialNumber!);
    }
    expect(text).toContain('Ordinateur tout-en-un');
    expect(text).toContain('les 3 appareils');
    expect(text).toContain('La Régie de quartier de Chambéry atteste');
    // Donors have no article form: the sentence points at the "Donateur" line instead of naming them.
    expect(text).toContain('auprès du donateur désigné ci-dessus');
    expect(text).toMatch(/Total 3 9,8/);
    expect(text).toContain('Pour le donateur');
  });

  it('when some devices are not yet erased, then the certificate is partial and lists them pending; once all passed, a new number and a full title', async () => {
    const collection = await createCollection(ctx, { collectedOn: '2025-10-08' });
    const [laptop, desktop, monitor] = await intake(ctx, [deviceInput(), deviceInput({ kind: 'desktop' }), deviceInput({ kind: 'monitor' })], collection.id);
    await ctx.api('reconditioner').post(`/api/v1/devices/${laptop.id}/erasure`).send(erasureInput({ tool: 'ShredOS nwipe 0.37', performedAt: '2025-11-20T10:15:00Z' })).expect(201);
    await ctx.api('reconditioner').post(`/api/v1/devices/${desktop.id}/erasure`).send(erasureInput({ result: 'failed' })).expect(201);

    const first = await getPdf(ctx, `/api/v1/collections/${collection.id}/erasure-certificate.pdf`);
    expect(first.status).toBe(200);
    const number = first.headers['x-certificate-number'];
    expect(number).toMatch(/^CE-\d{6}$/);
    const text = await pdfText(first.body);
    expect(text).toContain('Certificat d’effacement des données — partiel');
    expect(text).toContain(`Certificat n° ${number}`);
    expect(text).toContain(laptop.serialNumber!);
    expect(text).toContain(desktop.serialNumber!);
    expect(text).not.toContain(monitor.assetTag);
    expect(text).toContain('NIST SP 800-88 Rév. 2 (septembre 2025)');
    expect(text).toContain('Purge');
    expect(text).toContain('ShredOS nwipe 0.37');
    expect(text).toContain('Agnès Müller');
    expect(text).toContain('20/11/2025');
    expect(text).toContain('Échec — à reprendre');
    expect(text).toContain('1 appareil effacé, 1 en attente d’un effacement réussi');
    expect(text).not.toContain('(s)');
    const sha = first.headers['x-content-sha256'];
    expect(text.replace(/\s/g, '')).toContain(sha);

    const again = await getPdf(ctx, `/api/v1/collections/${collection.id}/erasure-certificate.pdf`);
    expect(again.headers['x-certificate-number']).toBe(number);

    await ctx.api('reconditioner').post(`/api/v1/devices/${desktop.id}/erasure`).send(erasureInput()).expect(201);
    const full = await getPdf(ctx, `/api/v1/collections/${collection.id}/erasure-certificate.pdf`);
    const fullNumber = full.headers['x-certificate-number'];
    expect(Number(fullNumber.slice(3))).toBeGreaterThan(Number(number.slice(3)));
    const fullText = await pdfText(full.body);
    expect(fullText).toContain('Certificat d’effacement des données');
    expect(fullText).not.toContain('partiel');
    expect(fullText).not.toContain('En attente');

    const register = await ctx.api('viewer').get(`/api/v1/erasure-certificates/${fullNumber}`);
    expect(register.body).toMatchObject({ number: fullNumber, collectionId: collection.id, complete: true, deviceCount: 2, contentSha256: full.headers['x-content-sha256'] });
    expect(register.body.contentSha256).not.toBe(sha);
    expect(register.body.contentSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("when the donor's impact is asked, then devices given, reconditioned, reused, recycled, households and weight add up", async () => {
    const donor = await createDonor(ctx, { name: 'Mairie de Cognin', kind: 'public_body' });
    const collection = await createCollection(ctx, { donorId: donor.id });
    const [a, b, c, d, e] = await intake(ctx, [
      deviceInput({ weightKg: 2 }), deviceInput({ weightKg: 2 }), deviceInput({ weightKg: 2 }), deviceInput({ kind: 'monitor', weightKg: 4 }), deviceInput({ weightKg: 1.5 }),
    ], collection.id);
    for (const device of [a, b, c]) await ctx.api('reconditioner').post(`/api/v1/devices/${device.id}/erasure`).send(erasureInput()).expect(201);
    for (const device of [a, b, c]) await ctx.api('collector').post(`/api/v1/devices/${device.id}/recondition`).send({ grade: 'A' }).expect(200);
    await ctx.api('collector').post(`/api/v1/devices/${d.id}/scrap`).send({ reason: 'Dalle fendue' }).expect(200);
    await ship(ctx, [e]);
    // Installations (issue 5) record complete events carrying the beneficiary's pseudonymous reference.
    const completes = [[a, 'B-2025-0001'], [b, 'B-2025-0001'], [c, 'B-2025-0002']] as const;
    for (const [device, reference] of completes) {
      await ctx.db.kysely.insertInto('device_events').values({
        device_id: device.id, type: 'complete', from_status: 'reserved', to_status: 'installed', at: ctx.clock.now().toISOString(), occurred_on: '2025-06-01', actor: 'test installer',
        data: JSON.stringify({ installationId: `inst-${device.id}`, beneficiaryReference: reference }),
      }).execute();
    }
    const res = await ctx.api('viewer').get(`/api/v1/donors/${donor.id}/impact`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      donorId: donor.id,
      donorName: 'Mairie de Cognin',
      devicesGiven: 5,
      reused: 3,
      reconditioned: 3,
      shippedToReconditioner: 1,
      recycled: 1,
      householdsEquipped: 2,
      totalWeightKg: 11.5,
      weightDivertedKg: 7.5,
      recycledWeightKg: 4,
      byKind: { laptop: 4, monitor: 1 },
    });
  });
});
