import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { collectedOn, createCollection, deviceInput, intake } from '../helpers/factories.js';
import { pdfText } from '../helpers/pdf.js';
import { addCodes, attestationOn, erasureInput, getPdf, openShipment, ship } from './helpers.js';

const ctx = useTestApp();
const deliver = (body: Record<string, unknown>) => ctx.api('reconditioner').post('/api/v1/deliveries').send({ receivedOn: '2025-12-01', reference: 'BL-E', ...body });

describe('erasure on every path into reuse or disposal', () => {
  it('when a returning laptop and a new unit come without attestation, then 409 names each item and nothing is delivered', async () => {
    const [laptop, monitor] = await intake(ctx, [deviceInput(), deviceInput({ kind: 'monitor', specs: null })], await collectedOn(ctx, '2025-01-06'));
    await ship(ctx, [laptop, monitor], '2025-11-20');
    const newUnit = deviceInput({ kind: 'desktop' });
    const res = await deliver({ items: [{ code: laptop.assetTag }, { code: monitor.assetTag }, newUnit] });
    expect(res.status).toBe(409);
    expect(res.body.missing).toBe('erasure');
    expect(res.body.detail).toContain(laptop.assetTag);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['items.0.erasure', 'items.2.erasure']);
    expect(res.body.errors[1].message).toContain("reconditioner's attestation");
    expect((await ctx.api().get(`/api/v1/devices/${laptop.id}`)).body.status).toBe('shipped');
    expect((await ctx.api().get(`/api/v1/scan/${newUnit.serialNumber}`)).status).toBe(404);
  });

  it('when the attestation is only a Clear or failed, then 409 says it does not clear the unit', async () => {
    const [laptop] = await intake(ctx, [deviceInput()], await collectedOn(ctx, '2025-01-06'));
    await ship(ctx, [laptop], '2025-11-20');
    const res = await deliver({ items: [{ code: laptop.assetTag, erasure: attestationOn('2025-12-01', { method: 'nist-800-88-clear' }) }, { ...deviceInput(), erasure: attestationOn('2025-12-01', { result: 'failed' }) }] });
    expect(res.status).toBe(409);
    expect(res.body.errors[0].message).toContain('Clear, which does not clear it');
    expect(res.body.errors[1].message).toContain('failed');
  });

  it('when a returning laptop already has a passing purge on record, then it is delivered ready without a new attestation, with the grade given', async () => {
    const [laptop] = await intake(ctx, [deviceInput({ grade: 'C' })], await collectedOn(ctx, '2025-01-06'));
    await ctx.api('reconditioner').post(`/api/v1/devices/${laptop.id}/erasure`).send(erasureInput()).expect(201);
    await ship(ctx, [laptop], '2025-11-20');
    const res = await deliver({ items: [{ code: laptop.assetTag, grade: 'A' }] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.items[0].device).toMatchObject({ status: 'ready', grade: 'A' });
  });

  it('when a data-bearing device is scrapped without erasure or certificate, then 409; with the recycler certificate or a purge, it is scrapped', async () => {
    const [a, b, monitor] = await intake(ctx, [deviceInput(), deviceInput(), deviceInput({ kind: 'monitor', specs: null })]);
    const refused = await ctx.api('collector').post(`/api/v1/devices/${a.id}/scrap`).send({ reason: 'Carte mère HS' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ missing: 'erasure', currentStatus: 'collected' });
    expect(refused.body.detail).toContain('destructionCertificate');
    const withCertificate = await ctx.api('collector').post(`/api/v1/devices/${a.id}/scrap`).send({ reason: 'Carte mère HS', destructionCertificate: 'CD-2025-0042' });
    expect(withCertificate.status).toBe(200);
    expect(withCertificate.body.status).toBe('scrapped');
    const events = await ctx.api().get(`/api/v1/devices/${a.id}/events`);
    expect(events.body.items.at(-1).details).toMatchObject({ destructionCertificate: 'CD-2025-0042' });

    await ctx.api('reconditioner').post(`/api/v1/devices/${b.id}/erasure`).send(erasureInput()).expect(201);
    expect((await ctx.api('collector').post(`/api/v1/devices/${b.id}/scrap`).send({ reason: 'Écran cassé' })).status).toBe(200);
    expect((await ctx.api('collector').post(`/api/v1/devices/${monitor.id}/scrap`).send({ reason: 'Dalle fendue' })).status).toBe(200);
  });

  it("when devices were scrapped or reported missing, then the donor's certificate says so with the reference, never pending", async () => {
    const collection = await createCollection(ctx, { collectedOn: '2025-10-08' });
    const [erased, destroyed, lost] = await intake(ctx, [deviceInput(), deviceInput(), deviceInput()], collection.id);
    await ctx.api('reconditioner').post(`/api/v1/devices/${erased.id}/erasure`).send(erasureInput()).expect(201);
    await ctx.api('collector').post(`/api/v1/devices/${destroyed.id}/scrap`).send({ reason: 'Carte mère HS', destructionCertificate: 'CD-2025-0042' }).expect(200);
    const shipment = await openShipment(ctx);
    await addCodes(ctx, shipment.id, [lost.assetTag]);
    await ctx.api('collector').post(`/api/v1/shipments/${shipment.id}/dispatch`).send({ dispatchedOn: '2025-11-20' }).expect(200);
    await ctx.api('reconditioner').post(`/api/v1/shipments/${shipment.id}/acknowledge`).send({ missing: [lost.assetTag] }).expect(200);

    const pdf = await getPdf(ctx, `/api/v1/collections/${collection.id}/erasure-certificate.pdf`);
    expect(pdf.status).toBe(200);
    const text = await pdfText(pdf.body);
    expect(text).not.toContain('En attente');
    expect(text).toContain('Certificat de destruction n° CD-2025-0042');
    expect(text).toContain('Détruit (recyclé)');
    expect(text).toContain('Manquant');
    // Every word of the Méthode column whole (pdfkit would cut one too wide, without a hyphen).
    expect(text).toContain('Aucune : appareil non reçu par le reconditionneur');
    expect(text).toContain('Destruction par le recycleur');
    expect(text).toContain('1 appareil déclaré manquant');
    expect(text).toContain('— partiel');
    expect(text).toContain('Camille Exemple, responsable de la collecte');
    expect(text.match(/NIST SP 800-88/g)).toHaveLength(2);
    if (process.env.CERTIFICATE_PDF_OUT) (await import('node:fs')).writeFileSync(process.env.CERTIFICATE_PDF_OUT, pdf.body);
  });
});
